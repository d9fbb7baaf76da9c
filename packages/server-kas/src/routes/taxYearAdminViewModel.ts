import { type Lock, type TaxYear, TaxYearPeriod } from "@kas/core"
import type { Format } from "../web/Format.js"

/** The tax-year administration (staff-web.md §18): the list, the create form and the edit form. */

/** The messages of the forms' own fields (the rules of the values are core's: `TaxYears.create`, `.update`). */
export const taxYearFormMessages = {
  year: "Indtast skatteåret som et helt årstal, f.eks. 2025",
  yearPart: "Vælg en periode fra listen"
} as const

/** The list of tax years with their period and open lock. */
export const taxYearsView = (
  years: ReadonlyArray<{ readonly year: TaxYear; readonly lock: Lock | undefined }>,
  fmt: Format,
  can: { readonly add: boolean; readonly change: boolean },
  flash: string | undefined
) => ({
  title: "Skatteår",
  flash,
  canAdd: can.add,
  rows: years.map(({ year, lock }) => ({
    id: year.id,
    year: year.year,
    href: can.change ? `/admin/taxyears/${year.id}/` : undefined,
    period: TaxYearPeriod.yearPartLabels[year.year_part],
    lock: lock === undefined ? "" : `${year.year} (Åben) fra ${fmt.date(lock.interval_from)}`,
    rateText: year.rate_text_for_transactions
  }))
})

/** The create form: only the year (domain.md §2.1). */
export const createYearView = (form: { readonly year: string }, error: string | undefined) => ({
  title: "Tilføj skatteår",
  form,
  error
})

/** Decodes the year field: a whole number (its range and uniqueness are checked by core). */
export const parseYear = (raw: unknown): { readonly year: number } | { readonly error: string } => {
  const s = typeof raw === "string" ? raw.trim() : ""
  return /^\d{1,6}$/.test(s) ? { year: Number(s) } : { error: taxYearFormMessages.year }
}

/** The edit form's values as typed. */
export interface TaxYearForm {
  readonly year_part: string
  readonly rate_text_for_transactions: string
}

/** Decodes the edit form: a known period and the rate text (its line rule is core's). */
export const parseTaxYearEdit = (
  body: Record<string, unknown>
):
  | { readonly valid: true; readonly form: TaxYearForm; readonly year_part: TaxYearPeriod.YearPart }
  | { readonly valid: false; readonly form: TaxYearForm; readonly errors: Record<string, string> } => {
  const form: TaxYearForm = {
    year_part: typeof body.year_part === "string" ? body.year_part : "",
    rate_text_for_transactions:
      typeof body.rate_text_for_transactions === "string" ? body.rate_text_for_transactions.replace(/\r\n/g, "\n") : ""
  }
  const part = TaxYearPeriod.periodOrder.find((p) => p === form.year_part)
  if (part === undefined) return { valid: false, form, errors: { year_part: taxYearFormMessages.yearPart } }
  return { valid: true, form, year_part: part }
}

/** The edit form of a tax year. */
export const editYearView = (year: TaxYear, form: TaxYearForm, errors: Record<string, string>) => ({
  title: `Skatteår ${year.year}`,
  action: `/admin/taxyears/${year.id}/`,
  form,
  errors,
  periods: TaxYearPeriod.periodOrder.map((p) => ({
    value: p,
    label: TaxYearPeriod.yearPartLabels[p],
    selected: p === form.year_part
  }))
})
