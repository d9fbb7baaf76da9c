/**
 * The kapitalafkastskat calculation of one policy-year (domain.md §3.3, §3.6): a pure function on IEEE doubles,
 * day factor computed first, truncation toward zero, floor of the tax.
 */
import { Either } from "effect"
import { CalculationInputError } from "./CalculationInputError.js"
import { floor, sum, trunc } from "./internal/arithmetic.js"

/** The tax rate, 15.3 %. */
export const RATE = 0.153

/** The default indifference limit L in kroner: amounts with `abs(x) < L` are not collected. */
export const INDIFFERENCE_LIMIT = 100

/** True when an amount is below the indifference limit: abs(x) < L (strict). The one copy of the rule. */
export const belowIndifferenceLimit = (amount: number, limit: number = INDIFFERENCE_LIMIT): boolean =>
  Math.abs(amount) < limit

/** A loss of year X may be deducted in the years X+1 … X+CARRY_FORWARD_YEARS. */
export const CARRY_FORWARD_YEARS = 10

/** Losses available to a year: loss year → amount (≥ 0). A Map, so that years stay numbers and order is explicit. */
export type Deductions = ReadonlyMap<number, number>

/** The input of `perform`; absent optional fields take the defaults of domain.md §3.3. */
export interface CalculationInput {
  /** Amount for the year, may be negative; truncated toward zero first. Required: null/undefined is an error. */
  readonly initialAmount?: number | null | undefined
  /** 365 or 366 (default 365). */
  readonly daysInYear?: number | undefined
  /** Tax-liable days, 0 … daysInYear (default 365). */
  readonly taxableDaysInYear?: number | undefined
  /** Loss year → available loss (≥ 0), default empty. Used oldest year first. */
  readonly availableDeductions?: Deductions | undefined
  /** Accepted foreign tax (≥ 0, default 0), deducted after the rate. */
  readonly foreignPaidAmount?: number | undefined
  /** KAS already paid (default 0), deducted after the rate; a negative value counts as 0. */
  readonly preliminaryPayment?: number | undefined
  /** Apply the day factor taxableDaysInYear / daysInYear (default true). */
  readonly adjustForDaysInYear?: boolean | undefined
  /** The pension company pays the tax: nothing for the citizen to pay (default false). */
  readonly pensionCompanyPays?: boolean | undefined
}

/** The result of `perform`: every output of domain.md §3.3. */
export interface CalculationResult {
  /** The initial amount, truncated toward zero. */
  readonly initialAmount: number
  readonly daysInYear: number
  readonly taxableDaysInYear: number
  readonly foreignPaidAmount: number
  readonly preliminaryPayment: number
  readonly adjustForDaysInYear: boolean
  readonly pensionCompanyPays: boolean
  /** taxableDaysInYear / daysInYear, or 1 without day adjustment. */
  readonly taxDaysAdjustFactor: number
  /** trunc(initial × factor); negative = a loss that can be carried forward. */
  readonly yearAdjustedAmount: number
  /** Σ of all available deductions (the whole pool, not only the used part). */
  readonly availableNegativeReturn: number
  /** Σ of the deductions used. */
  readonly usedNegativeReturn: number
  /** max(0, yearAdjustedAmount) minus the deductions used. */
  readonly taxableAmount: number
  /** Loss year → amount used, only years with a use > 0, oldest first. */
  readonly desiredDeductions: Deductions
  /** floor(taxableAmount × 0.153): after losses, before foreign tax and prepayment. */
  readonly fullTax: number
  /** max(0, fullTax − foreign tax − preliminary payment). */
  readonly taxWithDeductions: number
  /** taxWithDeductions, or 0 when the company pays or it is below the indifference limit. */
  readonly taxToPay: number
  /** taxWithDeductions < L (stored on the policy, domain.md §3.5). */
  readonly indifferenceLimited: boolean
}

/** Options of `perform`. */
export interface CalculationOptions {
  /** The indifference limit L (default 100). */
  readonly indifferenceLimit?: number | undefined
}

const validate = (
  daysInYear: number,
  taxableDays: number,
  initialAmount: number | null | undefined,
  deductions: Deductions,
  foreignPaid: number
): Either.Either<number, CalculationInputError> => {
  const fail = (reason: Parameters<typeof CalculationInputError.of>[0]) => Either.left(CalculationInputError.of(reason))
  if (daysInYear !== 365 && daysInYear !== 366) return fail("days-in-year")
  if (taxableDays < 0) return fail("negative-taxable-days")
  if (taxableDays > daysInYear) return fail("too-many-taxable-days")
  if (initialAmount === null || initialAmount === undefined) return fail("initial-amount-missing")
  for (const amount of deductions.values()) {
    if (amount < 0) return fail("negative-deduction")
  }
  if (foreignPaid < 0) return fail("negative-foreign-paid")
  return Either.right(initialAmount)
}

const noDeductions: Deductions = new Map()

/** Calculates the tax of one policy-year (domain.md §3.3), or the first validation error in the spec's order. */
export const perform = (
  input: CalculationInput,
  options?: CalculationOptions
): Either.Either<CalculationResult, CalculationInputError> => {
  const limit = options?.indifferenceLimit ?? INDIFFERENCE_LIMIT
  const daysInYear = input.daysInYear ?? 365
  const taxableDaysInYear = input.taxableDaysInYear ?? 365
  const deductions = input.availableDeductions ?? noDeductions
  const foreignPaidAmount = input.foreignPaidAmount ?? 0
  const preliminaryPayment = input.preliminaryPayment ?? 0
  const adjustForDaysInYear = input.adjustForDaysInYear ?? true
  const pensionCompanyPays = input.pensionCompanyPays ?? false

  const validated = validate(daysInYear, taxableDaysInYear, input.initialAmount, deductions, foreignPaidAmount)
  if (Either.isLeft(validated)) return Either.left(validated.left)

  const factor = adjustForDaysInYear ? taxableDaysInYear / daysInYear : 1
  const initialAmount = trunc(validated.right)
  const yearAdjustedAmount = trunc(initialAmount * factor)
  let taxableAmount = Math.max(0, yearAdjustedAmount)
  let usedNegativeReturn = 0
  const desiredDeductions = new Map<number, number>()
  if (taxableAmount > 0) {
    const years = [...deductions.keys()].sort((a, b) => a - b)
    for (const year of years) {
      const amount = deductions.get(year) ?? 0
      if (amount > 0) {
        const use = Math.min(amount, taxableAmount)
        taxableAmount -= use
        usedNegativeReturn += use
        desiredDeductions.set(year, use)
        if (taxableAmount === 0) break
      }
    }
  }
  const availableNegativeReturn = sum(deductions.values())
  const fullTax = floor(taxableAmount * RATE)
  const taxWithDeductions = Math.max(0, fullTax - Math.max(0, foreignPaidAmount) - Math.max(0, preliminaryPayment))
  const indifferenceLimited = belowIndifferenceLimit(taxWithDeductions, limit)
  const taxToPay = pensionCompanyPays || indifferenceLimited ? 0 : taxWithDeductions

  return Either.right({
    initialAmount,
    daysInYear,
    taxableDaysInYear,
    foreignPaidAmount,
    preliminaryPayment,
    adjustForDaysInYear,
    pensionCompanyPays,
    taxDaysAdjustFactor: factor,
    yearAdjustedAmount,
    availableNegativeReturn,
    usedNegativeReturn,
    taxableAmount,
    desiredDeductions,
    fullTax,
    taxWithDeductions,
    taxToPay,
    indifferenceLimited
  })
}

/** `perform` for callers that have already validated their input: throws the `CalculationInputError` otherwise. */
export const performOrThrow = (input: CalculationInput, options?: CalculationOptions): CalculationResult =>
  Either.getOrThrowWith(perform(input, options), (error) => error)
