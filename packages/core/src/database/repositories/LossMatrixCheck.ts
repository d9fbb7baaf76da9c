import { SqlClient } from "@effect/sql"
import { Effect } from "effect"
import { kronerOf } from "../../domain/Kroner.js"

/** A policy-year whose stored deduction is not what the cells into it record. */
export interface LossMatrixViolation {
  readonly policyTaxYearId: number
  readonly year: number
  readonly cpr: string
  readonly pensionCompanyId: number
  readonly policyNumber: string
  /** The stored `used_negative_return`: the deduction the taxes were computed with. */
  readonly usedNegativeReturn: number
  /** Σ of the loss-matrix cells into the policy-year (its column). */
  readonly cellsSum: number
}

/** The outcome of a check: how many policy-years were looked at, and those that break the invariant. */
export interface LossMatrixCheckResult {
  readonly checked: number
  /** By year, CPR, company and policy number. */
  readonly violations: ReadonlyArray<LossMatrixViolation>
}

interface ViolationRow {
  readonly id: number
  readonly year: number
  readonly cpr: string
  readonly company: number
  readonly policy: string
  readonly used: number | string
  readonly cells: number | string
}

// One statement: the policy-years (of one year, or all), the column sums of just those years, and the ones whose
// stored deduction differs, aggregated to one row so the count comes along.
const checkSql = `
with target as materialized (
  select p.id, ty.year, pty.person_id, p.pension_company_id, p.policy_number, p.used_negative_return
  from kas.policy_tax_year p join kas.person_tax_year pty on pty.id = p.person_tax_year_id
  join kas.tax_year ty on ty.id = pty.tax_year_id
  where $1::int is null or ty.year = $1
), used as (
  select c.used_for_id as id, sum(c.transferred_negative_payout) as cells
  from kas.loss_transfer c where c.used_for_id in (select id from target) group by c.used_for_id
)
select (select count(*) from target)::int as checked,
  coalesce(json_agg(json_build_object('id', t.id, 'year', t.year, 'cpr', pe.cpr, 'company', t.pension_company_id,
      'policy', t.policy_number, 'used', t.used_negative_return::text, 'cells', coalesce(u.cells, 0)::text)
    order by t.year, pe.cpr, t.pension_company_id, t.policy_number), '[]') as violations
from target t left join used u on u.id = t.id join kas.person pe on pe.id = t.person_id
where t.used_negative_return <> coalesce(u.cells, 0)`

/**
 * The invariant of domain.md §4.2 step 6, checked on the stored data: every policy-year's `used_negative_return`
 * equals the sum of the loss-matrix cells into it. Read-only; one statement over all policy-years or one tax year
 * (`kas check-loss-matrix`, the calculation benchmark).
 */
export class LossMatrixCheck extends Effect.Service<LossMatrixCheck>()("@kas/core/LossMatrixCheck", {
  effect: Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    return {
      /** Every policy-year (of `year`, when given) whose stored deduction differs from its column sum. */
      run: Effect.fn("LossMatrixCheck.run")(function* (options?: { readonly year?: number | undefined }) {
        const rows = yield* sql.unsafe<{ checked: number; violations: ReadonlyArray<ViolationRow> }>(checkSql, [
          options?.year ?? null
        ])
        const row = rows[0]
        return {
          checked: row?.checked ?? 0,
          violations: (row?.violations ?? []).map((v) => ({
            policyTaxYearId: v.id,
            year: v.year,
            cpr: v.cpr,
            pensionCompanyId: v.company,
            policyNumber: v.policy,
            usedNegativeReturn: kronerOf(v.used),
            cellsSum: kronerOf(v.cells)
          }))
        } satisfies LossMatrixCheckResult
      })
    }
  })
}) {}
