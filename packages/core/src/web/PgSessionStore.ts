import { SqlClient } from "@effect/sql"
import { PgClient } from "@effect/sql-pg"
import { Context, Effect, Layer, type ManagedRuntime, Redacted } from "effect"
import { Pool, type PoolConfig } from "pg"
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

/**
 * A plain `pg` pool beside the process's Effect SQL client, on the same database (its URL or connection settings),
 * closed with the runtime: for the few statements every request runs (`pgPoolSessionStore`, the REST overview), where
 * an Effect fiber and statement compilation per query cost more than the query itself.
 */
export class PgPool extends Context.Tag("@kas/core/web/PgPool")<PgPool, Pool>() {
  static readonly layer = (max = 10) =>
    Layer.scoped(
      PgPool,
      Effect.flatMap(PgClient.PgClient, (client) =>
        Effect.acquireRelease(
          Effect.sync(() => {
            const pool = new Pool({ ...poolConfigOf(client.config), max })
            pool.on("error", () => undefined) // an idle connection that breaks is dropped; the next query reconnects
            return pool
          }),
          (pool) => Effect.promise(() => pool.end())
        )
      )
    )
}

const poolConfigOf = (c: PgClient.PgClientConfig): PoolConfig =>
  c.url !== undefined
    ? { connectionString: Redacted.value(c.url) }
    : {
        ...(c.host !== undefined ? { host: c.host } : {}),
        ...(c.port !== undefined ? { port: c.port } : {}),
        ...(c.database !== undefined ? { database: c.database } : {}),
        ...(c.username !== undefined ? { user: c.username } : {}),
        ...(c.password !== undefined ? { password: Redacted.value(c.password) } : {})
      }
