import { SqlClient } from "@effect/sql"
import { Effect, Either } from "effect"
import { randomInt } from "node:crypto"
import { purgeRepresentationTokens } from "./TokenCleanup.js"

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

/** A cryptographically random 64-character token from [A-Za-z0-9] (domain.md §2.18). */
export const newToken = (): string => Array.from({ length: 64 }, () => ALPHABET[randomInt(ALPHABET.length)]).join("")

/** The successful exchange answer (selvbetjening.md §16.6). */
export interface Exchanged {
  readonly CPR: string
  readonly PersonName: string
  readonly AdminUsername: string
  readonly AdminUserID: number
}

/**
 * Representation tokens (selvbetjening.md §13, §16.6; staff-web.md §16): created by a staff action, exchanged once by
 * self-service within the max age, deleted on stop and by the scheduled clean-up.
 */
export class RepresentationTokens extends Effect.Service<RepresentationTokens>()("@kas/server-kas/RepresentationTokens", {
  effect: Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient

    /** A new token for `userId` representing `personId`; the user's earlier unused tokens are deleted (one pending per user). */
    const create = Effect.fn("RepresentationTokens.create")(function* (userId: number, personId: number) {
      const token = newToken()
      yield* sql`delete from kas.representation_token where user_id = ${userId} and not consumed`
      yield* sql`insert into kas.representation_token (token, person_id, user_id) values (${token}, ${personId}, ${userId})`
      return token
    }, sql.withTransaction)

    /** The checks of §16.6 in order; success consumes the token. Left is the plain-text 400 body. */
    const exchange = Effect.fn("RepresentationTokens.exchange")(function* (token: string | undefined, maxAgeSeconds: number) {
      if (!token) return Either.left("Token not set")
      const [row] = yield* sql<{ id: number; user_id: number; consumed: boolean; fresh: boolean; cpr: string; name: string | null; username: string | null }>`
        select t.id, t.user_id, t.consumed, t.created >= now() - make_interval(secs => ${maxAgeSeconds}) as fresh,
          p.cpr, p.name, u.username
        from kas.representation_token t join kas.person p on p.id = t.person_id
        left join web.users u on u.id = t.user_id
        where t.token = ${token} for update of t`
      if (!row) return Either.left("Invalid token")
      if (!row.fresh) return Either.left("Token expired")
      if (row.consumed) return Either.left("Token already used")
      const others = yield* sql`select 1 from kas.representation_token where user_id = ${row.user_id} and consumed and id <> ${row.id}`
      if (others.length > 0) return Either.left("User already is using another token")
      yield* sql`update kas.representation_token set consumed = true where id = ${row.id}`
      return Either.right<Exchanged>({ CPR: row.cpr, PersonName: row.name ?? "", AdminUsername: row.username ?? "", AdminUserID: row.user_id })
    }, sql.withTransaction)

    /** Deletes every token of a staff user (stop); returns the person of the newest one, if any. */
    const stop = Effect.fn("RepresentationTokens.stop")(function* (userId: number) {
      const rows = yield* sql<{ person_id: number }>`delete from kas.representation_token where user_id = ${userId} returning person_id, created`
      return rows[0]?.person_id ?? null
    })

    /** Whether the user currently holds a consumed token (the staff banner), and for whom. */
    const active = Effect.fn("RepresentationTokens.active")(function* (userId: number) {
      const rows = yield* sql<{ cpr: string }>`select p.cpr from kas.representation_token t join kas.person p on p.id = t.person_id
        where t.user_id = ${userId} and t.consumed order by t.created desc limit 1`
      return rows[0]?.cpr ?? null
    })

    /** The clean-up (jobs.md §9): deletes tokens older than `maxAgeSeconds`, consumed or not; returns how many. */
    const purgeExpired = (maxAgeSeconds: number) => Effect.provideService(purgeRepresentationTokens(maxAgeSeconds), SqlClient.SqlClient, sql)

    return { create, exchange, stop, active, purgeExpired } as const
  })
}) {}
