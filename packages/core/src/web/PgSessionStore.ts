import { SqlClient } from "@effect/sql"
import { Effect, type ManagedRuntime } from "effect"
import type { Pool } from "pg"
import type { SessionData, SessionStore } from "./Session.js"

/** Sessions in a PostgreSQL table (see `sessionTableSql`); expired rows are ignored and purged on write. */
export const pgSessionStore = <R>(
  runtime: ManagedRuntime.ManagedRuntime<R | SqlClient.SqlClient, unknown>,
  table: string
): SessionStore => {
  const run = <A>(f: (sql: SqlClient.SqlClient) => Effect.Effect<A, unknown, never>) =>
    runtime.runPromise(Effect.flatMap(SqlClient.SqlClient, f))
  const t = (sql: SqlClient.SqlClient) => sql.unsafe(table)
  return {
    load: (id) =>
      run((sql) => sql<{ data: SessionData }>`select data from ${t(sql)} where id = ${id} and expires_at > now()`).then(
        (rows) => rows[0]?.data
      ),
    save: (id, data, expiresAt) =>
      run((sql) =>
        sql`insert into ${t(sql)} (id, data, expires_at) values (${id}, ${JSON.stringify(data)}::jsonb, ${expiresAt})
          on conflict (id) do update set data = excluded.data, expires_at = excluded.expires_at`.pipe(
          Effect.zipRight(
            Math.random() < 0.01 ? Effect.asVoid(sql`delete from ${t(sql)} where expires_at < now()`) : Effect.void
          )
        )
      ).then(() => undefined),
    destroy: (id) => run((sql) => sql`delete from ${t(sql)} where id = ${id}`).then(() => undefined)
  }
}

/**
 * Deletes the expired rows of a session table and returns how many (the scheduled purges of jobs.md §9: staff
 * sessions on the 3rd, self-service sessions on the 5th of the month).
 */
export const purgeExpiredSessions = (table: string) =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    sql<{ n: number }>`with gone as (delete from ${sql.unsafe(table)} where expires_at < now() returning 1)
      select count(*)::int as n from gone`.pipe(Effect.map((rows) => rows[0]?.n ?? 0))
  )

/** What the pool-based session store uses of a `pg` `Pool`. */
export type PgQueryable = Pick<Pool, "query">

/**
 * The same store on a plain `pg` pool with named (prepared) statements, for a server whose every page reads its
 * session: the read then costs neither an Effect fiber and statement compilation in Node nor a parse and plan in
 * PostgreSQL (selvbetjening, bench/selvbetjening). Same table, same rules as `pgSessionStore`.
 */
export const pgPoolSessionStore = (pool: PgQueryable, table: string): SessionStore => {
  if (!/^[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)?$/.test(table)) throw new Error(`Invalid session table name: ${table}`)
  const statement = (name: string, text: string) => (values: Array<unknown>) =>
    pool.query({ name: `session_${name}_${table}`, text, values })
  const load = statement("load", `select data from ${table} where id = $1 and expires_at > now()`)
  const save = statement(
    "save",
    `insert into ${table} (id, data, expires_at) values ($1, $2::jsonb, $3)
      on conflict (id) do update set data = excluded.data, expires_at = excluded.expires_at`
  )
  const purge = statement("purge", `delete from ${table} where expires_at < now()`)
  const destroy = statement("destroy", `delete from ${table} where id = $1`)
  return {
    load: (id) => load([id]).then((r) => (r.rows[0] as { data: SessionData } | undefined)?.data),
    save: async (id, data, expiresAt) => {
      await save([id, JSON.stringify(data), expiresAt])
      if (Math.random() < 0.01) await purge([])
    },
    destroy: (id) => destroy([id]).then(() => undefined)
  }
}

export { PgPool } from "../database/PgPool.js"
