import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import fc from "fast-check"
import { PolicyCalculation } from "../../src/index.js"

const amounts: PolicyCalculation.PolicyAmounts = {
  assessedAmount: null,
  selfReportedAmount: null,
  prefilledAmount: null,
  prefilledAmountEdited: null,
  baseCalculationAmount: null,
  numberOfDays: null,
  daysInYear: 365
}

const source: PolicyCalculation.PolicyCalculationSource = {
  ...amounts,
  active: true,
  foreignPaidAmountActual: 0,
  preliminaryPaidAmount: null,
  pensionCompanyPays: false,
  availableDeductions: new Map()
}

describe("PolicyCalculation.prefilledAdjustedAmount (§3.2)", () => {
  it("null when neither prefilled amount is set", () => {
    expect(PolicyCalculation.prefilledAdjustedAmount(amounts)).toBeNull()
  })

  it("prefilled −1000 with 100 of 365 days is −273 (worked example 3)", () => {
    expect(PolicyCalculation.prefilledAdjustedAmount({ ...amounts, prefilledAmount: -1000, numberOfDays: 100 })).toBe(
      -273
    )
  })

  it("the edited amount wins over the original and is day-adjusted too", () => {
    const policy = { ...amounts, prefilledAmount: 5000, prefilledAmountEdited: 1000, numberOfDays: 100 }
    expect(PolicyCalculation.prefilledAdjustedAmount(policy)).toBe(273)
    expect(PolicyCalculation.prefilledAdjustedAmount({ ...policy, prefilledAmountEdited: 0 })).toBe(0)
  })

  it("null days means the whole year; the factor is computed first", () => {
    expect(PolicyCalculation.prefilledAdjustedAmount({ ...amounts, prefilledAmount: 1234 })).toBe(1234)
    expect(PolicyCalculation.prefilledAdjustedAmount({ ...amounts, prefilledAmount: 365, numberOfDays: 3 })).toBe(2)
    const leap = { ...amounts, prefilledAmount: 1001, numberOfDays: 183, daysInYear: 366 }
    expect(PolicyCalculation.prefilledAdjustedAmount(leap)).toBe(500)
  })

  it("zero days give 0, never -0", () => {
    const value = PolicyCalculation.prefilledAdjustedAmount({ ...amounts, prefilledAmount: -1000, numberOfDays: 0 })
    expect(Object.is(value, 0)).toBe(true)
  })
})

describe("PolicyCalculation.baseAmount (§3.2)", () => {
  const full = {
    ...amounts,
    assessedAmount: 100,
    selfReportedAmount: 200,
    prefilledAmount: 365,
    prefilledAmountEdited: 730,
    baseCalculationAmount: 500,
    numberOfDays: 73
  }

  it("takes the first non-null of assessed, self-reported, prefilled-adjusted, stored base, 0", () => {
    expect(PolicyCalculation.baseAmount(full)).toBe(100)
    expect(PolicyCalculation.baseAmount({ ...full, assessedAmount: null })).toBe(200)
    expect(PolicyCalculation.baseAmount({ ...full, assessedAmount: null, selfReportedAmount: null })).toBe(146)
    const original = { ...full, assessedAmount: null, selfReportedAmount: null, prefilledAmountEdited: null }
    expect(PolicyCalculation.baseAmount(original)).toBe(73)
    expect(PolicyCalculation.baseAmount({ ...amounts, baseCalculationAmount: -50, numberOfDays: 10 })).toBe(-50)
    expect(PolicyCalculation.baseAmount(amounts)).toBe(0)
  })

  it("an assessed or self-reported 0 is a value, and they are never day-adjusted", () => {
    expect(PolicyCalculation.baseAmount({ ...full, assessedAmount: 0 })).toBe(0)
    expect(PolicyCalculation.baseAmount({ ...full, assessedAmount: null, selfReportedAmount: -1000 })).toBe(-1000)
  })
})

describe("PolicyCalculation.pensionCompanyPays (§2.7)", () => {
  it("agreement or company override, unless the citizen must pay", () => {
    const table = [
      [false, false, false, false],
      [true, false, false, true],
      [false, true, false, true],
      [true, true, false, true],
      [true, false, true, false],
      [false, true, true, false],
      [false, false, true, false]
    ] as const
    for (const [agreementPresent, companyPayOverride, citizenPayOverride, pays] of table) {
      expect(PolicyCalculation.pensionCompanyPays({ agreementPresent, companyPayOverride, citizenPayOverride })).toBe(
        pays
      )
    }
  })
})

describe("PolicyCalculation.policyCalculationInput (§3.4)", () => {
  it("maps a stored policy without further day adjustment", () => {
    const input = PolicyCalculation.policyCalculationInput({
      ...source,
      prefilledAmount: 10000,
      numberOfDays: 73,
      foreignPaidAmountActual: 40,
      preliminaryPaidAmount: 20,
      pensionCompanyPays: true,
      availableDeductions: new Map([[2020, 5]])
    })
    expect(input).toEqual({
      initialAmount: 2000,
      adjustForDaysInYear: false,
      daysInYear: 365,
      taxableDaysInYear: 73,
      availableDeductions: new Map([[2020, 5]]),
      foreignPaidAmount: 40,
      preliminaryPayment: 20,
      pensionCompanyPays: true
    })
  })

  it("null days become the whole year, a null preliminary payment 0, and an inactive policy gets no losses", () => {
    const input = PolicyCalculation.policyCalculationInput({
      ...source,
      daysInYear: 366,
      active: false,
      availableDeductions: new Map([[2020, 5]])
    })
    expect(input.taxableDaysInYear).toBe(366)
    expect(input.preliminaryPayment).toBe(0)
    expect(input.availableDeductions).toEqual(new Map())
    expect(input.initialAmount).toBe(0)
  })

  it("the day-adjusted base is taxed once: 10 000 kr prefilled over 73 days is 306 kr", () => {
    const policy = { ...source, prefilledAmount: 10000, numberOfDays: 73 }
    const result = Either.getOrThrow(PolicyCalculation.policyCalculation(policy))
    expect(result.yearAdjustedAmount).toBe(2000)
    expect(result.taxDaysAdjustFactor).toBe(1)
    expect(result.fullTax).toBe(306)
    expect(result.taxToPay).toBe(306)
  })

  it("uses the available losses of an active policy", () => {
    const result = Either.getOrThrow(
      PolicyCalculation.policyCalculation({
        ...source,
        selfReportedAmount: 1000,
        availableDeductions: new Map([
          [2019, 400],
          [2018, 100]
        ])
      })
    )
    expect([...result.desiredDeductions]).toEqual([
      [2018, 100],
      [2019, 400]
    ])
    expect(result.taxableAmount).toBe(500)
    expect(result.fullTax).toBe(76)
  })

  it("the mapped input is always valid: a stored policy always calculates", () => {
    const nullable = fc.option(fc.integer({ min: -10_000_000, max: 10_000_000 }), { nil: null })
    fc.assert(
      fc.property(
        fc.record({
          assessedAmount: nullable,
          selfReportedAmount: nullable,
          prefilledAmount: nullable,
          prefilledAmountEdited: nullable,
          baseCalculationAmount: nullable,
          leap: fc.boolean(),
          days: fc.option(fc.integer({ min: 0, max: 365 }), { nil: null })
        }),
        ({ days, leap, ...rest }) => {
          const policy = { ...source, ...rest, numberOfDays: days, daysInYear: leap ? 366 : 365 }
          const result = PolicyCalculation.policyCalculation(policy)
          return Either.isRight(result) && result.right.yearAdjustedAmount === PolicyCalculation.baseAmount(policy)
        }
      )
    )
  })
})

describe("PolicyCalculation.personYearTaxToPay (staff-web.md §8.4)", () => {
  const p = (taxToPay: number, active = true, pensionCompanyPays = false) => ({ taxToPay, active, pensionCompanyPays })
  it("sums the active policies the citizen pays; inactive and company-paid ones are left out", () => {
    expect(PolicyCalculation.personYearTaxToPay([p(300), p(200), p(5000, false), p(7000, true, true)])).toBe(500)
  })
  it("a total below the limit of 100 is 0; exactly 100 is collected", () => {
    expect(PolicyCalculation.personYearTaxToPay([p(60), p(39)])).toBe(0)
    expect(PolicyCalculation.personYearTaxToPay([p(60), p(40)])).toBe(100)
    expect(PolicyCalculation.personYearTaxToPay([])).toBe(0)
  })
})
