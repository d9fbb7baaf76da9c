import { Effect } from "effect"
import type { TenQInput, TenQRenderer } from "../database/repositories/Transactions.js"
import { DomainRuleError } from "./DomainError.js"

/**
 * The 10Q records of KMD's format GE550010Q version 15 (integrations.md §2.5): for one transaction a type 10 line,
 * a type 24 line and one type 26 line per line of the tax year's rate text, joined with CRLF. Every field is
 * right-justified to its width (spaces on the left); a value wider than its field is an error.
 */

/** The text of a field whose value does not fit (the transaction cannot be created). */
export const tooWideMessage = (field: string, width: number, value: string) =>
  `10Q-feltet ${field} må højst være ${width} tegn (var ${value.length}: "${value}")`

/** Thrown inside `render` and turned into a `DomainRuleError`: a field wider than its width. */
class TooWide {
  constructor(readonly message: string) {}
}

/** One fixed-width field: the value right-justified to `width`, padded with spaces on the left. */
export const field = (name: string, width: number, value: string): string => {
  if (value.length > width) throw new TooWide(tooWideMessage(name, width, value))
  return value.padStart(width, " ")
}

const zeros = (n: number | string, width: number) => String(n).padStart(width, "0")

/** `YYYYMMDD` of an ISO date (`YYYY-MM-DD`). */
const compactDate = (iso: string) => iso.slice(0, 10).replaceAll("-", "")

/** The 20th of the due date's month, moved to Monday when it falls on a Saturday or a Sunday (`YYYY-MM-DD`). */
export const lastPaymentDate = (dueDate: string): string => {
  const [y, m] = dueDate.split("-").map(Number)
  const d = new Date(Date.UTC(y!, m! - 1, 20))
  const weekday = d.getUTCDay()
  if (weekday === 6) d.setUTCDate(22)
  else if (weekday === 0) d.setUTCDate(21)
  return d.toISOString().slice(0, 10)
}

/** `0` followed by `YYYYMMDDHHMM` of an instant in UTC. */
export const timeStamp = (at: Date): string => `0${at.toISOString().slice(0, 16).replace(/[-T:]/g, "")}`

/** The lines of a text as Python's `splitlines` gives them: CRLF, CR and LF end a line; no line after a last break. */
export const rateTextLines = (text: string): ReadonlyArray<string> => {
  if (text === "") return []
  const lines = text.split(/\r\n|\r|\n/)
  if (/(\r\n|\r|\n)$/.test(text)) lines.pop()
  return lines
}

/** The amount in øre as 10 digits followed by its sign (`+` for ≥ 0, `-` for < 0). */
export const signedOere = (kroner: number): string => {
  const oere = String(Math.abs(Math.round(kroner * 100)))
  if (oere.length > 10) throw new TooWide(tooWideMessage("rate_beloeb", 11, `${oere}${kroner < 0 ? "-" : "+"}`))
  return `${zeros(oere, 10)}${kroner < 0 ? "-" : "+"}`
}

/** What every line is made from besides the transaction: the supplier id and when the lines are generated. */
export interface TenQSettings {
  /** `TENQ_PROJECT_ID` (e.g. `KAS`). */
  readonly projectId: string
  /** The generation time (default: now). */
  readonly now?: (() => Date) | undefined
}

/** The lines of one transaction, or a thrown `TooWide`. */
const lines = (input: TenQInput, settings: TenQSettings): ReadonlyArray<string> => {
  const now = settings.now?.() ?? new Date()
  const year = String(input.year)
  const dueDate = input.dueDate
  const lastPayment = compactDate(lastPaymentDate(dueDate))
  const due = compactDate(dueDate)
  const creation = due
  const prefix = (transType: string) =>
    field("leverandoer_ident", 4, settings.projectId) +
    field("trans_type", 2, transType) +
    field("time_stamp", 13, timeStamp(now)) +
    field("bruger_nummer", 4, "0900") +
    field("omraade_nummer", 3, year.slice(-3)) +
    field("betal_art", 3, "209") +
    field("paalign_aar", 4, year) +
    field("debitor_nummer", 10, zeros(input.cpr, 10)) +
    field("sag_nummer", 2, "00")
  const type10 = prefix("10") + field("person_nummer", 10, input.cpr)
  const type24 =
    prefix("24") +
    field("individ_type", 2, "20") +
    field("rate_nummer", 3, "999") +
    field("rate_beloeb", 11, signedOere(input.amount)) +
    field("belob_type", 1, "1") +
    field("rentefri_beloeb", 11, "0000000000+") +
    field("opkraev_kode", 1, "1") +
    field("opkraev_dato", 8, lastPayment) +
    field("forfald_dato", 8, due) +
    field("betal_dato", 8, lastPayment) +
    field("rentefri_dato", 8, lastPayment) +
    field("tekst_nummer", 3, "000") +
    field("rate_spec", 3, "") +
    field("slet_mark", 1, "") +
    field("faktura_no", 35, "") +
    field("stiftelse_dato", 8, creation) +
    field("fra_periode", 8, `${year}0101`) +
    field("til_periode", 8, `${year}1231`) +
    field("aedring_aarsag_kode", 4, "") +
    field("aedring_aarsag_tekst", 100, "") +
    field("afstem_noegle", 35, input.uuid.replaceAll("-", ""))
  const type26 = rateTextLines(input.rateText).map(
    (text, i) =>
      prefix("26") +
      field("individ_type", 2, "20") +
      field("rate_nummer", 3, "999") +
      field("line_number", 3, zeros(i + 1, 3)) +
      text.slice(0, 60)
  )
  return [type10, type24, ...type26]
}

/** The 10Q lines of one transaction joined with CRLF; a field wider than its width fails with a `DomainRuleError`. */
export const render = (input: TenQInput, settings: TenQSettings): Effect.Effect<string, DomainRuleError> =>
  Effect.suspend(() => {
    try {
      return Effect.succeed(lines(input, settings).join("\r\n"))
    } catch (e) {
      return e instanceof TooWide
        ? Effect.fail(new DomainRuleError({ rule: "10q-field-width", message: e.message }))
        : Effect.die(e)
    }
  })

/** The `TenQRenderer` the transaction services take, for a supplier id (and a fixed clock in tests). */
export const renderer =
  (settings: TenQSettings): TenQRenderer =>
  (input) =>
    render(input, settings)
