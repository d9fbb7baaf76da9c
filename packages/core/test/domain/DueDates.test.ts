import { describe, expect, it } from "@effect/vitest"
import fc from "fast-check"
import { DueDates } from "../../src/index.js"

describe("DueDates.dueDate (domain.md §5.4)", () => {
  it("DUE_ON_DATE and PREV_AMOUNT_DUE: the 1st of the month 4 months after today's, rolling into the next year", () => {
    for (const text of ["DUE_ON_DATE", "PREV_AMOUNT_DUE"] as const) {
      const due = (today: string) => DueDates.dueDate(text, { today, taxYear: 2024 })
      expect(due("2025-03-15")).toBe("2025-07-01")
      expect(due("2025-08-31")).toBe("2025-12-01")
      expect(due("2025-09-01")).toBe("2026-01-01")
      expect(due("2025-12-31")).toBe("2026-04-01")
      expect(due("2024-02-29")).toBe("2024-06-01")
    }
  })

  it("DUE, REFUND and BULK: 1 September of the year after the tax year, whatever today is", () => {
    for (const text of ["DUE", "REFUND", "BULK"] as const) {
      expect(DueDates.dueDate(text, { today: "2027-12-31", taxYear: 2024 })).toBe("2025-09-01")
    }
  })

  it("keeps the stored codes and labels", () => {
    expect(DueDates.paymentTextCodes).toEqual({ BULK: 1, DUE_ON_DATE: 2, DUE: 3, PREV_AMOUNT_DUE: 4, REFUND: 5 })
    expect(DueDates.paymentTextLabels.DUE_ON_DATE).toBe("Beløbet forfalder på dato X")
    expect([1, 2, 3, 4, 5, 6].map(DueDates.paymentTextFromCode)).toEqual([
      "BULK",
      "DUE_ON_DATE",
      "DUE",
      "PREV_AMOUNT_DUE",
      "REFUND",
      undefined
    ])
  })

  it("refuses a date that is not YYYY-MM-DD", () => {
    expect(() => DueDates.dueDate("DUE_ON_DATE", { today: "15-03-2025", taxYear: 2024 })).toThrow(/YYYY-MM-DD/)
  })
})

describe("DueDates.lastPaymentDate (domain.md §5.4)", () => {
  it("the 20th on a weekday", () => {
    expect(DueDates.lastPaymentDate("2026-01-01")).toBe("2026-01-20")
  })

  it("Saturday the 20th moves to Monday the 22nd", () => {
    expect(DueDates.lastPaymentDate("2025-09-01")).toBe("2025-09-22")
    expect(DueDates.lastPaymentDate("2025-12-01")).toBe("2025-12-22")
  })

  it("Sunday the 20th moves to Monday the 21st", () => {
    expect(DueDates.lastPaymentDate("2026-09-01")).toBe("2026-09-21")
    expect(DueDates.lastPaymentDate("2025-07-01")).toBe("2025-07-21")
  })
})

const dayArbitrary = fc
  .date({ min: new Date("2000-01-01T00:00:00Z"), max: new Date("2099-12-31T00:00:00Z"), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10))

describe("DueDates: properties", () => {
  it("a dated due date is the 1st, 4 months after today's month", () => {
    fc.assert(
      fc.property(dayArbitrary, (today) => {
        const due = DueDates.parseIsoDate(DueDates.dueDate("DUE_ON_DATE", { today, taxYear: 2000 }))
        const now = DueDates.parseIsoDate(today)
        expect(due.day).toBe(1)
        expect(due.year * 12 + due.month - (now.year * 12 + now.month)).toBe(4)
      })
    )
  })

  it("the last payment date is a weekday in the due month, the 20th or a Monday the 21st/22nd", () => {
    fc.assert(
      fc.property(dayArbitrary, (due) => {
        const last = DueDates.lastPaymentDate(due)
        const { day, month, year } = DueDates.parseIsoDate(last)
        const weekday = new Date(Date.UTC(year, month - 1, day)).getUTCDay()
        expect(last.slice(0, 7)).toBe(due.slice(0, 7))
        expect(weekday >= 1 && weekday <= 5).toBe(true)
        expect(day === 20 || (weekday === 1 && (day === 21 || day === 22))).toBe(true)
      })
    )
  })
})
