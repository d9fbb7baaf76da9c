import { Schema } from "effect"
import { daysInYear } from "./DaysInYear.js"
import { YearPart } from "./TaxYearPeriod.js"

export { YearPart, yearPartLabels } from "./TaxYearPeriod.js"

/** The message when a line of the rate text is too long. */
export const rateTextMessage = "Ratetekst må ikke indeholde linjer med mere end 60 tegn"

/** The longest line of the rate text (domain.md §2.1). */
export const RATE_TEXT_LINE_LENGTH = 60

/** The rate text's problem (a line longer than 60 characters), or undefined when it is fine. */
export const rateTextProblem = (text: string): string | undefined =>
  text.split(/\r?\n/).some((line) => line.length > RATE_TEXT_LINE_LENGTH) ? rateTextMessage : undefined

/** The first and the last year a tax year may have (domain.md §2.1: ≥ 2000; the upper bound is a sanity check). */
export const MIN_TAX_YEAR = 2000
export const MAX_TAX_YEAR = 2100

/** The message of a year outside 2000–2100. */
export const taxYearRangeMessage = `Skatteår skal være et helt årstal mellem ${MIN_TAX_YEAR} og ${MAX_TAX_YEAR}`

/** Why a new lock cannot be opened while `outstanding` kroner are still to be sent to Prisme (staff-web.md §13). */
export const lockOutstandingMessage = (outstanding: number | string): string =>
  `Kan ikke oprette ny lås da der mangler at blive overført ${outstanding} kr. til prisme!`

/** "skatteår" (domain.md §2.1). */
export class TaxYear extends Schema.Class<TaxYear>("TaxYear")({
  id: Schema.Number,
  year: Schema.Int.pipe(Schema.greaterThanOrEqualTo(2000)),
  year_part: YearPart,
  rate_text_for_transactions: Schema.String.pipe(
    Schema.filter((s) => rateTextProblem(s) === undefined, { message: () => rateTextMessage })
  )
}) {
  /** 366 or 365. */
  get days_in_year(): number {
    return daysInYear(this.year)
  }
}

/** "lås": a settlement period inside a tax year (domain.md §2.2); dates are ISO `YYYY-MM-DD`. */
export class Lock extends Schema.Class<Lock>("Lock")({
  id: Schema.Number,
  tax_year_id: Schema.Number,
  interval_from: Schema.String,
  interval_to: Schema.NullOr(Schema.String)
}) {
  /** An open lock has no end. */
  get is_open(): boolean {
    return this.interval_to === null
  }
}

/**
 * The year staff pages open with (staff-web.md §3, §5): the current calendar year when it is a tax year, else the
 * newest tax year before it, else the newest one; undefined without tax years.
 */
export const defaultYear = (years: ReadonlyArray<number>, currentYear: number): number | undefined => {
  const sorted = [...years].sort((a, b) => b - a)
  return sorted.find((y) => y <= currentYear) ?? sorted[0]
}
