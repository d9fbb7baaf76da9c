/**
 * The money of a final statement (domain.md §5.1) and the payment rows of its Prisme transaction (§5.2), computed
 * from plain records: the person-year's active policies (with their calculated `taxToPay`) and its transactions.
 */
import { belowIndifferenceLimit, INDIFFERENCE_LIMIT } from "./Calculation.js"
import { sum, trunc } from "./internal/arithmetic.js"

/** An active policy of the person-year, with the `taxToPay` of its calculation (§3.4). */
export interface StatementPolicy {
  readonly policyNumber: string
  /** The pension company's name, as written in the payment row. */
  readonly companyName: string
  readonly pensionCompanyPays: boolean
  readonly taxToPay: number
}

/** A transaction of the person-year. */
export interface StatementTransaction {
  readonly type: "prisme10q" | "prepayment"
  readonly status: "created" | "ready" | "transferred" | "cancelled" | "indifferent"
  /** Positive = the citizen pays; prepayments are ≤ 0. */
  readonly amount: number
  readonly createdAt: Date
}

/** What a statement's amounts are computed from. */
export interface StatementInput {
  /** The person-year's active policies (inactive ones must be left out). */
  readonly policies: ReadonlyArray<StatementPolicy>
  readonly transactions: ReadonlyArray<StatementTransaction>
  /** Another statement of the person-year exists that is not invalid and was created earlier. */
  readonly previousStatementExists: boolean
  /** `interest_on_remainder`, a percentage (decimal(5,2)). */
  readonly interestOnRemainder: number
  /** `extra_payment_for_previous_missing` (≥ 0). */
  readonly extraPaymentForPreviousMissing: number
}

/** Options: the indifference limit L (default 100) and the time zone of the dates in the row texts. */
export interface StatementOptions {
  readonly indifferenceLimit?: number | undefined
  /** IANA time zone for "oprettet d. {date}" (default "America/Nuuk", the default TIMEZONE). */
  readonly timeZone?: string | undefined
}

/** One row of the Prisme amount. */
export interface PaymentRow {
  readonly text: string
  readonly amount: number
}

/** Every value of §5.1 and the Prisme amount of §5.2: the snapshot stored with a statement. */
export interface StatementAmounts {
  /** Σ of the prepayment transactions (≤ 0). */
  readonly prepayment: number
  /** Σ taxToPay of the policies the citizen pays. */
  readonly totalTax: number
  /** Σ of the transferred prisme10q transactions. */
  readonly previousTransactionSum: number
  readonly remainder: number
  readonly interestFactor: number
  readonly interest: number
  readonly remainderWithInterest: number
  /** remainderWithInterest + extra payment, or 0 below the indifference limit. */
  readonly totalPayment: number
  readonly indifferenceLimited: boolean
  /** Σ of the payment rows = remainderWithInterest (no extra payment, no statement-level indifference). */
  readonly prismeAmount: number
  readonly paymentRows: ReadonlyArray<PaymentRow>
  /** The transaction summary: "{text}: {amount}" lines, a blank line, "I alt: {sum}". */
  readonly summary: string
}

/** True when an amount is below the indifference limit: abs(x) < L (strict; the rule lives in `Calculation`). */
export { belowIndifferenceLimit }

/** A date as dd-mm-yyyy in a time zone (the staff UI's date format). */
export const formatDate = (date: Date, timeZone: string): string => {
  const parts = new Intl.DateTimeFormat("en-GB", {
    timeZone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit"
  }).formatToParts(date)
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? ""
  return `${part("day")}-${part("month")}-${part("year")}`
}

/** A percentage as stored in decimal(5,2): two decimals with a point, e.g. "2.50". */
export const formatPercent = (percent: number): string => percent.toFixed(2)

/** The transaction summary of payment rows (§5.2). */
export const summaryText = (rows: ReadonlyArray<PaymentRow>): string =>
  [...rows.map((r) => `${r.text}: ${r.amount}`), "", `I alt: ${sum(rows.map((r) => r.amount))}`].join("\n")

/** Computes a final statement's amounts (§5.1) and its Prisme payment rows (§5.2). */
export const compute = (input: StatementInput, options?: StatementOptions): StatementAmounts => {
  const limit = options?.indifferenceLimit ?? INDIFFERENCE_LIMIT
  const timeZone = options?.timeZone ?? "America/Nuuk"
  const byDate = [...input.transactions].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime())
  const prepayments = byDate.filter((t) => t.type === "prepayment")
  const previous = byDate.filter((t) => t.type === "prisme10q" && t.status === "transferred")

  const prepayment = sum(prepayments.map((t) => t.amount))
  const totalTax = sum(input.policies.filter((p) => !p.pensionCompanyPays).map((p) => p.taxToPay))
  const previousTransactionSum = sum(previous.map((t) => t.amount))
  const remainder = totalTax - previousTransactionSum - -prepayment
  const interestFactor = 0.01 * input.interestOnRemainder
  const interest = input.previousStatementExists ? trunc(interestFactor * remainder) : 0
  const remainderWithInterest = remainder + interest
  const payment = remainderWithInterest + input.extraPaymentForPreviousMissing
  const indifferenceLimited = belowIndifferenceLimit(payment, limit)

  const paymentRows: Array<PaymentRow> = [
    ...input.policies.map((p) => {
      const text = `Afgift for police nr. ${p.policyNumber} ved ${p.companyName}`
      return p.pensionCompanyPays
        ? { text: `${text} (betalt af pensionsselskab)`, amount: 0 }
        : { text, amount: p.taxToPay }
    }),
    ...prepayments.map((t) => ({ text: "Forudindbetaling", amount: t.amount })),
    ...previous.map((t) => ({
      text: `Justering fra årsopgørelse oprettet d. ${formatDate(t.createdAt, timeZone)}`,
      amount: 0 - t.amount
    }))
  ]
  if (input.previousStatementExists) {
    const text = `Rente af udeståender (${formatPercent(input.interestOnRemainder)}% af ${remainder})`
    paymentRows.push({ text, amount: interest })
  }

  return {
    prepayment,
    totalTax,
    previousTransactionSum,
    remainder,
    interestFactor,
    interest,
    remainderWithInterest,
    totalPayment: indifferenceLimited ? 0 : payment,
    indifferenceLimited,
    prismeAmount: sum(paymentRows.map((r) => r.amount)),
    paymentRows,
    summary: summaryText(paymentRows)
  }
}
