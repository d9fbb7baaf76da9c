import { Schema } from "effect"

/** Why `Calculation.perform` refused its input; each reason has one fixed message (domain.md §3.3). */
export const CalculationInputReason = Schema.Literal(
  "days-in-year",
  "negative-taxable-days",
  "too-many-taxable-days",
  "initial-amount-missing",
  "negative-deduction",
  "negative-foreign-paid"
)

/** The reasons of `CalculationInputError`, in the order the calculation checks them. */
export type CalculationInputReason = typeof CalculationInputReason.Type

/** The exact message of each reason, as the spec writes it. */
export const calculationInputMessages: Readonly<Record<CalculationInputReason, string>> = {
  "days-in-year": "Days in year must be either 365 or 366",
  "negative-taxable-days": "Taxable days must be zero or higher",
  "too-many-taxable-days": "More taxable days than days in year",
  "initial-amount-missing": "Initial amount is not set",
  "negative-deduction": "Negative return should be specified using a positive number",
  "negative-foreign-paid": "Foreign paid amount must be zero or higher"
}

/** The input of the tax calculation is invalid; `message` is the spec's exact text. */
export class CalculationInputError extends Schema.TaggedError<CalculationInputError>()("CalculationInputError", {
  reason: CalculationInputReason,
  message: Schema.String
}) {
  /** The error for a reason, with its fixed message. */
  static of(reason: CalculationInputReason): CalculationInputError {
    return new CalculationInputError({ reason, message: calculationInputMessages[reason] })
  }
}
