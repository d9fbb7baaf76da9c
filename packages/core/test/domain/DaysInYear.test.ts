import { describe, expect, it } from "@effect/vitest"
import { DaysInYear } from "../../src/index.js"

describe("DaysInYear", () => {
  it("leap years follow the Gregorian rules", () => {
    expect([2023, 2024, 1900, 2000, 2100].map(DaysInYear.daysInYear)).toEqual([365, 366, 365, 366, 365])
    expect(DaysInYear.isLeapYear(2028)).toBe(true)
  })

  it("a century is a leap year only when divisible by 400", () => {
    expect([1600, 1700, 1800, 1900, 2000, 2100, 2400].map(DaysInYear.isLeapYear)).toEqual([
      true,
      false,
      false,
      false,
      true,
      false,
      true
    ])
  })

  it("a year divisible by 4 but not by 100 is a leap year; any other year is not", () => {
    expect([2019, 2020, 2021, 2022, 2023, 2024, 2026].map(DaysInYear.daysInYear)).toEqual([
      365, 366, 365, 365, 365, 366, 365
    ])
  })

  it("the day factor is days / days in year, or 1 without days", () => {
    expect(DaysInYear.daysInYearFactor(null, 365)).toBe(1)
    expect(DaysInYear.daysInYearFactor(73, 365)).toBe(0.2)
    expect(DaysInYear.daysInYearFactor(0, 366)).toBe(0)
    expect(DaysInYear.daysInYearFactor(366, DaysInYear.daysInYear(2024))).toBe(1)
  })
})
