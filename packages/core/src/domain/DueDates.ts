/**
 * Due date and last payment date of a final statement (domain.md §5.4). Dates are calendar dates written as ISO
 * strings "YYYY-MM-DD"; "today" is the caller's today in the configured time zone.
 */

/** `text_used_for_payment` of a final statement (domain.md §2.13). */
export type PaymentText = "BULK" | "DUE_ON_DATE" | "DUE" | "PREV_AMOUNT_DUE" | "REFUND"

/** The stored codes of `PaymentText`. */
export const paymentTextCodes: Readonly<Record<PaymentText, number>> = {
  BULK: 1,
  DUE_ON_DATE: 2,
  DUE: 3,
  PREV_AMOUNT_DUE: 4,
  REFUND: 5
}

/** The Danish labels of `PaymentText`. */
export const paymentTextLabels: Readonly<Record<PaymentText, string>> = {
  BULK: "Standardtekst for automatisk slutopgørelse",
  DUE_ON_DATE: "Beløbet forfalder på dato X",
  DUE: "Beløbet er forfaldent",
  PREV_AMOUNT_DUE: "Tidligere beløb er forfaldent, nyt beløb forfalder på dato X",
  REFUND: "Tilbagebetaling"
}

/** The `PaymentText` of a stored code (1–5), or undefined for an unknown code. */
export const paymentTextFromCode = (code: number): PaymentText | undefined =>
  (Object.keys(paymentTextCodes) as Array<PaymentText>).find((text) => paymentTextCodes[text] === code)

const pad = (n: number, width: number) => String(n).padStart(width, "0")

/** A calendar date as "YYYY-MM-DD". */
export const isoDate = (year: number, month: number, day: number): string =>
  `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`

/** The year, month (1–12) and day of a "YYYY-MM-DD" date; throws on anything else. */
export const parseIsoDate = (date: string): { readonly year: number; readonly month: number; readonly day: number } => {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date)
  if (match === null) throw new Error(`Not a calendar date (YYYY-MM-DD): ${date}`)
  return { year: Number(match[1]), month: Number(match[2]), day: Number(match[3]) }
}

/** `due_date_used`: the 1st of the month 4 months after today's (DUE_ON_DATE, PREV_AMOUNT_DUE), else 1 Sep year+1. */
export const dueDate = (text: PaymentText, options: { readonly today: string; readonly taxYear: number }): string => {
  switch (text) {
    case "DUE_ON_DATE":
    case "PREV_AMOUNT_DUE": {
      const { month, year } = parseIsoDate(options.today)
      const index = month - 1 + 4
      return isoDate(year + Math.floor(index / 12), (index % 12) + 1, 1)
    }
    case "DUE":
    case "REFUND":
    case "BULK":
      return isoDate(options.taxYear + 1, 9, 1)
  }
}

/** `last_payment_date_used`: the 20th of the due date's month, or the following Monday when that is a weekend. */
export const lastPaymentDate = (due: string): string => {
  const { month, year } = parseIsoDate(due)
  const weekday = new Date(Date.UTC(year, month - 1, 20)).getUTCDay()
  const day = weekday === 6 ? 22 : weekday === 0 ? 21 : 20
  return isoDate(year, month, day)
}
