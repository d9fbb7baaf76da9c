import { SqlClient, type Statement } from "@effect/sql"
import { Effect } from "effect"
import { DaysInYear, PolicyCalculation, type Rest } from "@kas/core"

type C = typeof Rest.Contract
type PolicyOut = C["PolicyTaxYearOut"]["Type"]
type PersonTaxYearOut = C["PersonTaxYearOut"]["Type"]

const num = (v: Money | null): number | null => (v === null ? null : Number(v))

/** Money is a string in a plain row (bigint). */
type Money = string | number

interface PolicyRow {
  id: number
  policy_number: string
  pension_company: number
  person_tax_year: number
  active: boolean
  updated_by: string | null
  prefilled_amount: Money | null
  prefilled_amount_edited: Money | null
  self_reported_amount: Money | null
  year_adjusted_amount: Money
  calculated_result: Money
  applied: Money
  available_negative_return: Money | null
  preliminary_paid_amount: Money | null
  from_pension: boolean
  foreign_paid_amount_self_reported: Money
  foreign_paid_amount_actual: Money
  pension_company_pays: boolean
  number_of_days: number | null
  year: number
  documents: ReadonlyArray<{ id: number; name: string; description: string; uploaded_at: string }>
}

const toPolicy = (r: PolicyRow): PolicyOut => {
  const daysInYear = DaysInYear.daysInYear(r.year)
  return {
    id: r.id,
    policy_number: r.policy_number,
    pension_company: r.pension_company,
    person_tax_year: r.person_tax_year,
    active: r.active,
    updated_by: r.updated_by,
    prefilled_amount: num(r.prefilled_amount),
    prefilled_adjusted_amount: PolicyCalculation.prefilledAdjustedAmount({
      assessedAmount: null,
      selfReportedAmount: null,
      baseCalculationAmount: null,
      prefilledAmount: num(r.prefilled_amount),
      prefilledAmountEdited: num(r.prefilled_amount_edited),
      numberOfDays: r.number_of_days,
      daysInYear
    }),
    self_reported_amount: num(r.self_reported_amount),
    year_adjusted_amount: Number(r.year_adjusted_amount),
    calculated_result: Number(r.calculated_result),
    applied_deduction_from_previous_years: Number(r.applied),
    available_deduction_from_previous_years: num(r.available_negative_return),
    preliminary_paid_amount: num(r.preliminary_paid_amount),
    from_pension: r.from_pension,
    foreign_paid_amount_self_reported: Number(r.foreign_paid_amount_self_reported),
    foreign_paid_amount_actual: Number(r.foreign_paid_amount_actual),
    pension_company_pays: r.pension_company_pays,
    documents: r.documents.map((d) => ({ ...d, uploaded_at: new Date(d.uploaded_at).toISOString() }))
  }
}

interface PtyRow {
  id: number
  tax_year: number
  person: string
  fully_tax_liable: boolean
  number_of_days: number | null
  foreign_pension_notes: string | null
  general_notes: string | null
  updated_by: string | null
}

const toPersonTaxYear = (r: PtyRow): PersonTaxYearOut => ({
  ...r,
  days_in_year_factor: DaysInYear.daysInYearFactor(r.number_of_days, DaysInYear.daysInYear(r.tax_year))
})

interface TaxYearRow {
  id: number
  year: number
  year_part: "selvangivelse" | "ligning" | "genoptagelsesperiode"
}

/** Optional list filters of the person-year and policy resources. */
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
 * The read side of the REST API (selvbetjening.md §16.3–§16.4). Every citizen query takes the CPR and is filtered by
 * it in SQL, so another person's objects are indistinguishable from ones that do not exist.
 */
export class CitizenData extends Effect.Service<CitizenData>()("@kas/server-kas/CitizenData", {
  effect: Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const cond = (pairs: ReadonlyArray<readonly [unknown, Statement.Fragment]>): Array<Statement.Fragment> =>
      pairs.filter(([v]) => v !== undefined).map(([, f]) => f)

    const taxYears = Effect.fn("CitizenData.taxYears")(function* (f: CitizenFilter) {
      const where = cond([[f.id, sql`id = ${f.id ?? 0}`], [f.year, sql`year = ${f.year ?? 0}`], [f.year_lt, sql`year < ${f.year_lt ?? 0}`]])
      const rows = yield* sql<TaxYearRow>`
        select id, year, year_part from kas.tax_year where ${sql.and(where)} order by year desc`
      return rows.map((r) => ({ ...r, days_in_year: DaysInYear.daysInYear(r.year) }))
    })

    const pensionCompanies = Effect.fn("CitizenData.pensionCompanies")(function* (f: CitizenFilter) {
      const where = cond([[f.id, sql`id = ${f.id ?? 0}`], [f.res, sql`res = ${f.res ?? 0}`]])
      return yield* sql<{ id: number; name: string | null; address: string | null; email: string | null; phone: string | null; res: number | null; agreement_present: boolean }>`
        select id, name, address, email, phone, res, agreement_present from kas.pension_company where ${sql.and(where)}
        order by name, id`
    })

    const persons = Effect.fn("CitizenData.persons")(function* (cpr: string, f: CitizenFilter) {
      const where = cond([[f.id, sql`id = ${f.id ?? 0}`]])
      return yield* sql<{ id: number; cpr: string }>`select id, cpr from kas.person where cpr = ${cpr} and ${sql.and(where)}`
    })

    // The person-year and policy selects of their resources; `kas.citizen_overview` (migration 0011) repeats them for
    // `/rest/overview/` with the derived fields computed in SQL: change them together.
    const personTaxYearSelect = (cpr: string, where: ReadonlyArray<Statement.Fragment>) => sql`
        select pty.id, ty.year as tax_year, p.cpr as person, pty.fully_tax_liable, pty.number_of_days,
          pty.foreign_pension_notes, pty.general_notes, pty.updated_by
        from kas.person_tax_year pty join kas.person p on p.id = pty.person_id join kas.tax_year ty on ty.id = pty.tax_year_id
        where p.cpr = ${cpr} and ${sql.and(where)}`
    const policyWhere = (f: CitizenFilter) =>
      cond([
        [f.id, sql`pt.id = ${f.id ?? 0}`],
        [f.year, sql`ty.year = ${f.year ?? 0}`],
        [f.year_lt, sql`ty.year < ${f.year_lt ?? 0}`],
        [f.active, sql`pt.active = ${f.active ?? true}`],
        [f.person_tax_year, sql`pt.person_tax_year_id = ${f.person_tax_year ?? 0}`],
        [f.pension_company, sql`pt.pension_company_id = ${f.pension_company ?? 0}`]
      ])
    const policySelect = (cpr: string, where: ReadonlyArray<Statement.Fragment>) => sql`
        select pt.id, pt.policy_number, pt.pension_company_id as pension_company, pt.person_tax_year_id as person_tax_year,
          pt.active, pt.updated_by, pt.prefilled_amount, pt.prefilled_amount_edited, pt.self_reported_amount,
          pt.year_adjusted_amount, pt.calculated_result, pt.available_negative_return, pt.preliminary_paid_amount,
          pt.from_pension, pt.foreign_paid_amount_self_reported, pt.foreign_paid_amount_actual,
          ((pc.agreement_present or pt.company_pay_override) and not pt.citizen_pay_override) as pension_company_pays,
          coalesce((select sum(lt.transferred_negative_payout) from kas.loss_transfer lt where lt.used_for_id = pt.id), 0)::text as applied,
          pty.number_of_days, ty.year, pc.name as company_name,
          coalesce((select json_agg(json_build_object('id', d.id, 'name', d.name, 'description', d.description,
            'uploaded_at', d.uploaded_at) order by d.id) from kas.policy_document d
            where d.policy_tax_year_id = pt.id and d.uploaded_by_id is null), '[]'::json) as documents
        from kas.policy_tax_year pt
        join kas.person_tax_year pty on pty.id = pt.person_tax_year_id
        join kas.person p on p.id = pty.person_id
        join kas.tax_year ty on ty.id = pty.tax_year_id
        join kas.pension_company pc on pc.id = pt.pension_company_id
        where p.cpr = ${cpr} and ${sql.and(where)}`
    const finalStatementSelect = (cpr: string, year: number) => sql`
        select fs.pdf_file_id from kas.final_statement fs
        join kas.person_tax_year pty on pty.id = fs.person_tax_year_id
        join kas.person p on p.id = pty.person_id join kas.tax_year ty on ty.id = pty.tax_year_id
        join kas.file f on f.id = fs.pdf_file_id
        where p.cpr = ${cpr} and ty.year = ${year} and not fs.invalid and fs.status = 'send' and f.size > 0
        order by fs.created_at desc limit 1`

    const personTaxYears = Effect.fn("CitizenData.personTaxYears")(function* (cpr: string, f: CitizenFilter) {
      const where = cond([[f.id, sql`pty.id = ${f.id ?? 0}`], [f.year, sql`ty.year = ${f.year ?? 0}`], [f.year_lt, sql`ty.year < ${f.year_lt ?? 0}`]])
      const rows = yield* sql<PtyRow>`${personTaxYearSelect(cpr, where)} order by ty.year desc`
      return rows.map(toPersonTaxYear)
    })

    const policies = Effect.fn("CitizenData.policies")(function* (cpr: string, f: CitizenFilter) {
      const rows = yield* sql<PolicyRow>`${policySelect(cpr, policyWhere(f))} order by ty.year desc, pc.name, pt.policy_number, pt.id`
      return rows.map(toPolicy)
    })

    const documents = Effect.fn("CitizenData.documents")(function* (cpr: string, f: CitizenFilter) {
      const where = cond([[f.id, sql`d.id = ${f.id ?? 0}`], [f.policy_tax_year, sql`d.policy_tax_year_id = ${f.policy_tax_year ?? 0}`]])
      const rows = yield* sql<{ id: number; policy_tax_year: number; name: string; description: string; uploaded_at: Date }>`
        select d.id, d.policy_tax_year_id as policy_tax_year, d.name, d.description, d.uploaded_at
        from kas.policy_document d join kas.person_tax_year pty on pty.id = d.person_tax_year_id
        join kas.person p on p.id = pty.person_id
        where p.cpr = ${cpr} and d.uploaded_by_id is null and d.policy_tax_year_id is not null and ${sql.and(where)}
        order by d.id`
      return rows.map((r) => ({ ...r, uploaded_at: new Date(r.uploaded_at).toISOString() }))
    })

    /** The newest valid, sent final statement of a CPR and year with a non-empty PDF (§16.7). */
    const finalStatement = Effect.fn("CitizenData.finalStatement")(function* (cpr: string, year: number) {
      const rows = yield* sql<{ pdf_file_id: string }>`${finalStatementSelect(cpr, year)}`
      return rows[0]?.pdf_file_id ?? null
    })

    return { taxYears, pensionCompanies, persons, personTaxYears, policies, documents, finalStatement } as const
  })
}) {}
