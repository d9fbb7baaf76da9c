import { Context, Effect, Layer, Runtime } from "effect"
import { cachedPgPoolSessionStore, type CachedSessionStore, PgPool } from "@kas/core/web"

/** The citizen sessions' table and the channel its trigger notifies (migration 0004). */
export const SESSION_TABLE = "selvbetjening.sessions"
export const SESSION_CHANNEL = "selvbetjening_sessions"

/**
 * The store of the citizen sessions: read through an in-memory cache that every change of a session in the database
 * empties for that session (LISTEN on `selvbetjening_sessions`), so that a page reads no session row while logout, the
 * purge and another instance's logout still end the session here as soon as they commit (`cachedPgPoolSessionStore`).
 */
export class CitizenSessions extends Context.Tag("@kas/server-selvbetjening/CitizenSessions")<
  CitizenSessions,
  CachedSessionStore
>() {
  /** The store on the process's plain pool; it stops listening when the runtime is disposed. */
  static readonly layer = Layer.scoped(
    CitizenSessions,
    Effect.gen(function* () {
      const pool = yield* PgPool
      const runtime = yield* Effect.runtime<never>()
      const log = (message: string) => Runtime.runFork(runtime)(Effect.logWarning(message))
      return yield* Effect.acquireRelease(
        Effect.sync(() => cachedPgPoolSessionStore(pool, SESSION_TABLE, { channel: SESSION_CHANNEL, log })),
        (store) => Effect.promise(() => store.close())
      )
    })
  )
}
