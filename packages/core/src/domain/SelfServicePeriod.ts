/**
 * The self-service period (selvbetjening.md §1, §6.2, §7.1, §10): the year a citizen edits, the close date and
 * whether the self-assessment form is open. "Today" is the calendar date in the configured time zone.
 */
import { allows, type YearPart } from "./TaxYearPeriod.js"

/** A calendar date; month 1–12. */
export interface CalendarDate {
  readonly year: number
  readonly month: number
  readonly day: number
}

/**
 * `CLOSE_AT_MONTH` and `CLOSE_AT_DATE` (the self-service settings carry them under these names): the day of every
 * year from which the form is closed; 0 in either disables closing by date.
 */
export interface CloseDate {
  readonly closeAtMonth: number
  readonly closeAtDate: number
}

// Building an Intl.DateTimeFormat costs far more than using one: one per time zone, made on first use.
const formats = new Map<string, Intl.DateTimeFormat>()
const formatOf = (timeZone: string): Intl.DateTimeFormat => {
  let f = formats.get(timeZone)
  if (!f) {
    f = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "numeric", day: "numeric" })
    formats.set(timeZone, f)
  }
  return f
}

// formatToParts is not cheap either, and the date changes only at a minute boundary: remembered per zone and minute.
const lastDay = new Map<string, { readonly minute: number; readonly day: CalendarDate }>()

/** The calendar date of the instant `now` in a time zone. */
export const today = (timeZone: string, now: Date = new Date()): CalendarDate => {
  const minute = Math.floor(now.getTime() / 60_000)
  const hit = lastDay.get(timeZone)
  if (hit && hit.minute === minute) return hit.day
  const parts = formatOf(timeZone).formatToParts(now)
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value)
  const day = { year: get("year"), month: get("month"), day: get("day") }
  lastDay.set(timeZone, { minute, day })
  return day
}

/** Whether the settings close the form by date at all (§10: 0 in either value disables it). */
export const closesByDate = (close: CloseDate): boolean => close.closeAtMonth !== 0 && close.closeAtDate !== 0

/** Whether the settings are usable: disabled, or a real day of a year (29 February counts). */
export const isValidCloseDate = (close: CloseDate): boolean => {
  if (!closesByDate(close)) return true
  const { closeAtMonth: month, closeAtDate: day } = close
  const probe = new Date(Date.UTC(2024, month - 1, day)) // a leap year accepts 29 February
  return month >= 1 && month <= 12 && probe.getUTCMonth() === month - 1 && probe.getUTCDate() === day
}

/** The year citizens can edit: the current calendar year − 1 (§1). */
export const editYear = (today: CalendarDate): number => today.year - 1

/** Whether the close date has passed this year: closed from that day on, open again from 1 January (§10). */
export const closedByDate = (close: CloseDate, today: CalendarDate): boolean =>
  closesByDate(close) &&
  (today.month > close.closeAtMonth || (today.month === close.closeAtMonth && today.day >= close.closeAtDate))

/** Whether a tax year's period takes a self-assessment (§7.1: `selvangivelse`); unknown → no. */
export const periodOpen = (yearPart: YearPart | undefined): boolean =>
  yearPart !== undefined && allows(yearPart, "selfReport")

/** Why the form is closed, in the order of the entry checks (§7.1), or null when it is open. */
export type ClosedReason = "close-date" | "period"

/** The first entry check (§7.1) the edit year fails: the close date, then the tax year's period. */
export const closedReason = (
  close: CloseDate,
  today: CalendarDate,
  yearPart: YearPart | undefined
): ClosedReason | null => (closedByDate(close, today) ? "close-date" : periodOpen(yearPart) ? null : "period")

/** Whether a year's page offers "Ret selvangivelse" (§6.2): the edit year, and the form is open (the same rule). */
export const canEdit = (year: number, yearPart: YearPart | undefined, close: CloseDate, today: CalendarDate): boolean =>
  year === editYear(today) && closedReason(close, today, yearPart) === null
