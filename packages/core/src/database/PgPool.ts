import { PgClient } from "@effect/sql-pg"
import { Context, Effect, Layer, Redacted } from "effect"
import { Pool, type PoolConfig } from "pg"

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
