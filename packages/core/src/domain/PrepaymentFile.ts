/**
 * The prepayment file ("forudindbetalinger", integrations.md §3): ISO-8859-1, NUL bytes removed, fields separated
 * by `;`, no header, one record per line, empty lines ignored. Positional fields: 1 CPR (zero-padded to 10), 3 the
 * payment year, 4 the amount in whole kroner paid by the citizen, 7 the payment's unique id.
 */

/** One accepted line. `amount` is what the citizen paid; the transaction's amount is its negation. */
export interface PrepaymentLine {
  /** 1-based line number in the file. */
  readonly line: number
  readonly cpr: string
  readonly year: number
  readonly amount: number
  readonly uniqueId: string
}

/** A line that could not be read, with its 1-based number and the reason (Danish). */
export interface PrepaymentLineError {
  readonly line: number
  readonly message: string
}

/** The text of a line error: "Linje {n}: {reason}". */
export const lineErrorText = (e: PrepaymentLineError) => `Linje ${e.line}: ${e.message}`

/** The error of a row whose person-year does not exist (§3). */
export const missingPersonYearMessage = (cpr: string, year: number) =>
  `Personskatteår eksisterer ikke for ${cpr} i år ${year}`

/** The error of a payment already imported (jobs.md §8.2, decision). */
export const duplicateMessage = (uniqueId: string) => `Forudindbetaling ${uniqueId} er allerede importeret`

/** The text of a created transaction in the result: "{type label} for {person name} på {amount} i {year}". */
export const createdText = (personName: string, amount: number, year: number) =>
  `Forudindbetaling for ${personName} på ${amount} i ${year}`

const WHOLE = /^-?\d+$/

/** Reads a whole file: every line either accepted or an error (the importer refuses a file with any error). */
export const parse = (
  content: Uint8Array
): { readonly lines: ReadonlyArray<PrepaymentLine>; readonly errors: ReadonlyArray<PrepaymentLineError> } => {
  const text = Buffer.from(content).toString("latin1").replaceAll("\0", "")
  const lines: Array<PrepaymentLine> = []
  const errors: Array<PrepaymentLineError> = []
  text.split(/\r\n|\r|\n/).forEach((raw, i) => {
    const line = i + 1
    if (raw.trim() === "") return
    const fields = raw.split(";").map((f) => f.trim())
    if (fields.length < 8) {
      errors.push({ line, message: `linjen har ${fields.length} felter, men skal have mindst 8` })
      return
    }
    const [, cprField, , yearField, amountField, , , uniqueId] = fields as [
      string,
      string,
      string,
      string,
      string,
      string,
      string,
      string
    ]
    const problems: Array<string> = []
    if (!/^\d{1,10}$/.test(cprField)) problems.push(`ugyldigt CPR-nummer "${cprField}"`)
    const year = Number(yearField)
    if (!/^\d{4}$/.test(yearField)) problems.push(`ugyldigt år "${yearField}"`)
    const amount = Number(amountField)
    if (!WHOLE.test(amountField) || !Number.isSafeInteger(amount))
      problems.push(`ugyldigt beløb "${amountField}" (hele kroner)`)
    else if (amount < 0) problems.push(`beløbet "${amountField}" må ikke være negativt`)
    if (uniqueId === "") problems.push("mangler betalingens id")
    if (problems.length > 0) {
      errors.push({ line, message: problems.join(", ") })
      return
    }
    lines.push({ line, cpr: cprField.padStart(10, "0"), year, amount, uniqueId })
  })
  return { lines, errors }
}
