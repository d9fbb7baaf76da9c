import { describe, expect, it } from "@effect/vitest"
import fc from "fast-check"
import { StatementAmounts } from "../../src/index.js"

type Policy = StatementAmounts.StatementPolicy
type Transaction = StatementAmounts.StatementTransaction

const policy = (policyNumber: string, companyName: string, taxToPay: number, pensionCompanyPays = false): Policy => ({
  policyNumber,
  companyName,
  taxToPay,
  pensionCompanyPays
})

const tx = (type: Transaction["type"], status: Transaction["status"], amount: number, at: string): Transaction => ({
  type,
  status,
  amount,
  createdAt: new Date(at)
})

const base: StatementAmounts.StatementInput = {
  policies: [],
  transactions: [],
  previousStatementExists: false,
  interestOnRemainder: 0,
  extraPaymentForPreviousMissing: 0
}

describe("StatementAmounts.compute (domain.md §5.1, §5.2)", () => {
  const input: StatementAmounts.StatementInput = {
    policies: [policy("A-1", "Nordea Pension", 1530), policy("B-2", "PFA", 0, true), policy("C-3", "Sampension", 0)],
    transactions: [
      tx("prisme10q", "transferred", 500, "2025-09-15T00:30:00Z"),
      tx("prepayment", "transferred", -200, "2025-03-01T12:00:00Z"),
      tx("prisme10q", "created", 300, "2025-10-01T12:00:00Z"),
      tx("prisme10q", "cancelled", 700, "2025-10-02T12:00:00Z"),
      tx("prisme10q", "indifferent", 50, "2025-10-03T12:00:00Z")
    ],
    previousStatementExists: true,
    interestOnRemainder: 2.5,
    extraPaymentForPreviousMissing: 0
  }

  it("computes every value of a statement with a previous statement, a prepayment and an earlier charge", () => {
    const result = StatementAmounts.compute(input)
    expect(result).toMatchObject({
      prepayment: -200,
      totalTax: 1530,
      previousTransactionSum: 500,
      remainder: 830,
      interestFactor: 0.025,
      interest: 20,
      remainderWithInterest: 850,
      totalPayment: 850,
      indifferenceLimited: false,
      prismeAmount: 850
    })
  })

  it("writes the payment rows with the exact texts and the summary", () => {
    const result = StatementAmounts.compute(input)
    expect(result.paymentRows).toEqual([
      { text: "Afgift for police nr. A-1 ved Nordea Pension", amount: 1530 },
      { text: "Afgift for police nr. B-2 ved PFA (betalt af pensionsselskab)", amount: 0 },
      { text: "Afgift for police nr. C-3 ved Sampension", amount: 0 },
      { text: "Forudindbetaling", amount: -200 },
      { text: "Justering fra årsopgørelse oprettet d. 14-09-2025", amount: -500 },
      { text: "Rente af udeståender (2.50% af 830)", amount: 20 }
    ])
    expect(result.summary).toBe(
      [
        "Afgift for police nr. A-1 ved Nordea Pension: 1530",
        "Afgift for police nr. B-2 ved PFA (betalt af pensionsselskab): 0",
        "Afgift for police nr. C-3 ved Sampension: 0",
        "Forudindbetaling: -200",
        "Justering fra årsopgørelse oprettet d. 14-09-2025: -500",
        "Rente af udeståender (2.50% af 830): 20",
        "",
        "I alt: 850"
      ].join("\n")
    )
  })

  it("dates the adjustment rows in the given time zone", () => {
    const result = StatementAmounts.compute(input, { timeZone: "UTC" })
    expect(result.paymentRows[4].text).toBe("Justering fra årsopgørelse oprettet d. 15-09-2025")
  })

  it("leaves the tax of company-paid policies out of the total", () => {
    const result = StatementAmounts.compute({ ...base, policies: [policy("1", "X", 500, true), policy("2", "Y", 400)] })
    expect(result.totalTax).toBe(400)
    expect(result.paymentRows.map((r) => r.amount)).toEqual([0, 400])
  })

  it("computes the interest factor first: 0.7 % of 1000 is 6 (6.999…), and truncates a refund toward zero", () => {
    const charge = StatementAmounts.compute({
      ...base,
      policies: [policy("1", "X", 1000)],
      previousStatementExists: true,
      interestOnRemainder: 0.7
    })
    expect(charge.interest).toBe(6)
    expect(charge.paymentRows[1]).toEqual({ text: "Rente af udeståender (0.70% af 1000)", amount: 6 })
    const refund = StatementAmounts.compute({
      ...base,
      transactions: [tx("prisme10q", "transferred", 1000, "2025-06-01T12:00:00Z")],
      previousStatementExists: true,
      interestOnRemainder: 0.7
    })
    expect(refund.remainder).toBe(-1000)
    expect(refund.interest).toBe(-6)
    expect(refund.remainderWithInterest).toBe(-1006)
    expect(refund.totalPayment).toBe(-1006)
    expect(refund.summary.endsWith("\n\nI alt: -1006")).toBe(true)
  })

  it("no interest and no interest row without an earlier statement", () => {
    const result = StatementAmounts.compute({ ...base, policies: [policy("1", "X", 1000)], interestOnRemainder: 5 })
    expect(result.interest).toBe(0)
    expect(result.paymentRows).toEqual([{ text: "Afgift for police nr. 1 ved X", amount: 1000 }])
    expect(result.summary).toBe("Afgift for police nr. 1 ved X: 1000\n\nI alt: 1000")
  })

  it("statement indifference: |total| < 100 becomes 0; exactly ±100 is kept", () => {
    const total = (tax: number, previous: number) =>
      StatementAmounts.compute({
        ...base,
        policies: [policy("1", "X", tax)],
        transactions: previous === 0 ? [] : [tx("prisme10q", "transferred", previous, "2025-06-01T12:00:00Z")]
      })
    expect([total(199, 100).totalPayment, total(199, 100).indifferenceLimited]).toEqual([0, true])
    expect([total(200, 100).totalPayment, total(200, 100).indifferenceLimited]).toEqual([100, false])
    expect([total(0, 99).totalPayment, total(0, 99).indifferenceLimited]).toEqual([0, true])
    expect([total(0, 100).totalPayment, total(0, 100).indifferenceLimited]).toEqual([-100, false])
    expect(total(199, 100).prismeAmount).toBe(99)
  })

  it("the extra payment counts for the letter, not for Prisme", () => {
    const input = { ...base, policies: [policy("1", "X", 150)], extraPaymentForPreviousMissing: 60 }
    const result = StatementAmounts.compute(input)
    expect(result.remainderWithInterest).toBe(150)
    expect(result.totalPayment).toBe(210)
    expect(result.prismeAmount).toBe(150)
    const lifted = StatementAmounts.compute({ ...base, transactions: [], extraPaymentForPreviousMissing: 100 })
    expect(lifted.totalPayment).toBe(100)
    expect(lifted.prismeAmount).toBe(0)
  })

  it("takes the indifference limit as an option", () => {
    const input = { ...base, policies: [policy("1", "X", 150)] }
    expect(StatementAmounts.compute(input, { indifferenceLimit: 151 }).totalPayment).toBe(0)
    expect(StatementAmounts.compute(input, { indifferenceLimit: 150 }).totalPayment).toBe(150)
  })

  it("nothing at all is 0 and indifferent", () => {
    const result = StatementAmounts.compute(base)
    expect(result.totalPayment).toBe(0)
    expect(result.indifferenceLimited).toBe(true)
    expect(result.summary).toBe("\nI alt: 0")
  })

  it("belowIndifferenceLimit is strict and symmetric", () => {
    expect([99, -99, 100, -100, 0].map((x) => StatementAmounts.belowIndifferenceLimit(x))).toEqual([
      true,
      true,
      false,
      false,
      true
    ])
  })
})

const inputArbitrary = fc.record({
  policies: fc.array(
    fc.record({
      policyNumber: fc.stringMatching(/^[A-Z0-9-]{1,8}$/),
      companyName: fc.constantFrom("PFA", "Nordea Pension", "Sampension"),
      pensionCompanyPays: fc.boolean(),
      taxToPay: fc.oneof(fc.constant(0), fc.integer({ min: 100, max: 1_000_000 }))
    }),
    { maxLength: 5 }
  ),
  transactions: fc.array(
    fc.oneof(
      fc.record({
        type: fc.constant("prepayment" as const),
        status: fc.constant("transferred" as const),
        amount: fc.integer({ min: -100_000, max: 0 }),
        createdAt: fc.date({ min: new Date("2020-01-01"), max: new Date("2030-01-01") })
      }),
      fc.record({
        type: fc.constant("prisme10q" as const),
        status: fc.constantFrom("created" as const, "ready" as const, "transferred" as const, "cancelled" as const),
        amount: fc.integer({ min: -100_000, max: 100_000 }),
        createdAt: fc.date({ min: new Date("2020-01-01"), max: new Date("2030-01-01") })
      })
    ),
    { maxLength: 5 }
  ),
  previousStatementExists: fc.boolean(),
  interestOnRemainder: fc.integer({ min: 0, max: 9999 }).map((n) => n / 100),
  extraPaymentForPreviousMissing: fc.integer({ min: 0, max: 10_000 })
})

describe("StatementAmounts: properties", () => {
  it("the payment rows add up to the remainder with interest, and the summary ends with that sum", () => {
    fc.assert(
      fc.property(inputArbitrary, (input) => {
        const result = StatementAmounts.compute(input)
        expect(result.prismeAmount).toBe(result.remainderWithInterest)
        const last = `${result.paymentRows.length === 0 ? "" : "\n"}\nI alt: ${result.prismeAmount}`
        expect(result.summary.endsWith(last)).toBe(true)
        expect(result.summary.split("\n").length).toBe(result.paymentRows.length + 2)
      })
    )
  })

  it("the total payment is 0 or at least the limit in size, and 0 exactly when flagged", () => {
    fc.assert(
      fc.property(inputArbitrary, (input) => {
        const result = StatementAmounts.compute(input)
        const raw = result.remainderWithInterest + input.extraPaymentForPreviousMissing
        expect(result.totalPayment).toBe(Math.abs(raw) < 100 ? 0 : raw)
        expect(result.indifferenceLimited).toBe(Math.abs(raw) < 100)
      })
    )
  })

  it("interest is the truncated factor-first product, never larger in size than the remainder × rate", () => {
    fc.assert(
      fc.property(inputArbitrary, (input) => {
        const result = StatementAmounts.compute(input)
        const factor = 0.01 * input.interestOnRemainder
        const expected = input.previousStatementExists ? Math.trunc(factor * result.remainder) + 0 : 0
        expect(result.interest).toBe(expected)
        expect(Number.isInteger(result.interest)).toBe(true)
        expect(Math.abs(result.interest)).toBeLessThanOrEqual(Math.abs(result.remainder))
        expect(StatementAmounts.compute(input)).toEqual(result)
      })
    )
  })
})
