import { SqlClient } from "@effect/sql"
import { SqlError } from "@effect/sql/SqlError"
import { Effect, Option, Runtime, Schema } from "effect"
import { randomInt } from "node:crypto"
import type { Cpr } from "../../domain/Cpr.js"
import { NotFound } from "../../domain/DomainError.js"
import { PgPool } from "../PgPool.js"

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

/** A cryptographically random 64-character token from [A-Za-z0-9] (domain.md §2.18). */
export const newToken = (): string => Array.from({ length: 64 }, () => ALPHABET[randomInt(ALPHABET.length)]).join("")

/** Why an exchange was refused (selvbetjening.md §16.6), in the order the checks run. */
export const TokenRefusal = Schema.Literal("not-set", "invalid", "expired", "used", "other-in-use")
export type TokenRefusal = typeof TokenRefusal.Type

const refusalTexts: Record<TokenRefusal, string> = {
  "not-set": "Token not set",
  invalid: "Invalid token",
  expired: "Token expired",
  used: "Token already used",
  "other-in-use": "User already is using another token"
}

/** A representation token could not be exchanged; the message is the §16.6 text. Nothing was changed. */
export class RepresentationTokenRefused extends Schema.TaggedError<RepresentationTokenRefused>()(
  "RepresentationTokenRefused",
  { reason: TokenRefusal }
) {
  override get message() {
    return refusalTexts[this.reason]
  }
}

/** A consumed token: whom the staff user `userId` now represents. */
export interface Exchanged {
  readonly cpr: Cpr
  readonly personName: string
  readonly userId: number
}

/** How long a self-service session lasts when the exchange does not say (SESSION_EXPIRE_SECONDS' default). */
export const DEFAULT_SESSION_SECONDS = 900

/**
 * Deletes unconsumed representation tokens older than `maxAgeSeconds` and consumed ones whose self-service session
 * has expired (jobs.md §9; issue 13: a representation lives until stopped or its session ends); returns how many.
 */
export const purgeRepresentationTokens = (maxAgeSeconds: number) =>
  Effect.flatMap(
    SqlClient.SqlClient,
    (sql) => sql`delete from kas.representation_token
      where (not consumed and created < now() - make_interval(secs => ${maxAgeSeconds}))
        or (consumed and coalesce(session_expires_at, created) < now()) returning id`
  ).pipe(
    Effect.map((rows) => rows.length),
    Effect.withSpan("purgeRepresentationTokens")
  )

/**
 * Representation tokens (selvbetjening.md §13, §16.6; staff-web.md §16): created by a staff action, exchanged once by
 * self-service within the max age, deleted on stop and by the scheduled clean-up. Staff users are `web.users` ids.
 */
const LIVE = "consumed and coalesce(session_expires_at, created) >= now()"
/** The CPR the user represents now (the newest live token's person), or no row. */
const ACTIVE = `select p.cpr
  from (select person_id, created from kas.representation_token where user_id = $1 and ${LIVE}) t
  join kas.person p on p.id = t.person_id order by t.created desc limit 1`

export class RepresentationTokens extends Effect.Service<RepresentationTokens>()("@kas/core/RepresentationTokens", {
  effect: Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const refuse = (reason: TokenRefusal) => Effect.fail(new RepresentationTokenRefused({ reason }))
    /** A consumed token whose self-service session has not expired: the user's representation. */
    const live = sql.literal(LIVE)
    // Every staff page asks `active`: on the plain pool as a prepared statement where the process has one (kas web).
    const pool = yield* Effect.serviceOption(PgPool)

    /** A new token for `userId` representing `personId`; the user's earlier unused tokens are deleted. */
    const create = Effect.fn("RepresentationTokens.create")(function* (userId: number, personId: number) {
      const found = yield* sql`select 1 from kas.person where id = ${personId}`
      if (found.length === 0) return yield* Effect.fail(NotFound.of("Person", personId))
      const token = newToken()
      yield* sql`delete from kas.representation_token where user_id = ${userId} and not consumed`
      yield* sql`insert into kas.representation_token (token, person_id, user_id) values (${token}, ${personId},
        ${userId})`
      return token
    }, sql.withTransaction)

    /**
     * The checks of §16.6 in order; success consumes the token, which then lives as long as the self-service session
     * of `sessionSeconds` (extended by `extend`) or until `stop`.
     */
    const exchange = Effect.fn("RepresentationTokens.exchange")(function* (
      token: string | undefined,
      maxAgeSeconds: number,
      sessionSeconds: number = DEFAULT_SESSION_SECONDS
    ) {
      if (!token) return yield* refuse("not-set")
      const [row] = yield* sql<{
        id: number
        user_id: number
        consumed: boolean
        fresh: boolean
        cpr: Cpr
        name: string | null
      }>`
        select t.id, t.user_id, t.consumed, t.created >= now() - make_interval(secs => ${maxAgeSeconds}) as fresh,
          p.cpr, p.name
        from kas.representation_token t join kas.person p on p.id = t.person_id
        where t.token = ${token} for update of t`
      if (!row) return yield* refuse("invalid")
      if (!row.fresh) return yield* refuse("expired")
      if (row.consumed) return yield* refuse("used")
      const others = yield* sql`select 1 from kas.representation_token
        where user_id = ${row.user_id} and ${live} and id <> ${row.id}`
      if (others.length > 0) return yield* refuse("other-in-use")
      yield* sql`update kas.representation_token set consumed = true,
        session_expires_at = now() + make_interval(secs => ${sessionSeconds}) where id = ${row.id}`
      return { cpr: row.cpr, personName: row.name ?? "", userId: row.user_id } satisfies Exchanged
    }, sql.withTransaction)

    /** Deletes every token of a staff user (stop); the person of the newest one and their newest year, if any. */
    const stop = Effect.fn("RepresentationTokens.stop")(function* (userId: number) {
      const rows = yield* sql<{ person_id: number }>`delete from kas.representation_token where user_id = ${userId}
        returning person_id, created`
      const personId = rows[0]?.person_id
      if (personId === undefined) return null
      const [year] = yield* sql<{ year: number }>`select ty.year from kas.person_tax_year pty
        join kas.tax_year ty on ty.id = pty.tax_year_id where pty.person_id = ${personId}
        order by ty.year desc limit 1`
      return { personId, newestYear: year?.year ?? null }
    })

    const poolRows = Option.map(
      pool,
      (pg) => (userId: number) =>
        pg
          .query<{ cpr: string }>({ name: "kas_representation_active", text: ACTIVE, values: [userId] })
          .then((r) => r.rows)
    )
    /** Whether the user currently holds a consumed token (the staff banner): the represented CPR. */
    const active = Effect.fn("RepresentationTokens.active")(function* (userId: number) {
      const rows = Option.isSome(poolRows)
        ? yield* Effect.tryPromise({
            try: () => poolRows.value(userId),
            catch: (cause) => new SqlError({ cause, message: "Failed to read the representation" })
          })
        : yield* sql.unsafe<{ cpr: string }>(ACTIVE, [userId])
      return rows[0]?.cpr ?? null
    })
    const run = Runtime.runPromise(yield* Effect.runtime<never>())
    /**
     * `active` as a promise, for the middleware that asks it on every staff page: on the plain pool straight away
     * where the process has one (an Effect run and a span per page cost more than the read).
     */
    const activeForRequest = (userId: number): Promise<string | null> =>
      Option.isSome(poolRows) ? poolRows.value(userId).then((rows) => rows[0]?.cpr ?? null) : run(active(userId))

    /** The self-service session of the user's live representation was used: it lives `sessionSeconds` from now. */
    const extend = Effect.fn("RepresentationTokens.extend")(function* (userId: number, sessionSeconds: number) {
      const rows = yield* sql`update kas.representation_token
        set session_expires_at = greatest(session_expires_at, now() + make_interval(secs => ${sessionSeconds}))
        where user_id = ${userId} and ${live} returning id`
      return rows.length > 0
    })

    /** The clean-up (jobs.md §9): deletes tokens older than `maxAgeSeconds`; returns how many. */
    const purgeExpired = (maxAgeSeconds: number) =>
      Effect.provideService(purgeRepresentationTokens(maxAgeSeconds), SqlClient.SqlClient, sql)

    return { create, exchange, stop, active, activeForRequest, extend, purgeExpired } as const
  })
}) {}
