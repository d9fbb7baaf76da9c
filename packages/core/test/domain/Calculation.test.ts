import { assert, describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import fc from "fast-check"
import { Calculation, CalculationInputError } from "../../src/index.js"

const ok = (input: Calculation.CalculationInput, options?: Calculation.CalculationOptions) =>
  Either.getOrThrowWith(Calculation.perform(input, options), (error) => new Error(error.message))

const failure = (input: Calculation.CalculationInput) => {
  const result = Calculation.perform(input)
  if (Either.isRight(result)) throw new Error("expected a validation error")
  return result.left
}

const years = (entries: ReadonlyArray<readonly [number, number]>) => new Map(entries)

describe("Calculation.perform: worked examples (domain.md §3.7)", () => {
  it("1000 kr for the whole year: 153 kr to pay", () => {
    const result = ok({ initialAmount: 1000, daysInYear: 365, taxableDaysInYear: 365 })
    expect(result.taxDaysAdjustFactor).toBe(1)
    expect(result.yearAdjustedAmount).toBe(1000)
    expect(result.taxableAmount).toBe(1000)
    expect(result.fullTax).toBe(153)
    expect(result.taxWithDeductions).toBe(153)
    expect(result.taxToPay).toBe(153)
    expect(result.usedNegativeReturn).toBe(0)
    expect(result.availableNegativeReturn).toBe(0)
    expect(result.desiredDeductions).toEqual(new Map())
    expect(result.indifferenceLimited).toBe(false)
  })

  it("a loss of 1000 kr gives no tax and a loss of 1000 to carry forward", () => {
    const result = ok({ initialAmount: -1000 })
    expect(result.yearAdjustedAmount).toBe(-1000)
    expect(result.taxableAmount).toBe(0)
    expect(result.fullTax).toBe(0)
    expect(result.taxWithDeductions).toBe(0)
    expect(result.taxToPay).toBe(0)
  })

  it("-1000 over 100 of 365 days truncates toward zero to -273", () => {
    const result = ok({ initialAmount: -1000, daysInYear: 365, taxableDaysInYear: 100 })
    expect(result.taxDaysAdjustFactor).toBe(100 / 365)
    expect(result.yearAdjustedAmount).toBe(-273)
    expect(result.taxableAmount).toBe(0)
  })
})

describe("Calculation.perform: defaults and outputs", () => {
  it("uses the defaults of §3.3 and echoes the inputs", () => {
    const result = ok({ initialAmount: 2000 })
    expect(result).toEqual({
      initialAmount: 2000,
      daysInYear: 365,
      taxableDaysInYear: 365,
      foreignPaidAmount: 0,
      preliminaryPayment: 0,
      adjustForDaysInYear: true,
      pensionCompanyPays: false,
      taxDaysAdjustFactor: 1,
      yearAdjustedAmount: 2000,
      availableNegativeReturn: 0,
      usedNegativeReturn: 0,
      taxableAmount: 2000,
      desiredDeductions: new Map(),
      fullTax: 306,
      taxWithDeductions: 306,
      taxToPay: 306,
      indifferenceLimited: false
    })
  })

  it("truncates a fractional initial amount toward zero before anything else", () => {
    expect(ok({ initialAmount: 1000.9 }).initialAmount).toBe(1000)
    expect(ok({ initialAmount: 1000.9 }).fullTax).toBe(153)
    expect(ok({ initialAmount: -1000.9 }).yearAdjustedAmount).toBe(-1000)
  })

  it("floors the tax: 999 kr gives 152 (152.847)", () => {
    expect(ok({ initialAmount: 999 }).fullTax).toBe(152)
    expect(ok({ initialAmount: 6 }).fullTax).toBe(0)
    expect(ok({ initialAmount: 7 }).fullTax).toBe(1)
  })

  it("computes the day factor first: 365 kr over 3 of 365 days is 2, not 3", () => {
    // 3 / 365 * 365 = 2.9999999999999996 in doubles; (365 * 3) / 365 would be exactly 3
    expect(ok({ initialAmount: 365, taxableDaysInYear: 3 }).yearAdjustedAmount).toBe(2)
    expect(ok({ initialAmount: -365, taxableDaysInYear: 3 }).yearAdjustedAmount).toBe(-2)
    expect(ok({ initialAmount: 3294, daysInYear: 366, taxableDaysInYear: 13 }).yearAdjustedAmount).toBe(116)
  })

  it("leap years: half of 366 days halves the amount, truncating toward zero both ways", () => {
    const plus = ok({ initialAmount: 1001, daysInYear: 366, taxableDaysInYear: 183 })
    expect(plus.taxDaysAdjustFactor).toBe(0.5)
    expect(plus.yearAdjustedAmount).toBe(500)
    expect(ok({ initialAmount: -1001, daysInYear: 366, taxableDaysInYear: 183 }).yearAdjustedAmount).toBe(-500)
    expect(ok({ initialAmount: 1000, daysInYear: 366, taxableDaysInYear: 366 }).yearAdjustedAmount).toBe(1000)
  })

  it("zero days: nothing taxable, and a loss becomes 0 (never -0)", () => {
    const result = ok({ initialAmount: -1000, taxableDaysInYear: 0 })
    expect(result.taxDaysAdjustFactor).toBe(0)
    assert.isTrue(Object.is(result.yearAdjustedAmount, 0))
    expect(ok({ initialAmount: 5000, taxableDaysInYear: 0 }).fullTax).toBe(0)
  })

  it("small losses truncate to 0, not -0", () => {
    assert.isTrue(Object.is(ok({ initialAmount: -1, taxableDaysInYear: 100 }).yearAdjustedAmount, 0))
    assert.isTrue(Object.is(ok({ initialAmount: -0.5 }).initialAmount, 0))
  })

  it("without day adjustment the factor is 1 whatever the days", () => {
    const result = ok({ initialAmount: 1000, taxableDaysInYear: 100, adjustForDaysInYear: false })
    expect(result.taxDaysAdjustFactor).toBe(1)
    expect(result.yearAdjustedAmount).toBe(1000)
    expect(result.fullTax).toBe(153)
  })
})

describe("Calculation.perform: loss deductions", () => {
  it("takes losses oldest first, whatever the map's insertion order, and stops when nothing is left", () => {
    const result = ok({
      initialAmount: 600,
      availableDeductions: years([
        [2019, 500],
        [2018, 300],
        [2020, 50]
      ])
    })
    expect([...result.desiredDeductions]).toEqual([
      [2018, 300],
      [2019, 300]
    ])
    expect(result.usedNegativeReturn).toBe(600)
    expect(result.taxableAmount).toBe(0)
    expect(result.availableNegativeReturn).toBe(850)
    expect(result.fullTax).toBe(0)
  })

  it("uses every loss when they are smaller than the amount", () => {
    const result = ok({
      initialAmount: 1000,
      availableDeductions: years([
        [2015, 100],
        [2016, 0],
        [2017, 250]
      ])
    })
    expect([...result.desiredDeductions]).toEqual([
      [2015, 100],
      [2017, 250]
    ])
    expect(result.usedNegativeReturn).toBe(350)
    expect(result.taxableAmount).toBe(650)
    expect(result.fullTax).toBe(99)
    expect(result.taxToPay).toBe(0)
  })

  it("deducts from the day-adjusted amount, not the initial one", () => {
    const result = ok({ initialAmount: 1000, taxableDaysInYear: 73, availableDeductions: years([[2020, 150]]) })
    expect(result.yearAdjustedAmount).toBe(200)
    expect(result.usedNegativeReturn).toBe(150)
    expect(result.taxableAmount).toBe(50)
    expect(result.fullTax).toBe(7)
  })

  it("a loss year uses nothing but still reports the whole pool as available", () => {
    const result = ok({
      initialAmount: -500,
      availableDeductions: years([
        [2020, 150],
        [2021, 20]
      ])
    })
    expect(result.desiredDeductions).toEqual(new Map())
    expect(result.usedNegativeReturn).toBe(0)
    expect(result.availableNegativeReturn).toBe(170)
  })
})

describe("Calculation.perform: foreign tax, prepayment, company payment and indifference", () => {
  it("deducts foreign tax and the preliminary payment after the rate", () => {
    const result = ok({ initialAmount: 10000, foreignPaidAmount: 300, preliminaryPayment: 200 })
    expect(result.fullTax).toBe(1530)
    expect(result.taxWithDeductions).toBe(1030)
    expect(result.taxToPay).toBe(1030)
  })

  it("never lets foreign tax or prepayment make the tax negative", () => {
    const result = ok({ initialAmount: 1000, foreignPaidAmount: 5000, preliminaryPayment: 5000 })
    expect(result.fullTax).toBe(153)
    expect(result.taxWithDeductions).toBe(0)
    expect(result.taxToPay).toBe(0)
  })

  it("a negative preliminary payment counts as 0", () => {
    expect(ok({ initialAmount: 1000, preliminaryPayment: -500 }).taxWithDeductions).toBe(153)
  })

  it("exactly L is paid, L - 1 is not (strict indifference)", () => {
    // floor(654 * 0.153) = 100, floor(653 * 0.153) = 99
    const atLimit = ok({ initialAmount: 654 })
    expect(atLimit.taxWithDeductions).toBe(100)
    expect(atLimit.taxToPay).toBe(100)
    expect(atLimit.indifferenceLimited).toBe(false)
    const below = ok({ initialAmount: 653 })
    expect(below.taxWithDeductions).toBe(99)
    expect(below.taxToPay).toBe(0)
    expect(below.indifferenceLimited).toBe(true)
  })

  it("takes the indifference limit as a parameter", () => {
    expect(ok({ initialAmount: 653 }, { indifferenceLimit: 99 }).taxToPay).toBe(99)
    expect(ok({ initialAmount: 654 }, { indifferenceLimit: 101 }).taxToPay).toBe(0)
    expect(ok({ initialAmount: 654 }, { indifferenceLimit: 101 }).indifferenceLimited).toBe(true)
  })

  it("nothing to pay when the pension company pays, but the tax is still computed", () => {
    const result = ok({ initialAmount: 10000, pensionCompanyPays: true })
    expect(result.taxWithDeductions).toBe(1530)
    expect(result.taxToPay).toBe(0)
    expect(result.indifferenceLimited).toBe(false)
  })
})

describe("Calculation.perform: validation (exact messages, in the spec's order)", () => {
  const cases: ReadonlyArray<readonly [string, Calculation.CalculationInput, string]> = [
    ["days 364", { initialAmount: 1, daysInYear: 364, taxableDaysInYear: 1 }, "Days in year must be either 365 or 366"],
    ["days 367", { initialAmount: 1, daysInYear: 367, taxableDaysInYear: 1 }, "Days in year must be either 365 or 366"],
    ["negative days", { initialAmount: 1, taxableDaysInYear: -1 }, "Taxable days must be zero or higher"],
    ["366 of 365", { initialAmount: 1, taxableDaysInYear: 366 }, "More taxable days than days in year"],
    ["null amount", { initialAmount: null }, "Initial amount is not set"],
    ["no amount", {}, "Initial amount is not set"],
    [
      "negative deduction",
      {
        initialAmount: 1,
        availableDeductions: years([
          [2020, 5],
          [2021, -1]
        ])
      },
      "Negative return should be specified using a positive number"
    ],
    ["negative foreign", { initialAmount: 1, foreignPaidAmount: -1 }, "Foreign paid amount must be zero or higher"]
  ]
  for (const [name, input, message] of cases) {
    it(`${name}: "${message}"`, () => {
      const error = failure(input)
      assert.instanceOf(error, CalculationInputError)
      expect(error._tag).toBe("CalculationInputError")
      expect(error.message).toBe(message)
    })
  }

  it("reports the first failing rule when several fail", () => {
    const all = {
      initialAmount: null,
      daysInYear: 300,
      taxableDaysInYear: -1,
      availableDeductions: years([[2020, -1]]),
      foreignPaidAmount: -1
    }
    expect(failure(all).reason).toBe("days-in-year")
    expect(failure({ ...all, daysInYear: 365 }).reason).toBe("negative-taxable-days")
    expect(failure({ ...all, daysInYear: 365, taxableDaysInYear: 400 }).reason).toBe("too-many-taxable-days")
    expect(failure({ ...all, daysInYear: 365, taxableDaysInYear: 10 }).reason).toBe("initial-amount-missing")
    expect(failure({ ...all, daysInYear: 365, taxableDaysInYear: 10, initialAmount: 5 }).reason).toBe(
      "negative-deduction"
    )
    expect(
      failure({ ...all, daysInYear: 365, taxableDaysInYear: 10, initialAmount: 5, availableDeductions: years([]) })
        .message
    ).toBe("Foreign paid amount must be zero or higher")
  })

  it("performOrThrow returns the result or throws the tagged error", () => {
    expect(Calculation.performOrThrow({ initialAmount: 1000 }).taxToPay).toBe(153)
    expect(() => Calculation.performOrThrow({ initialAmount: 1, foreignPaidAmount: -1 })).toThrow(
      "Foreign paid amount must be zero or higher"
    )
  })

  it("366 taxable days are fine in a leap year, and 0 days are valid", () => {
    expect(ok({ initialAmount: 10, daysInYear: 366, taxableDaysInYear: 366 }).yearAdjustedAmount).toBe(10)
    expect(ok({ initialAmount: 10, taxableDaysInYear: 0 }).yearAdjustedAmount).toBe(0)
    expect(ok({ initialAmount: 0 }).fullTax).toBe(0)
  })
})

const inputArbitrary = fc
  .record({
    initialAmount: fc.oneof(
      fc.integer({ min: -5_000_000, max: 5_000_000 }),
      fc.double({ min: -1e9, max: 1e9, noNaN: true })
    ),
    daysInYear: fc.constantFrom(365, 366),
    dayShare: fc.double({ min: 0, max: 1, noNaN: true }),
    deductions: fc.array(fc.tuple(fc.integer({ min: 2000, max: 2040 }), fc.integer({ min: 0, max: 2_000_000 })), {
      maxLength: 12
    }),
    foreignPaidAmount: fc.integer({ min: 0, max: 100_000 }),
    preliminaryPayment: fc.integer({ min: -100_000, max: 100_000 }),
    adjustForDaysInYear: fc.boolean(),
    pensionCompanyPays: fc.boolean()
  })
  .map(({ dayShare, deductions, ...rest }) => ({
    ...rest,
    taxableDaysInYear: Math.round(dayShare * rest.daysInYear),
    availableDeductions: new Map(deductions)
  }))

describe("Calculation.perform: properties", () => {
  it("the tax is never negative and never more than the full tax", () => {
    fc.assert(
      fc.property(inputArbitrary, (input) => {
        const result = ok(input)
        return (
          result.fullTax >= 0 &&
          result.taxWithDeductions >= 0 &&
          result.taxToPay >= 0 &&
          result.taxWithDeductions <= result.fullTax &&
          result.taxToPay <= result.taxWithDeductions
        )
      })
    )
  })

  it("taxable ≤ max(0, year-adjusted) and taxable + used = max(0, year-adjusted)", () => {
    fc.assert(
      fc.property(inputArbitrary, (input) => {
        const result = ok(input)
        const ceiling = Math.max(0, result.yearAdjustedAmount)
        return result.taxableAmount <= ceiling && result.taxableAmount + result.usedNegativeReturn === ceiling
      })
    )
  })

  it("used deductions never exceed what is available per year, in total, nor the taxable amount", () => {
    fc.assert(
      fc.property(inputArbitrary, (input) => {
        const result = ok(input)
        let total = 0
        for (const [year, used] of result.desiredDeductions) {
          const available = input.availableDeductions.get(year) ?? 0
          if (!(used > 0 && used <= available)) return false
          total += used
        }
        return (
          total === result.usedNegativeReturn &&
          total <= result.availableNegativeReturn &&
          total <= Math.max(0, result.yearAdjustedAmount)
        )
      })
    )
  })

  it("deductions are taken oldest first: an older year is used up before a newer one is touched", () => {
    fc.assert(
      fc.property(inputArbitrary, (input) => {
        const result = ok(input)
        const usedYears = [...result.desiredDeductions.keys()]
        if (usedYears.length === 0) return true
        const newest = Math.max(...usedYears)
        for (const [year, available] of input.availableDeductions) {
          if (year < newest && (result.desiredDeductions.get(year) ?? 0) !== available) return false
        }
        return usedYears.every((year, i) => i === 0 || usedYears[i - 1] < year)
      })
    )
  })

  it("the tax is floor(taxable × 0.153) and what is paid is the tax with deductions or 0", () => {
    fc.assert(
      fc.property(inputArbitrary, (input) => {
        const result = ok(input)
        const expectedPay = input.pensionCompanyPays || result.taxWithDeductions < 100 ? 0 : result.taxWithDeductions
        return result.fullTax === Math.floor(result.taxableAmount * 0.153) && result.taxToPay === expectedPay
      })
    )
  })

  it("equal inputs give identical results", () => {
    fc.assert(
      fc.property(inputArbitrary, (input) => {
        const copy = { ...input, availableDeductions: new Map([...input.availableDeductions].reverse()) }
        expect(ok(copy)).toEqual(ok(input))
        expect(ok(input)).toEqual(ok(input))
      })
    )
  })

  it("results are whole kroner", () => {
    fc.assert(
      fc.property(inputArbitrary, (input) => {
        const result = ok(input)
        return [result.yearAdjustedAmount, result.taxableAmount, result.fullTax, result.taxWithDeductions].every(
          Number.isInteger
        )
      })
    )
  })
})
