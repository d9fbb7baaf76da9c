import { SqlClient } from "@effect/sql"
import { Effect, type ManagedRuntime } from "effect"
import type { SessionData, SessionStore } from "./Session.js"

/** Sessions in a PostgreSQL table (see `sessionTableSql`); expired rows are ignored and purged on write. */
export const pgSessionStore = <R>(runtime: ManagedRuntime.ManagedRuntime<R | SqlClient.SqlClient, unknown>, table: string): SessionStore => {
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
          Effect.zipRight(Math.random() < 0.01 ? Effect.asVoid(sql`delete from ${t(sql)} where expires_at < now()`) : Effect.void)
        )
      ).then(() => undefined),
    destroy: (id) => run((sql) => sql`delete from ${t(sql)} where id = ${id}`).then(() => undefined)
  }
}
