import { SqlClient } from "@effect/sql"
import { Effect, Option } from "effect"

/** Failures that lock a user name or a client address (staff-web.md §2). */
export const MAX_FAILURES = 10
/** The window the failures are counted in, and how long the lock then lasts: 15 minutes each. */
export const WINDOW_SECONDS = 900
export const LOCK_SECONDS = 900

/** The outcome of one throttled login attempt. */
export type LoginAttempt<U> =
  | { readonly _tag: "Locked"; readonly until: Date }
  | { readonly _tag: "Failed" }
  | { readonly _tag: "Ok"; readonly user: U }

/**
 * Login throttling for every staff login page: after 10 failures within 15 minutes for one user name (any case) or
 * from one client address, attempts are refused for 15 minutes without checking the password. An attempt is counted
 * as a failure before its password is checked (and uncounted when it succeeds), so parallel attempts cannot get past
 * the limit; a success clears the user name's failures, not the address's.
 */
export class LoginThrottle extends Effect.Service<LoginThrottle>()("@kas/server-kas/LoginThrottle", {
  effect: Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient

    const keysOf = (username: string, address: string) => [
      `user:${username.trim().toLowerCase()}`,
      `address:${address}`
    ]

    /** Until when one of the keys is locked: 15 minutes after a failure that was the 10th within 15 minutes. */
    const lockedUntil = (keys: ReadonlyArray<string>) =>
      sql<{ until: Date | null }>`
        with latest as (
          select key, max(failed_at) as last from web.login_failures
          where key in ${sql.in(keys)} and failed_at > now() - make_interval(secs => ${LOCK_SECONDS})
          group by key
        )
        select max(l.last) + make_interval(secs => ${LOCK_SECONDS}) as until from latest l
        where (select count(*) from web.login_failures f
               where f.key = l.key and f.failed_at > l.last - make_interval(secs => ${WINDOW_SECONDS}))
          >= ${MAX_FAILURES}
      `.pipe(Effect.map((rows) => Option.fromNullable(rows[0]?.until ?? null).pipe(Option.map((d) => new Date(d)))))

    /** Refuses a locked attempt, otherwise counts it as a failure until it succeeds (one key at a time, in order). */
    const begin = (keys: ReadonlyArray<string>) =>
      Effect.gen(function* () {
        for (const key of [...keys].sort()) yield* sql`select pg_advisory_xact_lock(hashtext(${key}))`
        yield* sql`delete from web.login_failures where failed_at < now() - interval '1 hour'`
        const until = yield* lockedUntil(keys)
        if (Option.isSome(until)) return { _tag: "Locked" as const, until: until.value }
        const rows = yield* sql<{ id: string }>`
          insert into web.login_failures ${sql.insert(keys.map((key) => ({ key })))} returning id`
        return { _tag: "Counted" as const, ids: rows.map((r) => r.id) }
      }).pipe(sql.withTransaction)

    /** Runs `check` (the password check) unless the user name or address is locked. */
    const attempt = <U, E>(username: string, address: string, check: Effect.Effect<Option.Option<U>, E>) =>
      Effect.gen(function* () {
        const keys = keysOf(username, address)
        const started = yield* begin(keys)
        if (started._tag === "Locked") return started satisfies LoginAttempt<U>
        const user = yield* check
        if (Option.isNone(user)) return { _tag: "Failed" } satisfies LoginAttempt<U>
        yield* sql`delete from web.login_failures where id in ${sql.in(started.ids)} or key = ${keys[0]!}`
        return { _tag: "Ok", user: user.value } satisfies LoginAttempt<U>
      }).pipe(Effect.withSpan("LoginThrottle.attempt"))

    return { attempt } as const
  })
}) {}
