import { describe, expect, it } from "@effect/vitest"
import { SelfServicePeriod } from "../../src/index.js"

const at = (iso: string) => new Date(iso)
const nuuk = (iso: string) => SelfServicePeriod.today("America/Nuuk", at(iso))
const date = (year: number, month: number, day: number): SelfServicePeriod.CalendarDate => ({ year, month, day })
const closeAt = (closeAtMonth: number, closeAtDate: number): SelfServicePeriod.CloseDate => ({
  closeAtMonth,
  closeAtDate
})
const closedByDate = (month: number, day: number, timeZone: string, now: Date) =>
  SelfServicePeriod.closedByDate(closeAt(month, day), SelfServicePeriod.today(timeZone, now))
const editYearOf = (timeZone: string, now: Date) => SelfServicePeriod.editYear(SelfServicePeriod.today(timeZone, now))

describe("close date and edit year (selvbetjening.md §1, §10)", () => {
  it("closes from the close date on, in the configured time zone, and reopens on 1 January", () => {
    expect(closedByDate(5, 1, "America/Nuuk", at("2026-04-30T23:00:00Z"))).toBe(false)
    expect(closedByDate(5, 1, "America/Nuuk", at("2026-05-01T12:00:00Z"))).toBe(true)
    // 00:30 UTC on 1 May is still 30 April in Nuuk (UTC−1 in summer)
    expect(closedByDate(5, 1, "America/Nuuk", at("2026-05-01T00:30:00Z"))).toBe(false)
    expect(closedByDate(5, 1, "America/Nuuk", at("2026-12-31T12:00:00Z"))).toBe(true)
    expect(closedByDate(5, 1, "America/Nuuk", at("2027-01-01T12:00:00Z"))).toBe(false)
    expect(closedByDate(0, 1, "America/Nuuk", at("2026-12-31T12:00:00Z"))).toBe(false)
  })
  it("edits the previous calendar year", () => {
    expect(editYearOf("America/Nuuk", at("2026-01-01T12:00:00Z"))).toBe(2025)
    expect(editYearOf("America/Nuuk", at("2026-01-01T01:00:00Z"))).toBe(2024)
  })
})

describe("SelfServicePeriod.closedByDate: the boundaries", () => {
  const close = closeAt(5, 15)
  it("is open the day before, closed on the day itself and every later day of the year", () => {
    expect(SelfServicePeriod.closedByDate(close, date(2026, 5, 14))).toBe(false)
    expect(SelfServicePeriod.closedByDate(close, date(2026, 5, 15))).toBe(true)
    expect(SelfServicePeriod.closedByDate(close, date(2026, 5, 16))).toBe(true)
    expect(SelfServicePeriod.closedByDate(close, date(2026, 6, 1))).toBe(true)
    expect(SelfServicePeriod.closedByDate(close, date(2026, 12, 31))).toBe(true)
  })
  it("is open in earlier months, even on a later day of the month", () => {
    expect(SelfServicePeriod.closedByDate(close, date(2026, 4, 30))).toBe(false)
    expect(SelfServicePeriod.closedByDate(close, date(2026, 1, 1))).toBe(false)
  })
  it("0 as month or day never closes", () => {
    expect(SelfServicePeriod.closedByDate(closeAt(0, 15), date(2026, 12, 31))).toBe(false)
    expect(SelfServicePeriod.closedByDate(closeAt(5, 0), date(2026, 12, 31))).toBe(false)
    expect(SelfServicePeriod.closedByDate(closeAt(0, 0), date(2026, 12, 31))).toBe(false)
  })
  it("a close date of 29 February closes from 1 March in a common year", () => {
    expect(SelfServicePeriod.closedByDate(closeAt(2, 29), date(2026, 2, 28))).toBe(false)
    expect(SelfServicePeriod.closedByDate(closeAt(2, 29), date(2026, 3, 1))).toBe(true)
    expect(SelfServicePeriod.closedByDate(closeAt(2, 29), date(2028, 2, 29))).toBe(true)
  })
  it("today follows the time zone across the new year", () => {
    // 02:30 UTC on 1 January is still 31 December in Nuuk (UTC−2 in winter)
    expect(nuuk("2027-01-01T01:30:00Z")).toEqual(date(2026, 12, 31))
    expect(nuuk("2027-01-01T02:30:00Z")).toEqual(date(2027, 1, 1))
    expect(SelfServicePeriod.today("Europe/Copenhagen", at("2026-12-31T23:30:00Z"))).toEqual(date(2027, 1, 1))
  })
})

describe("SelfServicePeriod.isValidCloseDate (a setting that is no real date stops the service)", () => {
  it("takes real days, 29 February and the disabling zeroes", () => {
    expect(SelfServicePeriod.isValidCloseDate(closeAt(5, 1))).toBe(true)
    expect(SelfServicePeriod.isValidCloseDate(closeAt(2, 29))).toBe(true)
    expect(SelfServicePeriod.isValidCloseDate(closeAt(12, 31))).toBe(true)
    expect(SelfServicePeriod.isValidCloseDate(closeAt(0, 31))).toBe(true)
    expect(SelfServicePeriod.isValidCloseDate(closeAt(13, 0))).toBe(true)
  })
  it("refuses 30 February, 31 April, month 13 and day 32", () => {
    expect(SelfServicePeriod.isValidCloseDate(closeAt(2, 30))).toBe(false)
    expect(SelfServicePeriod.isValidCloseDate(closeAt(4, 31))).toBe(false)
    expect(SelfServicePeriod.isValidCloseDate(closeAt(13, 1))).toBe(false)
    expect(SelfServicePeriod.isValidCloseDate(closeAt(1, 32))).toBe(false)
  })
})

describe("SelfServicePeriod: whether the form is open (§6.2, §7.1)", () => {
  const close = closeAt(5, 1)
  const april = date(2026, 4, 30)
  const may = date(2026, 5, 1)
  it("takes a self-assessment only in selvangivelse", () => {
    expect(SelfServicePeriod.periodOpen("selvangivelse")).toBe(true)
    expect(SelfServicePeriod.periodOpen("ligning")).toBe(false)
    expect(SelfServicePeriod.periodOpen("genoptagelsesperiode")).toBe(false)
    expect(SelfServicePeriod.periodOpen(undefined)).toBe(false)
  })
  it("checks the close date before the period", () => {
    expect(SelfServicePeriod.closedReason(close, april, "selvangivelse")).toBeNull()
    expect(SelfServicePeriod.closedReason(close, may, "selvangivelse")).toBe("close-date")
    expect(SelfServicePeriod.closedReason(close, may, "ligning")).toBe("close-date")
    expect(SelfServicePeriod.closedReason(close, april, "ligning")).toBe("period")
    expect(SelfServicePeriod.closedReason(close, april, undefined)).toBe("period")
  })
  it("offers editing for the edit year only, while the form is open", () => {
    expect(SelfServicePeriod.canEdit(2025, "selvangivelse", close, april)).toBe(true)
    expect(SelfServicePeriod.canEdit(2024, "selvangivelse", close, april)).toBe(false)
    expect(SelfServicePeriod.canEdit(2026, "selvangivelse", close, april)).toBe(false)
    expect(SelfServicePeriod.canEdit(2025, "selvangivelse", close, may)).toBe(false)
    expect(SelfServicePeriod.canEdit(2025, "genoptagelsesperiode", close, april)).toBe(false)
    expect(SelfServicePeriod.canEdit(2025, "selvangivelse", closeAt(0, 0), date(2026, 12, 31))).toBe(true)
  })
})
