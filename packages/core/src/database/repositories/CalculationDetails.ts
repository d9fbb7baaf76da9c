import { SqlClient } from "@effect/sql"
import { Effect, Either } from "effect"
import type * as Calculation from "../../domain/Calculation.js"
import { daysInYear } from "../../domain/DaysInYear.js"
import { NotFound } from "../../domain/DomainError.js"
import { kronerOf } from "../../domain/Kroner.js"
import * as PolicyCalculation from "../../domain/PolicyCalculation.js"
import { recalculate } from "../internal/Family.js"
import { loadFamilies } from "../internal/FamilyStore.js"
import { History } from "./Audit.js"

/** One policy-year's calculation as the calculation-details tab shows it (staff-web.md §8.4). */
export interface PolicyCalculationDetail {
  readonly policyId: number
  readonly active: boolean
  readonly prefilledAmount: number | null
  readonly prefilledAmountEdited: number | null
  readonly selfReportedAmount: number | null
  readonly assessedAmount: number | null
  /** The person-year's days (null = the whole year) and the year's days. */
  readonly numberOfDays: number | null
  readonly daysInYear: number
  readonly pensionCompanyPays: boolean
  /** `policy_calculation(policy)` (domain.md §3.4) with the loss usage of §4.2: every value of §3.3. */
  readonly result: Calculation.CalculationResult
}

type Snapshot = Readonly<Record<string, unknown>>

const money = (v: unknown): number | null =>
  v === null || v === undefined ? null : kronerOf(typeof v === "number" || typeof v === "string" ? v : String(v))

/**
 * The calculation of a person-year's policies for the calculation-details tab (staff-web.md §8.4), from the pure
 * rules: `live` is what a recalculation would store now (§4.2 run in memory on the loaded policy, nothing written);
 * `asOf` is each policy's historical version at a time (domain.md §8: the newest audit entry at or before it),
 * calculated with the loss cells into it as they then were (the matrix is the record of use).
 */
export class CalculationDetails extends Effect.Service<CalculationDetails>()("@kas/core/CalculationDetails", {
  dependencies: [History.Default],
  effect: Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const history = yield* History

    const policyIdsOf = (personTaxYearId: number) =>
      sql<{ id: number }>`select id from kas.policy_tax_year where person_tax_year_id = ${personTaxYearId}
        order by pension_company_id, policy_number`.pipe(Effect.map((rows) => rows.map((r) => r.id)))

    const yearOf = (personTaxYearId: number) =>
      sql<{ year: number }>`select ty.year from kas.person_tax_year pty join kas.tax_year ty on ty.id = pty.tax_year_id
        where pty.id = ${personTaxYearId}`.pipe(
        Effect.flatMap((rows) =>
          rows[0] ? Effect.succeed(rows[0].year) : Effect.fail(NotFound.of("Personskatteår", personTaxYearId))
        )
      )

    return {
      /** Every policy of the person-year (inactive ones too), calculated now. */
      live: Effect.fn("CalculationDetails.live")(function* (personTaxYearId: number) {
        yield* yearOf(personTaxYearId)
        const ids = yield* policyIdsOf(personTaxYearId)
        const loaded = yield* loadFamilies(sql, ids)
        const details: Array<PolicyCalculationDetail> = []
        for (const id of ids) {
          const at = loaded.byPolicy.get(id)!
          const member = at.family.members.get(at.year)!
          // In memory only: the loaded family is dropped afterwards.
          const done = recalculate(at.family, at.year, "", "")
          if (Either.isLeft(done)) return yield* Effect.die(done.left)
          details.push({
            policyId: id,
            active: member.active,
            prefilledAmount: member.prefilledAmount,
            prefilledAmountEdited: member.prefilledAmountEdited,
            selfReportedAmount: member.selfReportedAmount,
            assessedAmount: member.assessedAmount,
            numberOfDays: member.numberOfDays,
            daysInYear: member.daysInYear,
            pensionCompanyPays: member.pensionCompanyPays,
            result: member.result!
          })
        }
        return details
      }),

      /**
       * The person-year's policies as they were at `at` (those that existed then), each calculated from its version
       * then, the person-year's days then and the cells into it then. Who pays follows the company's agreement now
       * (companies are not audited) and the policy's overrides then.
       */
      asOf: Effect.fn("CalculationDetails.asOf")(function* (personTaxYearId: number, at: Date) {
        const year = yield* yearOf(personTaxYearId)
        const days = daysInYear(year)
        const pty = yield* history.stateAt("PersonTaxYear", personTaxYearId, at)
        const numberOfDays = pty === null ? null : ((pty.snapshot.number_of_days as number | null) ?? null)
        const ids = yield* policyIdsOf(personTaxYearId)
        const agreements = new Map(
          (yield* sql<{ id: number; agreement: boolean }>`select p.id, c.agreement_present as agreement
            from kas.policy_tax_year p join kas.pension_company c on c.id = p.pension_company_id
            where p.id = any(${ids}::int[])`).map((r) => [r.id, r.agreement])
        )
        const cells = yield* sql<{ id: number; used_for_id: number; year: number }>`select c.id, c.used_for_id, ty.year
          from kas.loss_transfer c join kas.policy_tax_year f on f.id = c.used_from_id
          join kas.person_tax_year pty on pty.id = f.person_tax_year_id join kas.tax_year ty on ty.id = pty.tax_year_id
          where c.used_for_id = any(${ids}::int[])`
        const details: Array<PolicyCalculationDetail> = []
        for (const id of ids) {
          const version = yield* history.stateAt("PolicyTaxYear", id, at)
          if (version === null) continue
          const s: Snapshot = version.snapshot
          const column = new Map<number, number>()
          for (const cell of cells.filter((c) => c.used_for_id === id).sort((a, b) => a.year - b.year)) {
            const then = yield* history.stateAt("LossTransfer", cell.id, at)
            const value = then === null ? 0 : (money(then.snapshot.transferred_negative_payout) ?? 0)
            if (value > 0) column.set(cell.year, value)
          }
          const active = s.active === true
          const source = {
            active,
            assessedAmount: money(s.assessed_amount),
            selfReportedAmount: money(s.self_reported_amount),
            prefilledAmount: money(s.prefilled_amount),
            prefilledAmountEdited: money(s.prefilled_amount_edited),
            baseCalculationAmount: money(s.base_calculation_amount),
            numberOfDays,
            daysInYear: days,
            foreignPaidAmountActual: money(s.foreign_paid_amount_actual) ?? 0,
            preliminaryPaidAmount: money(s.preliminary_paid_amount),
            pensionCompanyPays: PolicyCalculation.pensionCompanyPays({
              agreementPresent: agreements.get(id) ?? false,
              companyPayOverride: s.company_pay_override === true,
              citizenPayOverride: s.citizen_pay_override === true
            }),
            availableDeductions: column as Calculation.Deductions
          }
          const result = PolicyCalculation.policyCalculation(source)
          if (Either.isLeft(result)) return yield* Effect.die(result.left)
          details.push({
            policyId: id,
            active,
            prefilledAmount: source.prefilledAmount,
            prefilledAmountEdited: source.prefilledAmountEdited,
            selfReportedAmount: source.selfReportedAmount,
            assessedAmount: source.assessedAmount,
            numberOfDays,
            daysInYear: days,
            pensionCompanyPays: source.pensionCompanyPays,
            result: result.right
          })
        }
        return details
      })
    }
  })
}) {}

/** The loss years used by a calculation, oldest first (the "Modregning … ({year})" rows). */
export const usedLossYears = (result: Calculation.CalculationResult): ReadonlyArray<readonly [number, number]> =>
  [...result.desiredDeductions].sort(([a], [b]) => a - b)
