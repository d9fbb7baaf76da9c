import { describe, expect, it } from "vitest"
import { currentYear } from "../../src/web/Format.js"

// "Today's" year in the configured time zone picks the default tax year of "Find person" and the extract lists: away
// from New Year it is taken from UTC without the formatter, so it must agree with the formatter in every zone.
describe("currentYear", () => {
  it("is the year of the time zone at every hour around New Year and through the year", () => {
    const zones = ["America/Nuuk", "UTC", "Pacific/Kiritimati", "Etc/GMT+12", "Pacific/Pago_Pago", "Asia/Kathmandu"]
    const instants: Array<Date> = []
    for (let h = 0; h < 24 * 8; h++) instants.push(new Date(Date.UTC(2024, 11, 28, h, 30)))
    for (let m = 0; m < 12; m++) instants.push(new Date(Date.UTC(2025, m, 15, 12)))
    for (const timeZone of zones) {
      const format = new Intl.DateTimeFormat("en-GB", { timeZone, year: "numeric" })
      for (const now of instants)
        expect(currentYear(timeZone, now), `${timeZone} ${now.toISOString()}`).toBe(Number(format.format(now)))
    }
  })
})
