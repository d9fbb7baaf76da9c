import { belowIndifferenceLimit, INDIFFERENCE_LIMIT } from "./Calculation.js"

/**
 * The yearly policy summaries for the pension companies (staff-web.md §15.2, §15.3): the columns, the minimum-tax rule
 * (a `tax_with_deductions` under the limit shows as 0, domain.md §5.3 rule 4) and its remark. Pure; the rows come from
 * `SummaryFiles` (stored calculation results, domain.md §3.4) and the jobs write the files.
 */

/** One policy of a company in a year, as stored by its last recalculation. */
export interface CompanySummaryPolicy {
  readonly year: number
  readonly res: number | null
  readonly cpr: string
  readonly policyNumber: string
  /** `year_adjusted_amount` ("Afkast"). */
  readonly yearAdjustedAmount: number
  /** `used_negative_return` ("Modregnet negativt afkast tidl. år"). */
  readonly usedNegativeReturn: number
  /** `preliminary_paid_amount` (null counts as 0). */
  readonly preliminaryPaidAmount: number | null
  /** `calculated_result` = `tax_with_deductions`. */
  readonly taxWithDeductions: number
}

/** One company's sums in a year ("Antal" = distinct persons). */
export interface TotalSummaryCompany {
  readonly name: string
  readonly persons: number
  readonly yearAdjustedAmount: number
  readonly usedNegativeReturn: number
  readonly taxableAmount: number
  /** Σ preliminary paid + Σ foreign tax actually paid. */
  readonly prepaid: number
  /** Σ summary tax (each policy's `tax_with_deductions`, 0 when under the limit). */
  readonly tax: number
}

/** The tax a summary shows: `tax_with_deductions`, 0 when it is under the limit (no absolute value: it is ≥ 0). */
export const summaryTax = (taxWithDeductions: number, limit: number = INDIFFERENCE_LIMIT): number =>
  belowIndifferenceLimit(taxWithDeductions, limit) ? 0 : taxWithDeductions

/**
 * The remark of a policy whose tax was set to 0 (a calculated tax above 0 and under the limit); empty otherwise (a
 * tax of 0 was not changed, decision).
 */
export const summaryRemark = (taxWithDeductions: number, limit: number = INDIFFERENCE_LIMIT): string =>
  taxWithDeductions > 0 && belowIndifferenceLimit(taxWithDeductions, limit)
    ? `Kapitalafkastskat sat til 0kr., da den beregnede kapitalafkastskat ${taxWithDeductions}kr. er under ` +
      `minimumsgrænsen på ${limit}kr.`
    : ""

/** `taxable_amount` of a stored calculation (domain.md §3.3): the positive return less the deduction used. */
export const taxableAmount = (yearAdjustedAmount: number, usedNegativeReturn: number): number =>
  Math.max(0, yearAdjustedAmount) - usedNegativeReturn

/** The header of a company's CSV (§15.2). */
export const companyCsvHeader = (companyName: string): ReadonlyArray<string> => [
  "Skatteår",
  "Reg.nr.",
  "Cpr.nr.",
  "Aftalenr.",
  "Afkast",
  "Modregnet negativt afkast tidl. år",
  "Beregningsgrundlag",
  "Forudbetaling",
  "Kapitalafkastskat",
  `Afregnet af ${companyName}`,
  "Bemærkninger"
]

/** A policy's CSV cells (§15.2): "Afregnet af …" is left empty for the company to fill in. */
export const companyCsvRow = (
  p: CompanySummaryPolicy,
  limit: number = INDIFFERENCE_LIMIT
): ReadonlyArray<string | number> => [
  p.year,
  p.res ?? "",
  p.cpr,
  p.policyNumber,
  p.yearAdjustedAmount,
  p.usedNegativeReturn,
  taxableAmount(p.yearAdjustedAmount, p.usedNegativeReturn),
  p.preliminaryPaidAmount ?? 0,
  summaryTax(p.taxWithDeductions, limit),
  "",
  summaryRemark(p.taxWithDeductions, limit)
]

/** The CSV delimiter (§15.2). */
export const CSV_DELIMITER = ";"

/** A CSV line (RFC 4180 quoting: a cell with the delimiter, a quote or a line break is quoted), ended by CRLF. */
export const csvLine = (cells: ReadonlyArray<string | number>): string =>
  `${cells
    .map((c) => {
      const s = String(c)
      return /[;"\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
    })
    .join(CSV_DELIMITER)}\r\n`

/** The header of the all-company XLSX (§15.3). */
export const totalXlsxHeader: ReadonlyArray<string> = [
  "Pensionskasse",
  "Antal",
  "Afkast",
  "Modregnet negativt afkast tidl. år",
  "Beregningsgrundlag",
  "Forudbetaling",
  "Kapitalafkastskat"
]

/** A company's XLSX cells (§15.3). */
export const totalXlsxRow = (c: TotalSummaryCompany): ReadonlyArray<string | number> => [
  c.name,
  c.persons,
  c.yearAdjustedAmount,
  c.usedNegativeReturn,
  c.taxableAmount,
  c.prepaid,
  c.tax
]

/** The stored file name of a company's CSV. */
export const companyFileName = (year: number, res: number | null, companyId: number): string =>
  `aarssummation_${year}_${res ?? `id${companyId}`}.csv`

/** The stored file name of the all-company XLSX. */
export const totalFileName = (year: number): string => `aarssummation_${year}_alle_pensionsselskaber.xlsx`
