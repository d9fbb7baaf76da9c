import type { SqlClient } from "@effect/sql"
import { Effect } from "effect"

/** A column of a set-based write: its name and PostgreSQL type (for the `unnest` casts). */
export interface Col<R> {
  readonly name: keyof R & string
  readonly type: string
}

/**
 * `unnest($n::t[], …) AS alias(c, …)` over `rows`, with the parameters starting at `$offset+1`: one statement writes
 * a whole chunk (design.md §3).
 */
export const unnestOf = <R>(cols: ReadonlyArray<Col<R>>, rows: ReadonlyArray<R>, alias: string, offset = 0) => ({
  text: `unnest(${cols.map((c, i) => `$${offset + i + 1}::${c.type}[]`).join(", ")}) as ${alias}(${cols
    .map((c) => c.name)
    .join(", ")})`,
  params: cols.map((c) => rows.map((r) => r[c.name] as unknown))
})

/**
 * Sends `rows` once, into the temporary table `name` (dropped at commit; call it inside a transaction), so that the
 * update and the insert of an upsert read them from there instead of each decoding the parameter arrays again.
 */
export const stage = <R>(
  sql: SqlClient.SqlClient,
  name: string,
  cols: ReadonlyArray<Col<R>>,
  rows: ReadonlyArray<R>
) => {
  const u = unnestOf(cols, rows, "s")
  return Effect.asVoid(sql.unsafe(`create temporary table ${name} on commit drop as select * from ${u.text}`, u.params))
}

/**
 * As `stage`, for a source table in this database (the mock source): copies the rows with the given keys from `table`
 * into `name`, in the column order of `cols`, without sending their values.
 */
export const stageByKey = <R>(
  sql: SqlClient.SqlClient,
  name: string,
  cols: ReadonlyArray<Col<R>>,
  table: string,
  keys: ReadonlyArray<string>
) =>
  Effect.asVoid(
    sql.unsafe(
      `create temporary table ${name} on commit drop as select ${cols.map((c) => c.name).join(", ")} from ${table}
       where ${cols[0]!.name} = any($1::${cols[0]!.type}[])`,
      [keys]
    )
  )

/**
 * `t.key between` the smallest and largest key of the staged page `raw_page`: the target rows of a page are read as
 * one index range. Without it the planner, which knows nothing of the temporary table, merge-joined the page with the
 * whole key index up to the page's last key — a scan that grows with every page (~170 ms a page at 100 000 rows).
 * The insert uses it too: rows already there are left out by that one range rather than by a conflicting insert
 * attempt each (a re-import inserts nothing).
 */
export const inPage = (key: string) =>
  `t.${key} between (select ${key} from raw_page order by 1 limit 1)
     and (select ${key} from raw_page order by 1 desc limit 1)`

/** `(a.x, a.y, …)` for a row comparison. */
export const tuple = (alias: string, names: ReadonlyArray<string>) =>
  `(${names.map((n) => `${alias}.${n}`).join(", ")})`

/** Below this many written rows a bulk step leaves the statistics to autovacuum. */
const ANALYZE_THRESHOLD = 1000

/**
 * `ANALYZE`s `tables` when a bulk step wrote at least a thousand rows: the next steps join against them, and with the
 * statistics of before the load (autovacuum lags minutes behind) the planner picks nested loops over the new rows.
 * Each table on its own connection, side by side (nothing else runs meanwhile). An entry may name columns,
 * `kas.history (…)`: the row count and those columns' statistics, without the costly ones of a large JSON column.
 */
export const analyzeAfterBulk = (sql: SqlClient.SqlClient, tables: ReadonlyArray<string>, written: number) =>
  written >= ANALYZE_THRESHOLD
    ? Effect.forEach(tables, (t) => sql.unsafe(`analyze ${t}`), { concurrency: "unbounded", discard: true })
    : Effect.void
