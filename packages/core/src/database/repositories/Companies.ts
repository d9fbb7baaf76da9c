import { SqlClient } from "@effect/sql"
import { Effect, Schema } from "effect"
import { NotFound } from "../../domain/DomainError.js"
import { RepresentationToken } from "../../domain/FinalStatement.js"
import { PensionCompany } from "../../domain/PensionCompany.js"
import { randomBytes } from "node:crypto"

const decodeCompanies = Schema.decodeUnknown(Schema.Array(PensionCompany))
const decodeTokens = Schema.decodeUnknown(Schema.Array(RepresentationToken))

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

/** 64 characters from [A-Za-z0-9], cryptographically random and unbiased (domain.md §2.18). */
export const newRepresentationToken = (): string => {
  let out = ""
  while (out.length < 64) {
    for (const byte of randomBytes(96)) {
      if (byte < 248 && out.length < 64) out += ALPHABET[byte % 62]
    }
  }
  return out
}

/** Pension companies (domain.md §2.6) and representation tokens (§2.18). */
export class Companies extends Effect.Service<Companies>()("@kas/core/Companies", {
  effect: Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    return {
      /** A company by id. */
      get: Effect.fn("Companies.get")(function* (id: number) {
        const rows = yield* decodeCompanies(yield* sql`select * from kas.pension_company where id = ${id}`).pipe(Effect.orDie)
        return rows[0] ?? (yield* Effect.fail(NotFound.of("Pensionsselskab", id)))
      }),
      /** A company by registration number, or null. */
      findByRes: Effect.fn("Companies.findByRes")(function* (res: number) {
        const rows = yield* decodeCompanies(yield* sql`select * from kas.pension_company where res = ${res}`).pipe(Effect.orDie)
        return rows[0] ?? null
      }),
      /** All companies, by name. */
      list: Effect.fn("Companies.list")(function* () {
        return yield* decodeCompanies(yield* sql`select * from kas.pension_company order by name nulls last, id`).pipe(Effect.orDie)
      }),
      /** A new token for staff user `userId` to represent person `personId` in self-service. */
      createToken: Effect.fn("Companies.createToken")(function* (personId: number, userId: number) {
        const rows = yield* sql`insert into kas.representation_token (token, person_id, user_id)
          values (${newRepresentationToken()}, ${personId}, ${userId}) returning *`
        return (yield* decodeTokens(rows).pipe(Effect.orDie))[0]!
      }),
      /** Exchanges an unconsumed token younger than `maxAgeSeconds` (marks it consumed); null when unusable. */
      consumeToken: Effect.fn("Companies.consumeToken")(function* (token: string, maxAgeSeconds: number) {
        const rows = yield* sql`update kas.representation_token set consumed = true
          where token = ${token} and not consumed and created > now() - make_interval(secs => ${maxAgeSeconds})
          returning *`
        return (yield* decodeTokens(rows).pipe(Effect.orDie))[0] ?? null
      }),
      /** Deletes a token (representation stopped or cleaned up). */
      deleteToken: Effect.fn("Companies.deleteToken")(function* (token: string) {
        yield* sql`delete from kas.representation_token where token = ${token}`
      })
    }
  })
}) {}
