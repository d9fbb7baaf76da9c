import { SqlClient } from "@effect/sql"
import { Effect, Schema } from "effect"
import { NotFound } from "../../domain/DomainError.js"
import { companyNameKey, MAX_SUBMITTED_COMPANIES_PER_YEAR, PensionCompany } from "../../domain/PensionCompany.js"

/** A person-year's submissions have created as many companies as they may. */
export class CompanyCapReached extends Schema.TaggedError<CompanyCapReached>()("CompanyCapReached", {}) {}

const decodeCompanies = Schema.decodeUnknown(Schema.Array(PensionCompany))

/** Pension companies (domain.md §2.6). Representation tokens live in server-kas (`RepresentationTokens`). */
export class Companies extends Effect.Service<Companies>()("@kas/core/Companies", {
  effect: Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    return {
      /** A company by id. */
      get: Effect.fn("Companies.get")(function* (id: number) {
        const rows = yield* decodeCompanies(yield* sql`select * from kas.pension_company where id = ${id}`).pipe(
          Effect.orDie
        )
        return rows[0] ?? (yield* Effect.fail(NotFound.of("Pensionsselskab", id)))
      }),
      /** A company by registration number, or null. */
      findByRes: Effect.fn("Companies.findByRes")(function* (res: number) {
        const rows = yield* decodeCompanies(yield* sql`select * from kas.pension_company where res = ${res}`).pipe(
          Effect.orDie
        )
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
      /** Ids of the given ones that the citizen may see (`kas.citizen_companies`: curated, or on their policies). */
      visibleTo: Effect.fn("Companies.visibleTo")(function* (cpr: string, ids: ReadonlyArray<number>) {
        if (ids.length === 0) return new Set<number>()
        const rows = yield* sql<{ id: number }>`select id from kas.citizen_companies(${cpr})
          where id = any(${[...new Set(ids)]}::int[])`
        return new Set(rows.map((r) => r.id))
      }),
      /**
       * The company a citizen names in a submission of a person-year: one the citizen sees whose name matches after
       * `companyNameKey` (a curated one first), else a new one without registration number marked as created by the
       * person-year, which other citizens do not see. Fails with `CompanyCapReached` when the person-year has already
       * created `MAX_SUBMITTED_COMPANIES_PER_YEAR` (the caller's transaction should hold the person-year's row lock).
       */
      forSubmittedName: Effect.fn("Companies.forSubmittedName")(function* (
        cpr: string,
        personTaxYearId: number,
        name: string
      ) {
        const [match] = yield* sql<{ id: number }>`select id from kas.citizen_companies(${cpr})
          where kas.company_name_key(name) = ${companyNameKey(name)}
          order by submitted_by_person_tax_year_id is not null, id limit 1`
        if (match) return match.id
        const [created] = yield* sql<{ n: number }>`select count(*)::int as n from kas.pension_company
          where submitted_by_person_tax_year_id = ${personTaxYearId}`
        if (created!.n >= MAX_SUBMITTED_COMPANIES_PER_YEAR) return yield* new CompanyCapReached()
        const [row] = yield* sql<{
          id: number
        }>`insert into kas.pension_company (name, res, submitted_by_person_tax_year_id)
          values (${name}, null, ${personTaxYearId}) returning id`
        return row!.id
      }),
      /** All companies, by name. */
      list: Effect.fn("Companies.list")(function* () {
        return yield* decodeCompanies(yield* sql`select * from kas.pension_company order by name nulls last, id`).pipe(
          Effect.orDie
        )
      })
    }
  })
}) {}
