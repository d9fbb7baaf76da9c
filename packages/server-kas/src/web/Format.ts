import { dashedCpr, I18n, isCpr } from "@kas/core"

/**
 * The staff UI's formats (staff-web.md §1): amounts with "." as thousands separator, CPR as `DDMMYY-XXXX`, dates
 * `dd-mm-yyyy`, times in the configured time zone. Views get them as `fmt`.
 */
export interface Format {
  /** Whole kroner, "1.234.567"; empty for null. */
  readonly kroner: (n: number | null | undefined) => string
  /** "DDMMYY-XXXX" (anything that is not 10 digits is shown as it is). */
  readonly cpr: (cpr: string | null | undefined) => string
  /** An ISO date `YYYY-MM-DD` as "dd-mm-yyyy"; empty for null. */
  readonly date: (iso: string | null | undefined) => string
  /** A timestamp as "dd-mm-yyyy HH:MM" in the time zone; empty for null. */
  readonly dateTime: (d: Date | null | undefined) => string
  /** "Ja" / "Nej". */
  readonly yesNo: (b: boolean) => string
}

/** The formats for a time zone. */
export const makeFormat = (timeZone: string): Format => {
  const parts = new Intl.DateTimeFormat("en-GB", {
    timeZone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23"
  })
  return {
    kroner: I18n.formatAmount,
    cpr: (cpr) => (isCpr(cpr) ? dashedCpr(cpr) : (cpr ?? "")),
    date: (iso) => {
      const m = iso == null ? null : /^(\d{4})-(\d{2})-(\d{2})/.exec(iso)
      return m ? `${m[3]}-${m[2]}-${m[1]}` : (iso ?? "")
    },
    dateTime: (d) => {
      if (d == null) return ""
      const p = Object.fromEntries(parts.formatToParts(d).map((x) => [x.type, x.value]))
      return `${p.day}-${p.month}-${p.year} ${p.hour}:${p.minute}`
    },
    yesNo: (b) => (b ? "Ja" : "Nej")
  }
}

// One formatter per time zone: making an Intl.DateTimeFormat costs about 0.1 ms of CPU, and "Find person" and the
// extract lists ask for the year on every request.
const yearFormats = new Map<string, Intl.DateTimeFormat>()

/** The calendar year of today in a time zone. */
export const currentYear = (timeZone: string, now: Date = new Date()): number => {
  // Every time zone is within a day of UTC: but on 31 December and 1 January (UTC) the year is UTC's, without the
  // formatter (~10-20 µs a call).
  const month = now.getUTCMonth()
  const day = now.getUTCDate()
  if ((month > 0 || day > 1) && (month < 11 || day < 31)) return now.getUTCFullYear()
  let format = yearFormats.get(timeZone)
  if (format === undefined) {
    format = new Intl.DateTimeFormat("en-GB", { timeZone, year: "numeric" })
    yearFormats.set(timeZone, format)
  }
  return Number(format.format(now))
}
