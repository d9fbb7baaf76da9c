/**
 * Days in a tax year (domain.md §2.1 `days_in_year`, §7.2): the Gregorian leap-year rule and the day factor of a
 * person-year. The one TypeScript copy of the rule; the one SQL copy is `kas.days_in_year` (migration 0014).
 */

/** The number of days of a calendar year. */
export type DaysInYear = 365 | 366

/** True for a leap year of the Gregorian calendar: divisible by 4, except centuries not divisible by 400. */
export const isLeapYear = (year: number): boolean => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0

/** 366 in a leap year, else 365. */
export const daysInYear = (year: number): DaysInYear => (isLeapYear(year) ? 366 : 365)

/** number_of_days / days_in_year as a double, or 1 when number_of_days is null (domain.md §7.2). */
export const daysInYearFactor = (numberOfDays: number | null, yearDays: number): number =>
  numberOfDays === null ? 1 : numberOfDays / yearDays
