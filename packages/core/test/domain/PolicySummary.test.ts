import { describe, expect, it } from "@effect/vitest"
import { PolicySummary, StatementAmounts } from "../../src/index.js"

describe("PolicySummary: the columns and the minimum-tax rule of staff-web.md §15", () => {
  it("shows a tax under 100 as 0, with the remark only when a tax was set to 0", () => {
    expect([0, 1, 99, 100, 512].map((t) => PolicySummary.summaryTax(t))).toEqual([0, 0, 0, 100, 512])
    expect(PolicySummary.summaryRemark(0)).toBe("")
    expect(PolicySummary.summaryRemark(100)).toBe("")
    expect(PolicySummary.summaryRemark(99)).toBe(
      "Kapitalafkastskat sat til 0kr., da den beregnede kapitalafkastskat 99kr. er under minimumsgrænsen på 100kr."
    )
  })

  it("is the indifference limit of the statements (one rule), with the configured limit", () => {
    for (const limit of [100, 250]) {
      for (const tax of [0, 1, limit - 1, limit, limit + 1, 10_000]) {
        const below = StatementAmounts.belowIndifferenceLimit(tax, limit)
        expect(PolicySummary.summaryTax(tax, limit)).toBe(below ? 0 : tax)
        expect(PolicySummary.summaryRemark(tax, limit) !== "").toBe(below && tax > 0)
      }
    }
    expect(PolicySummary.summaryTax(249, 250)).toBe(0)
    expect(PolicySummary.summaryRemark(249, 250)).toContain("minimumsgrænsen på 250kr.")
  })

  it("writes a policy's row: the taxable amount after the deduction, prepayment 0 when missing", () => {
    const row = PolicySummary.companyCsvRow({
      year: 2021,
      res: 11111,
      cpr: "0101011111",
      policyNumber: "A-1",
      yearAdjustedAmount: 5000,
      usedNegativeReturn: 1000,
      preliminaryPaidAmount: null,
      taxWithDeductions: 612
    })
    expect(row).toEqual([2021, 11111, "0101011111", "A-1", 5000, 1000, 4000, 0, 612, "", ""])
    expect(PolicySummary.taxableAmount(-300, 0)).toBe(0)
    expect(PolicySummary.companyCsvHeader("PFA")[9]).toBe("Afregnet af PFA")
  })

  it("quotes a cell with the delimiter, a quote or a line break, and ends lines with CRLF", () => {
    expect(PolicySummary.csvLine(["a", 1, "b;c", 'd"e', "f\ng"])).toBe('a;1;"b;c";"d""e";"f\ng"\r\n')
  })
})
