/**
 * From a stored policy-year to the input of `Calculation.perform` (domain.md §3.2, §3.4): base amount selection,
 * the day adjustment of prefilled amounts and who pays. Plain records in, so the database layer feeds them.
 */
import type { Either } from "effect"
import * as Calculation from "./Calculation.js"
import type { CalculationInputError } from "./CalculationInputError.js"
import { daysInYearFactor } from "./DaysInYear.js"
import { trunc } from "./internal/arithmetic.js"

/** The amounts of a policy-year that the base amount is chosen from, and its person-year's days. */
export interface PolicyAmounts {
  readonly assessedAmount: number | null
  readonly selfReportedAmount: number | null
  readonly prefilledAmount: number | null
  readonly prefilledAmountEdited: number | null
  readonly baseCalculationAmount: number | null
  /** The person-year's `number_of_days` (null = the whole year). */
  readonly numberOfDays: number | null
  /** The tax year's days_in_year (365 or 366). */
  readonly daysInYear: number
}

/** (edited ?? original prefilled amount) × day factor, truncated toward zero; null when both are null (§3.2). */
export const prefilledAdjustedAmount = (policy: PolicyAmounts): number | null => {
  const amount = policy.prefilledAmountEdited ?? policy.prefilledAmount
  if (amount === null) return null
  const factor = daysInYearFactor(policy.numberOfDays, policy.daysInYear)
  return trunc(amount * factor)
}

/** The first non-null of assessed, self-reported, prefilled-adjusted and the stored base amount, else 0 (§3.2). */
export const baseAmount = (policy: PolicyAmounts): number =>
  policy.assessedAmount ??
  policy.selfReportedAmount ??
  prefilledAdjustedAmount(policy) ??
  policy.baseCalculationAmount ??
  0

/** Who pays a policy's tax: the company (agreement or override) unless the citizen was made to pay (§2.7). */
export const pensionCompanyPays = (flags: {
  readonly agreementPresent: boolean
  readonly companyPayOverride: boolean
  readonly citizenPayOverride: boolean
}): boolean => (flags.agreementPresent || flags.companyPayOverride) && !flags.citizenPayOverride

/** Everything §3.4 reads of a stored policy-year. */
export interface PolicyCalculationSource extends PolicyAmounts {
  readonly active: boolean
  readonly foreignPaidAmountActual: number
  readonly preliminaryPaidAmount: number | null
  readonly pensionCompanyPays: boolean
  /** The available deductions of §4.1 (`LossCarryForward.availableDeductions`); ignored for an inactive policy. */
  readonly availableDeductions: Calculation.Deductions
}

/** The input of `Calculation.perform` for a stored policy-year (§3.4): base amount, no further day adjustment. */
export const policyCalculationInput = (policy: PolicyCalculationSource): Calculation.CalculationInput => ({
  initialAmount: baseAmount(policy),
  adjustForDaysInYear: false,
  daysInYear: policy.daysInYear,
  taxableDaysInYear: policy.numberOfDays ?? policy.daysInYear,
  availableDeductions: policy.active ? policy.availableDeductions : new Map(),
  foreignPaidAmount: policy.foreignPaidAmountActual,
  preliminaryPayment: policy.preliminaryPaidAmount ?? 0,
  pensionCompanyPays: policy.pensionCompanyPays
})

/** `policy_calculation(policy)` of §3.4: the calculation of a stored policy-year. */
export const policyCalculation = (
  policy: PolicyCalculationSource,
  options?: Calculation.CalculationOptions
): Either.Either<Calculation.CalculationResult, CalculationInputError> =>
  Calculation.perform(policyCalculationInput(policy), options)

/**
 * "Kapitalafkastskat at betale i alt" of a person-year (staff-web.md §8.4, domain.md §5.1 `total_tax`): Σ `tax_to_pay`
 * of the active policies the citizen pays (inactive ones excluded, decision), and 0 when that sum is below the
 * indifference limit.
 */
export const personYearTaxToPay = (
  policies: ReadonlyArray<{
    readonly active: boolean
    readonly pensionCompanyPays: boolean
    readonly taxToPay: number
  }>,
  limit: number = Calculation.INDIFFERENCE_LIMIT
): number => {
  const total = policies.filter((p) => p.active && !p.pensionCompanyPays).reduce((s, p) => s + p.taxToPay, 0)
  return Calculation.belowIndifferenceLimit(total, limit) ? 0 : total
}
