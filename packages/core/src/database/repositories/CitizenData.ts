import { SqlClient, type Statement } from "@effect/sql"
import { Effect } from "effect"
import type { Cpr } from "../../domain/Cpr.js"
import type * as Contract from "../../rest/Contract.js"

type PolicyOut = Contract.PolicyTaxYearOut
type PersonTaxYearOut = Contract.PersonTaxYearOut

/** Money is a string in a plain row (bigint). */
type Money = string | number

const num = (v: Money | null): number | null => (v === null ? null : Number(v))

interface PolicyRow {
  readonly id: number
  readonly policy_number: string
  readonly pension_company: number
  readonly person_tax_year: number
  readonly active: boolean
  readonly updated_by: string | null
  readonly prefilled_amount: Money | null
  readonly prefilled_adjusted_amount: Money | null
  readonly self_reported_amount: Money | null
  readonly year_adjusted_amount: Money
  readonly calculated_result: Money
  readonly applied_deduction_from_previous_years: Money
  readonly available_deduction_from_previous_years: Money | null
  readonly preliminary_paid_amount: Money | null
  readonly from_pension: boolean
  readonly foreign_paid_amount_self_reported: Money
  readonly foreign_paid_amount_actual: Money
  readonly pension_company_pays: boolean
  readonly documents: PolicyOut["documents"]
}

const toPolicy = (r: PolicyRow): PolicyOut => ({
  ...r,
  prefilled_amount: num(r.prefilled_amount),
  prefilled_adjusted_amount: num(r.prefilled_adjusted_amount),
  self_reported_amount: num(r.self_reported_amount),
  year_adjusted_amount: Number(r.year_adjusted_amount),
  calculated_result: Number(r.calculated_result),
  applied_deduction_from_previous_years: Number(r.applied_deduction_from_previous_years),
  available_deduction_from_previous_years: num(r.available_deduction_from_previous_years),
  preliminary_paid_amount: num(r.preliminary_paid_amount),
  foreign_paid_amount_self_reported: Number(r.foreign_paid_amount_self_reported),
  foreign_paid_amount_actual: Number(r.foreign_paid_amount_actual)
})

/** Optional list filters of the citizen resources (selvbetjening.md §16.3). */
export interface CitizenFilter {
  readonly id?: number | undefined
  readonly year?: number | undefined
  readonly year_lt?: number | undefined
  readonly active?: boolean | undefined
  readonly person_tax_year?: number | undefined
  readonly pension_company?: number | undefined
  readonly policy_tax_year?: number | undefined
  readonly res?: number | undefined
}

/**
 * The citizen's view of the data (selvbetjening.md §16.3–§16.4, §16.7), read from the citizen views of migration 0014
 * that `kas.citizen_overview` reads too. Every citizen query takes the CPR and is filtered by it in SQL, so another
 * person's objects are indistinguishable from ones that do not exist.
 */
export class CitizenData extends Effect.Service<CitizenData>()("@kas/core/CitizenData", {
  effect: Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const cond = (pairs: ReadonlyArray<readonly [unknown, Statement.Fragment]>): Array<Statement.Fragment> =>
      pairs.filter(([v]) => v !== undefined).map(([, f]) => f)
    const years = (f: CitizenFilter, column: Statement.Fragment) =>
      [
        [f.year, sql`${column} = ${f.year ?? 0}`],
        [f.year_lt, sql`${column} < ${f.year_lt ?? 0}`]
      ] as const

    const taxYears = Effect.fn("CitizenData.taxYears")(function* (f: CitizenFilter) {
      const where = cond([[f.id, sql`id = ${f.id ?? 0}`], ...years(f, sql`year`)])
      return yield* sql<Contract.TaxYearOut>`select id, year, days_in_year, year_part from kas.citizen_tax_year
        where ${sql.and(where)} order by year desc`
    })

    /** The companies the citizen may see (`kas.citizen_companies`); with no CPR, the curated ones. */
    const pensionCompanies = Effect.fn("CitizenData.pensionCompanies")(function* (cpr: Cpr | null, f: CitizenFilter) {
      const where = cond([
        [f.id, sql`id = ${f.id ?? 0}`],
        [f.res, sql`res = ${f.res ?? 0}`]
      ])
      return yield* sql<Contract.PensionCompanyOut>`select id, name, address, email, phone, res, agreement_present
        from kas.citizen_companies(${cpr ?? ""}) where ${sql.and(where)} order by name, id`
    })

    const persons = Effect.fn("CitizenData.persons")(function* (cpr: Cpr, f: CitizenFilter) {
      const where = cond([[f.id, sql`id = ${f.id ?? 0}`]])
      return yield* sql<Contract.PersonOut>`select id, cpr from kas.person where cpr = ${cpr} and ${sql.and(where)}`
    })

    const personTaxYears = Effect.fn("CitizenData.personTaxYears")(function* (cpr: Cpr, f: CitizenFilter) {
      const where = cond([[f.id, sql`id = ${f.id ?? 0}`], ...years(f, sql`tax_year`)])
      return yield* sql<PersonTaxYearOut>`select id, tax_year, person, fully_tax_liable, number_of_days,
          days_in_year_factor, foreign_pension_notes, general_notes, updated_by
        from kas.citizen_person_tax_year where person = ${cpr} and ${sql.and(where)} order by tax_year desc`
    })

    const policies = Effect.fn("CitizenData.policies")(function* (cpr: Cpr, f: CitizenFilter) {
      const where = cond([
        [f.id, sql`id = ${f.id ?? 0}`],
        ...years(f, sql`year`),
        [f.active, sql`active = ${f.active ?? true}`],
        [f.person_tax_year, sql`person_tax_year = ${f.person_tax_year ?? 0}`],
        [f.pension_company, sql`pension_company = ${f.pension_company ?? 0}`]
      ])
      const rows = yield* sql<PolicyRow>`select id, policy_number, pension_company, person_tax_year, active,
          updated_by, prefilled_amount, prefilled_adjusted_amount, self_reported_amount, year_adjusted_amount,
          calculated_result, applied_deduction_from_previous_years, available_deduction_from_previous_years,
          preliminary_paid_amount, from_pension, foreign_paid_amount_self_reported, foreign_paid_amount_actual,
          pension_company_pays, documents
        from kas.citizen_policy where cpr = ${cpr} and ${sql.and(where)}
        order by year desc, company_name, policy_number, id`
      return rows.map(toPolicy)
    })

    const documents = Effect.fn("CitizenData.documents")(function* (cpr: Cpr, f: CitizenFilter) {
      const where = cond([
        [f.id, sql`d.id = ${f.id ?? 0}`],
        [f.policy_tax_year, sql`d.policy_tax_year = ${f.policy_tax_year ?? 0}`]
      ])
      return yield* sql<Contract.PolicyDocumentOut>`
        select d.id, d.policy_tax_year, d.name, d.description, d.uploaded_at
        from kas.citizen_document d join kas.citizen_person_tax_year y on y.id = d.person_tax_year
        where y.person = ${cpr} and ${sql.and(where)} order by d.id`
    })

    /** The newest valid, sent final statement of a CPR and year with a non-empty PDF (§16.7): its file id. */
    const finalStatement = Effect.fn("CitizenData.finalStatement")(function* (cpr: Cpr, year: number) {
      const rows = yield* sql<{ pdf_file_id: string }>`select pdf_file_id from kas.citizen_final_statement
        where cpr = ${cpr} and year = ${year} order by created_at desc limit 1`
      return rows[0]?.pdf_file_id ?? null
    })

    return { taxYears, pensionCompanies, persons, personTaxYears, policies, documents, finalStatement } as const
  })
}) {}
