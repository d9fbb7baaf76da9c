import { SqlClient } from "@effect/sql"
import { Effect, Schema } from "effect"
import type { Cpr } from "../../domain/Cpr.js"
import { NotFound } from "../../domain/DomainError.js"
import {
  type AgreementFilter,
  type CompanyEdit,
  type CompanyListRow,
  companyEditMessages,
  companyEditProblems,
  companyNameKey,
  importedCompanyName,
  MAX_SUBMITTED_COMPANIES_PER_YEAR,
  PensionCompany
} from "../../domain/PensionCompany.js"
import { containsPattern } from "../internal/SqlText.js"
import { FileStore } from "./FileStore.js"

/** A person-year's submissions have created as many companies as they may. */
export class CompanyCapReached extends Schema.TaggedError<CompanyCapReached>()("CompanyCapReached", {}) {}

const decodeCompanies = Schema.decodeUnknown(Schema.Array(PensionCompany))

/** The edit of a company broke a rule; `field` names the form field (`res`, `name`, …). */
export class CompanyEditInvalid extends Schema.TaggedError<CompanyEditInvalid>()("CompanyEditInvalid", {
  problems: Schema.Record({ key: Schema.String, value: Schema.String }),
  message: Schema.String
}) {}

/** A new agreement file (already checked against `Rest.Uploads.checkAgreementUpload`). */
export interface AgreementUpload {
  readonly name: string
  readonly content: Uint8Array
}

/** Pension companies (domain.md §2.6). Representation tokens live in server-kas (`RepresentationTokens`). */
export class Companies extends Effect.Service<Companies>()("@kas/core/Companies", {
  dependencies: [FileStore.layerPostgres],
  effect: Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const files = yield* FileStore
    const problemsOf = (id: number, edit: CompanyEdit) =>
      Effect.gen(function* () {
        const problems: Record<string, string> = { ...companyEditProblems(edit) }
        if (problems.res === undefined && edit.res !== null) {
          const [taken] = yield* sql<{ id: number }>`select id from kas.pension_company
            where res = ${edit.res} and id <> ${id}`
          if (taken !== undefined) problems.res = companyEditMessages.resTaken
        }
        return problems
      })
    return {
      /**
       * The company list of staff-web.md §14: `limit` rows ordered by name (then id), those after the company `after`
       * when given (infinite scroll), matching `search` in the name (anywhere, case-insensitive) or the start of the
       * reg.nr., and the agreement filter ("with": the flag or a file). Each row with its number of policies (all
       * years).
       */
      listPage: Effect.fn("Companies.listPage")(function* (options: {
        readonly search: string
        readonly agreement: AgreementFilter
        readonly after?: number | undefined
        /** Only these companies. */
        readonly ids?: ReadonlyArray<number> | undefined
        readonly limit: number
      }) {
        const search = options.search.trim()
        let afterKey: { name: string; id: number } | undefined
        if (options.after !== undefined) {
          const [last] = yield* sql<{ name: string; id: number }>`select coalesce(name, '') as name, id
            from kas.pension_company where id = ${options.after}`
          if (last === undefined) return yield* Effect.fail(NotFound.of("Pensionsselskab", options.after))
          afterKey = last
        }
        const withAgreement = sql`(c.agreement_present or c.agreement_file_id is not null)`
        const resPrefix = `${search.replace(/\D/g, "") || "-"}%`
        const matches =
          search === "" ? sql`` : sql`and (c.name ilike ${containsPattern(search)} or c.res::text like ${resPrefix})`
        const agreement =
          options.agreement === "with"
            ? sql`and ${withAgreement}`
            : options.agreement === "without"
              ? sql`and not ${withAgreement}`
              : sql``
        const after =
          afterKey === undefined ? sql`` : sql`and (coalesce(c.name, ''), c.id) > (${afterKey.name}, ${afterKey.id})`
        const rows = yield* sql<CompanyListRow>`
          select c.id, c.res, c.name, c.agreement_present, c.agreement_file_id is not null as has_agreement_file,
            (select count(*)::int from kas.policy_tax_year p where p.pension_company_id = c.id) as policies
          from kas.pension_company c
          where true ${matches} ${agreement} ${after}
          ${options.ids === undefined ? sql`` : sql`and c.id = any(${[...options.ids]}::int[])`}
          order by coalesce(c.name, ''), c.id
          limit ${options.limit}`
        return rows
      }),
      /**
       * Saves the staff edit form of a company (staff-web.md §14) in one transaction: the fields (checked by
       * `companyEditProblems`; a reg.nr. another company has is refused), and a new agreement file when given, which
       * replaces (and deletes) the old one. Fails with `CompanyEditInvalid` (nothing written) or `NotFound`.
       */
      /** The problems of an edit of company `id` by field (`companyEditProblems`, and a reg.nr. another has). */
      problems: Effect.fn("Companies.problems")(function* (id: number, edit: CompanyEdit) {
        return yield* problemsOf(id, edit)
      }),
      update: Effect.fn("Companies.update")(function* (
        id: number,
        edit: CompanyEdit,
        agreement?: AgreementUpload | undefined
      ) {
        return yield* sql.withTransaction(
          Effect.gen(function* () {
            const [current] = yield* sql<{ agreement_file_id: string | null }>`select agreement_file_id
              from kas.pension_company where id = ${id} for update`
            if (current === undefined) return yield* Effect.fail(NotFound.of("Pensionsselskab", id))
            const problems = yield* problemsOf(id, edit)
            if (Object.keys(problems).length > 0) {
              return yield* new CompanyEditInvalid({ problems, message: Object.values(problems).join("\n") })
            }
            const fileId =
              agreement === undefined
                ? current.agreement_file_id
                : yield* files.put({
                    kind: "pension_company_agreement",
                    name: agreement.name,
                    contentType: "application/pdf",
                    content: agreement.content
                  })
            yield* sql`update kas.pension_company set res = ${edit.res}, name = ${edit.name.trim()},
              address = ${edit.address}, email = ${edit.email}, phone = ${edit.phone},
              agreement_present = ${edit.agreement_present}, agreement_file_id = ${fileId}
              where id = ${id}`
            if (agreement !== undefined && current.agreement_file_id !== null) {
              yield* files.remove(current.agreement_file_id)
            }
            const rows = yield* decodeCompanies(yield* sql`select * from kas.pension_company where id = ${id}`).pipe(
              Effect.orDie
            )
            return rows[0]!
          })
        )
      }),
      /** A company's agreement file (`NotFound` when the company or its file does not exist). */
      agreementFile: Effect.fn("Companies.agreementFile")(function* (id: number) {
        const [row] = yield* sql<{ agreement_file_id: string | null }>`select agreement_file_id
          from kas.pension_company where id = ${id}`
        if (row?.agreement_file_id == null) return yield* Effect.fail(NotFound.of("Aftalefil", id))
        return yield* files.get(row.agreement_file_id)
      }),
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
      visibleTo: Effect.fn("Companies.visibleTo")(function* (cpr: Cpr, ids: ReadonlyArray<number>) {
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
        cpr: Cpr,
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
      /**
       * The R75 import's companies (eskat.md §8.2), set-based in one transaction: a company for each registration
       * number of `create` that has none (named `importedCompanyName`), and that name for the companies of `name` that
       * have none. Returns how many were created and named. (Companies are not in the audit history.)
       */
      importByRes: Effect.fn("Companies.importByRes")(function* (res: {
        readonly create: ReadonlyArray<number>
        readonly name: ReadonlyArray<number>
      }) {
        const create = [...new Set(res.create)]
        const name = [...new Set(res.name)]
        return yield* sql.withTransaction(
          Effect.gen(function* () {
            const created =
              create.length === 0
                ? []
                : yield* sql<{ id: number }>`insert into kas.pension_company (res, name)
                    select * from unnest(${create}::int[], ${create.map(importedCompanyName)}::text[])
                    on conflict (res) do nothing returning id`
            const named =
              name.length === 0
                ? []
                : yield* sql<{ id: number }>`update kas.pension_company c set name = u.name
                    from unnest(${name}::int[], ${name.map(importedCompanyName)}::text[]) as u(res, name)
                    where c.res = u.res and (c.name is null or c.name = '') returning c.id`
            return { created: created.length, named: named.length }
          })
        )
      }),
      /**
       * Curated companies with their names and agreement flags (the eSkat mock data, eskat.md §6.1), in one
       * statement: a company for each registration number that has none; existing companies are left as they are
       * (curated: not created by a submission, so every citizen sees them). Returns how many were created.
       */
      createMissing: Effect.fn("Companies.createMissing")(function* (
        companies: ReadonlyArray<{ readonly res: number; readonly name: string; readonly agreement_present: boolean }>
      ) {
        if (companies.length === 0) return 0
        const created = yield* sql<{ id: number }>`insert into kas.pension_company (res, name, agreement_present)
          select * from unnest(${companies.map((c) => c.res)}::int[], ${companies.map((c) => c.name)}::text[],
            ${companies.map((c) => c.agreement_present)}::boolean[])
          on conflict (res) do nothing returning id`
        return created.length
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
