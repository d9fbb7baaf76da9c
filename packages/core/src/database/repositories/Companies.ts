import { SqlClient } from "@effect/sql"
import { Effect, Schema } from "effect"
import { NotFound } from "../../domain/DomainError.js"
import { PensionCompany } from "../../domain/PensionCompany.js"

const decodeCompanies = Schema.decodeUnknown(Schema.Array(PensionCompany))

/** Pension companies (domain.md §2.6). Representation tokens live in server-kas (`RepresentationTokens`). */
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
      /** The companies of some ids (those that exist), by name. */
      getMany: Effect.fn("Companies.getMany")(function* (ids: ReadonlyArray<number>) {
        if (ids.length === 0) return []
        return yield* decodeCompanies(
          yield* sql`select * from kas.pension_company where id = any(${[...new Set(ids)]}::int[])
            order by name nulls last, id`
        ).pipe(Effect.orDie)
      }),
      /** Ids of the given ones that exist. */
      existing: Effect.fn("Companies.existing")(function* (ids: ReadonlyArray<number>) {
        if (ids.length === 0) return new Set<number>()
        const rows = yield* sql<{ id: number }>`select id from kas.pension_company where id in ${sql.in(ids)}`
        return new Set(rows.map((r) => r.id))
      }),
      /** A company a citizen names that KAS does not know (no registration number); its id. */
      createNamed: Effect.fn("Companies.createNamed")(function* (name: string) {
        const [row] = yield* sql<{ id: number }>`insert into kas.pension_company (name, res) values (${name}, null)
          returning id`
        return row!.id
      }),
      /** All companies, by name. */
      list: Effect.fn("Companies.list")(function* () {
        return yield* decodeCompanies(yield* sql`select * from kas.pension_company order by name nulls last, id`).pipe(Effect.orDie)
      })
    }
  })
}) {}
