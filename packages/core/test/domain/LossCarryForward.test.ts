import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import fc from "fast-check"
import { Calculation, LossCarryForward, LossMatrix } from "../../src/index.js"

type Year = LossCarryForward.LossYear
type Cell = LossCarryForward.LossCell

const year = (y: number, yearAdjustedAmount: number, active = true): Year => ({ year: y, yearAdjustedAmount, active })
const cell = (fromYear: number, toYear: number, value: number, isProtected = false): Cell => ({
  fromYear,
  toYear,
  value,
  protected: isProtected
})

describe("LossCarryForward.availableDeductions (§4.1)", () => {
  const years = [
    year(2010, -500),
    year(2012, -300),
    year(2013, -200, false),
    year(2015, 1000),
    year(2020, -100),
    year(2021, 700)
  ]
  const cells = [cell(2012, 2015, 250), cell(2012, 2021, 30), cell(2010, 2015, 0)]

  it("only active loss years of the last 10, minus what other years use; the year's own use is not subtracted", () => {
    const result = LossCarryForward.availableDeductions(years, cells, 2021)
    expect([...result.deductions]).toEqual([
      [2012, 50],
      [2020, 100]
    ])
    expect(result.overUsedLossYears).toEqual([])
  })

  it("a loss of year X reaches X+10 but not X+11", () => {
    expect([...LossCarryForward.availableDeductions(years, cells, 2020).deductions]).toEqual([
      [2010, 500],
      [2012, 20]
    ])
    expect(LossCarryForward.availableDeductions(years, cells, 2021).deductions.has(2010)).toBe(false)
  })

  it("an inactive loss year gives nothing; a year gets nothing from itself or later years", () => {
    expect(LossCarryForward.availableDeductions(years, cells, 2014).deductions.has(2013)).toBe(false)
    expect([...LossCarryForward.availableDeductions(years, cells, 2012).deductions]).toEqual([[2010, 500]])
  })

  it("a fully used loss is available with 0", () => {
    const years = [year(2015, -100), year(2016, 50)]
    const result = LossCarryForward.availableDeductions(years, [cell(2015, 2016, 100)], 2017)
    expect([...result.deductions]).toEqual([[2015, 0]])
  })

  it("reports loss years whose other uses exceed the loss instead of a negative amount", () => {
    const result = LossCarryForward.availableDeductions(years, [...cells, cell(2012, 2016, 100)], 2021)
    expect([...result.deductions]).toEqual([[2020, 100]])
    expect(result.overUsedLossYears).toEqual([2012])
  })
})

describe("LossCarryForward.resetCells (§4.2 step 1)", () => {
  it("sets the year's non-zero unprotected incoming cells to 0 with the reason", () => {
    const cells = [cell(2015, 2020, 100), cell(2016, 2020, 50, true), cell(2017, 2020, 0), cell(2015, 2019, 30)]
    expect(LossCarryForward.resetCells(cells, 2020, "R")).toEqual([
      { fromYear: 2015, toYear: 2020, value: 0, reason: "R" }
    ])
  })
})

describe("LossCarryForward.distributeProtected (§4.2 step 3)", () => {
  it("W > S: protected cells keep their value, the rest goes oldest first to the other years, capped", () => {
    const cells = [cell(2012, 2020, 50, true)]
    const available = new Map([
      [2014, 300],
      [2010, 100],
      [2012, 200]
    ])
    const result = LossCarryForward.distributeProtected({ forYear: 2020, wanted: 250, cells, available })
    expect([...result.usage]).toEqual([
      [2010, 100],
      [2012, 50],
      [2014, 100]
    ])
    expect(result.reductions).toEqual([])
    const capped = LossCarryForward.distributeProtected({ forYear: 2020, wanted: 1000, cells, available })
    expect([...capped.usage]).toEqual([
      [2010, 100],
      [2012, 50],
      [2014, 300]
    ])
  })

  it("W < S: protected cells shrink newest loss year first, with the exact reason", () => {
    const cells = [
      cell(2011, 2020, 100, true),
      cell(2013, 2020, 80, true),
      cell(2015, 2020, 60, true),
      cell(2014, 2021, 9, true)
    ]
    const result = LossCarryForward.distributeProtected({ forYear: 2020, wanted: 150, cells, available: new Map() })
    const reason = "automatisk rettelse for at undgå at det totale anvendte beløb er over 150"
    expect(result.reductions).toEqual([
      { fromYear: 2015, toYear: 2020, value: 0, reason },
      { fromYear: 2013, toYear: 2020, value: 50, reason }
    ])
    expect([...result.usage]).toEqual([
      [2011, 100],
      [2013, 50]
    ])
  })

  it("W = S: the protected cells are the whole usage, nothing goes elsewhere", () => {
    const cells = [cell(2011, 2020, 100, true), cell(2013, 2020, 80, true)]
    const result = LossCarryForward.distributeProtected({
      forYear: 2020,
      wanted: 180,
      cells,
      available: new Map([[2012, 500]])
    })
    expect([...result.usage]).toEqual([
      [2011, 100],
      [2013, 80]
    ])
    expect(result.reductions).toEqual([])
  })

  it("W = 0 reduces every protected cell to 0", () => {
    const cells = [cell(2011, 2020, 100, true)]
    const result = LossCarryForward.distributeProtected({ forYear: 2020, wanted: 0, cells, available: new Map() })
    expect(result.reductions.map((r) => [r.fromYear, r.value, r.reason])).toEqual([
      [2011, 0, "automatisk rettelse for at undgå at det totale anvendte beløb er over 0"]
    ])
    expect(result.usage.size).toBe(0)
  })
})

describe("LossCarryForward.useLoss (§4.2)", () => {
  const use = (lossYear: Year, cells: ReadonlyArray<Cell>, amount: number) =>
    LossCarryForward.useLoss({ lossYear, forYear: 2020, amount, cells, reason: "R" })

  it("uses nothing of a year without a loss or of a used-up loss", () => {
    expect(use(year(2015, 0), [], 50)).toEqual({ used: 0, write: undefined })
    const usedUp = [cell(2015, 2016, 60), cell(2015, 2017, 40)]
    expect(use(year(2015, -100), usedUp, 50)).toEqual({ used: 0, write: undefined })
  })

  it("uses up to what is left and creates or adds to the cell", () => {
    expect(use(year(2015, -100), [cell(2015, 2016, 70)], 50)).toEqual({
      used: 30,
      write: { fromYear: 2015, toYear: 2020, value: 30, reason: "R" }
    })
    expect(use(year(2015, -100), [cell(2015, 2016, 20), cell(2015, 2020, 10)], 50)).toEqual({
      used: 50,
      write: { fromYear: 2015, toYear: 2020, value: 60, reason: "R" }
    })
  })

  it("never writes a protected cell", () => {
    expect(use(year(2015, -100), [cell(2015, 2020, 10, true)], 50)).toEqual({ used: 50, write: undefined })
  })
})

describe("LossCarryForward.planRecalculation (§4.2) with Calculation.perform", () => {
  it("resets unprotected cells, keeps protected ones and puts the rest on the oldest loss", () => {
    const years = [year(2018, -1000), year(2019, -500), year(2020, 1200)]
    const cells = [cell(2018, 2020, 300), cell(2019, 2020, 200, true)]
    const { deductions } = LossCarryForward.availableDeductions(years, cells, 2020)
    const result = Either.getOrThrow(Calculation.perform({ initialAmount: 1200, availableDeductions: deductions }))
    expect(result.usedNegativeReturn).toBe(1200)
    const plan = LossCarryForward.planRecalculation({
      years,
      cells,
      forYear: 2020,
      wanted: result.usedNegativeReturn,
      reason: "Manuel rettelse"
    })
    expect(plan.writes).toEqual([
      { fromYear: 2018, toYear: 2020, value: 0, reason: "Manuel rettelse" },
      { fromYear: 2018, toYear: 2020, value: 1000, reason: "Manuel rettelse" }
    ])
    expect([...plan.usage]).toEqual([
      [2018, 1000],
      [2019, 200]
    ])
    expect(LossCarryForward.collapseWrites(cells, plan.writes)).toEqual([
      { fromYear: 2018, toYear: 2020, value: 1000, reason: "Manuel rettelse" }
    ])
  })

  it("a recalculation that changes nothing collapses to no writes", () => {
    const years = [year(2018, -1000), year(2020, 400)]
    const cells = [cell(2018, 2020, 400)]
    const plan = LossCarryForward.planRecalculation({ years, cells, forYear: 2020, wanted: 400, reason: "R" })
    expect(plan.writes.length).toBe(2)
    expect(LossCarryForward.collapseWrites(cells, plan.writes)).toEqual([])
  })

  it("losses used by another year are not available again", () => {
    const years = [year(2018, -1000), year(2019, 700), year(2020, 900)]
    const cells = [cell(2018, 2019, 700)]
    const { deductions } = LossCarryForward.availableDeductions(years, cells, 2020)
    expect([...deductions]).toEqual([[2018, 300]])
    const plan = LossCarryForward.planRecalculation({ years, cells, forYear: 2020, wanted: 300, reason: "R" })
    expect(plan.cells).toEqual([cell(2018, 2019, 700), cell(2018, 2020, 300)])
  })
})

describe("LossCarryForward.capAtColumn (§4.2 step 6)", () => {
  const cap = (initialAmount: number, cells: ReadonlyArray<Cell>, years: ReadonlyArray<Year>) => {
    const { deductions } = LossCarryForward.availableDeductions(years, cells, 2020)
    const input = { initialAmount, availableDeductions: deductions }
    const result = Either.getOrThrow(Calculation.perform(input))
    const wanted = result.usedNegativeReturn
    const plan = LossCarryForward.planRecalculation({ years, cells, forYear: 2020, wanted, reason: "R" })
    return { result, capped: LossCarryForward.capAtColumn({ input, result, cells: plan.cells, forYear: 2020 }) }
  }

  it("a protected cell below its loss: the year deducts what its column records, taxed on the rest", () => {
    const years = [year(2018, -1000), year(2019, -1000), year(2020, 10_000)]
    const { capped, result } = cap(10_000, [cell(2019, 2020, 800, true)], years)
    expect(result.usedNegativeReturn).toBe(2000)
    expect(capped.usedNegativeReturn).toBe(1800)
    expect([...capped.desiredDeductions]).toEqual([
      [2018, 1000],
      [2019, 800]
    ])
    expect([capped.taxableAmount, capped.fullTax, capped.taxWithDeductions]).toEqual([8200, 1254, 1254])
    // The pool of §4.1 is still what was available, not the column.
    expect(capped.availableNegativeReturn).toBe(2000)
  })

  it("a column that records the whole deduction leaves the calculation as it was", () => {
    const years = [year(2018, -1000), year(2019, -1000), year(2020, 1500)]
    const { capped, result } = cap(1500, [cell(2019, 2020, 500, true)], years)
    expect(capped).toBe(result)
    const cells = [cell(2018, 2020, 1000), cell(2019, 2020, 500, true), cell(2018, 2019, 7), cell(2017, 2020, 0)]
    expect([...LossCarryForward.columnOf(cells, 2020)]).toEqual([
      [2018, 1000],
      [2019, 500]
    ])
  })
})

describe("LossCarryForward.overUseCorrection (§4.3)", () => {
  const cells = [cell(2015, 2016, 300, true), cell(2015, 2017, 200), cell(2015, 2018, 150), cell(2014, 2016, 5)]
  const reason = "automatisk rettelse for at undgå at det totale resterende beløb falder under 0"

  it("reduces unprotected cells first, in ascending later year", () => {
    const result = LossCarryForward.overUseCorrection([year(2014, -5), year(2015, -500)], cells)
    expect(result.writes).toEqual([{ fromYear: 2015, toYear: 2017, value: 50, reason }])
    expect(result.recalculate).toEqual([2017])
  })

  it("then protected cells, and lists every touched later year oldest first", () => {
    const result = LossCarryForward.overUseCorrection([year(2014, -5), year(2015, -250)], cells)
    expect(result.writes).toEqual([
      { fromYear: 2015, toYear: 2017, value: 0, reason },
      { fromYear: 2015, toYear: 2018, value: 0, reason },
      { fromYear: 2015, toYear: 2016, value: 250, reason }
    ])
    expect(result.recalculate).toEqual([2016, 2017, 2018])
  })

  it("can be limited to the loss years §4.1 reported", () => {
    const years = [year(2014, -1), year(2015, -500)]
    expect(LossCarryForward.overUseCorrection(years, cells, { onlyLossYears: [2015] }).writes).toEqual([
      { fromYear: 2015, toYear: 2017, value: 50, reason }
    ])
    expect(LossCarryForward.overUseCorrection(years, cells, { onlyLossYears: [2014] }).writes).toEqual([
      { fromYear: 2014, toYear: 2016, value: 1, reason }
    ])
  })

  it("a loss that became a gain frees every cell; an intact loss is left alone", () => {
    const result = LossCarryForward.overUseCorrection([year(2014, -5), year(2015, 100)], cells)
    expect(result.writes.map((w) => [w.toYear, w.value])).toEqual([
      [2017, 0],
      [2018, 0],
      [2016, 0]
    ])
    expect(LossCarryForward.overUseCorrection([year(2014, -5), year(2015, -650)], cells)).toEqual({
      writes: [],
      recalculate: []
    })
  })
})

describe("LossMatrix.build (§4.4)", () => {
  const years: ReadonlyArray<LossMatrix.MatrixYear> = [
    { ...year(2018, -1000), baseAmount: -1000 },
    { ...year(2019, -200), baseAmount: -200 },
    { ...year(2020, 500), baseAmount: 500 },
    { ...year(2021, 800), baseAmount: 900 },
    { ...year(2022, 300, false), baseAmount: 300 }
  ]
  const cells = [cell(2018, 2020, 400), cell(2019, 2020, 100, true), cell(2018, 2021, 300), cell(2018, 2022, 50)]

  it("computes available, remaining, used_total, used_max and the limits", () => {
    const matrix = LossMatrix.build(years, cells, 2021)
    expect(matrix.columns).toEqual([
      { year: 2018, usedTotal: 0, usedMax: 0 },
      { year: 2019, usedTotal: 0, usedMax: 0 },
      { year: 2020, usedTotal: 500, usedMax: 500 },
      { year: 2021, usedTotal: 300, usedMax: 900 }
    ])
    expect(matrix.rows.map((r) => [r.year, r.available, r.remaining])).toEqual([
      [2018, 1000, 300],
      [2019, 200, 100],
      [2020, 0, 0],
      [2021, 0, 0]
    ])
    const row2018 = matrix.rows[0].cells
    expect(row2018.map((c) => [c.toYear, c.value, c.limit, c.editable])).toEqual([
      [2018, null, 0, false],
      [2019, 0, 0, false],
      [2020, 400, 400, true],
      [2021, 300, 600, true]
    ])
    const row2019 = matrix.rows[1].cells
    expect(row2019.map((c) => [c.toYear, c.value, c.limit, c.editable, c.protected])).toEqual([
      [2018, null, 0, false, false],
      [2019, null, 0, false, false],
      [2020, 100, 100, true, true],
      [2021, 0, 100, true, false]
    ])
    expect(matrix.rows[2].cells[3]).toEqual({ toYear: 2021, value: 0, protected: false, limit: 0, editable: false })
    expect(LossMatrix.limitOf(matrix, 2018, 2021)).toBe(600)
    expect(LossMatrix.limitOf(matrix, 2020, 2018)).toBeUndefined()
  })

  it("a view of an earlier year leaves later years out of the sums", () => {
    const matrix = LossMatrix.build(years, cells, 2020)
    expect(matrix.rows.map((r) => [r.year, r.remaining])).toEqual([
      [2018, 600],
      [2019, 100],
      [2020, 0]
    ])
    expect(LossMatrix.limitOf(matrix, 2018, 2020)).toBe(400)
  })

  it("a cell beyond the 10-year window is never editable", () => {
    const later = { ...year(2016, 500), baseAmount: 500 }
    const matrix = LossMatrix.build([{ ...year(2005, -100), baseAmount: -100 }, later], [], 2016)
    expect(matrix.rows[0].cells[1]).toEqual({ toYear: 2016, value: 0, protected: false, limit: 100, editable: false })
    const inside = LossMatrix.build([{ ...year(2006, -100), baseAmount: -100 }, later], [], 2016)
    expect(inside.rows[0].cells[1].editable).toBe(true)
  })
})

const yearsArbitrary = fc
  .array(fc.record({ yearAdjustedAmount: fc.integer({ min: -2000, max: 2000 }), active: fc.boolean() }), {
    minLength: 2,
    maxLength: 14
  })
  .map((list) => list.map((y, i) => ({ ...y, year: 2010 + i })))

const cellsArbitrary = (count: number) =>
  fc
    .array(
      fc.record({
        fromIndex: fc.integer({ min: 0, max: count - 1 }),
        gap: fc.integer({ min: 1, max: 10 }),
        value: fc.integer({ min: 0, max: 1500 }),
        protected: fc.boolean()
      }),
      { maxLength: 20 }
    )
    .map((list) => {
      const seen = new Set<string>()
      const cells: Array<Cell> = []
      for (const c of list) {
        const fromYear = 2010 + c.fromIndex
        const toYear = fromYear + c.gap
        if (toYear >= 2010 + count || seen.has(`${fromYear}:${toYear}`)) continue
        seen.add(`${fromYear}:${toYear}`)
        cells.push({ fromYear, toYear, value: c.value, protected: c.protected })
      }
      return cells
    })

const policyArbitrary = yearsArbitrary.chain((years) => fc.tuple(fc.constant(years), cellsArbitrary(years.length)))

const total = (cells: ReadonlyArray<Cell>) => cells.reduce((s, c) => s + c.value, 0)

const overUsed = (years: ReadonlyArray<Year>, cells: ReadonlyArray<Cell>) =>
  years.filter((x) => total(cells.filter((c) => c.fromYear === x.year)) > LossCarryForward.lossOf(x))

describe("LossCarryForward: properties", () => {
  it("over-use correction leaves no loss over-used and only ever lowers cells", () => {
    fc.assert(
      fc.property(policyArbitrary, ([years, cells]) => {
        const { recalculate, writes } = LossCarryForward.overUseCorrection(years, cells)
        const after = LossCarryForward.applyWrites(cells, writes)
        expect(overUsed(years, after)).toEqual([])
        for (const w of writes) {
          const before = cells.find((c) => c.fromYear === w.fromYear && c.toYear === w.toYear)
          expect(before !== undefined && w.value >= 0 && w.value < before.value).toBe(true)
        }
        expect(recalculate).toEqual([...new Set(writes.map((w) => w.toYear))].sort((a, b) => a - b))
      })
    )
  })

  it("a recalculation never over-uses a loss, uses no more than the calculation wanted and deducts its column", () => {
    fc.assert(
      fc.property(policyArbitrary, fc.integer({ min: 0, max: 3000 }), ([years, raw], base) => {
        const cells = LossCarryForward.applyWrites(raw, LossCarryForward.overUseCorrection(years, raw).writes)
        const forYear = years[years.length - 1].year
        const { deductions, overUsedLossYears } = LossCarryForward.availableDeductions(years, cells, forYear)
        expect(overUsedLossYears).toEqual([])
        const result = Either.getOrThrow(Calculation.perform({ initialAmount: base, availableDeductions: deductions }))
        const plan = LossCarryForward.planRecalculation({
          years,
          cells,
          forYear,
          wanted: result.usedNegativeReturn,
          reason: "R"
        })
        expect(overUsed(years, plan.cells)).toEqual([])
        const intoYear = total(plan.cells.filter((c) => c.toYear === forYear))
        // §4.2 step 6: after the cap the year deducts exactly its column, and is taxed on the rest.
        const input = { initialAmount: base, availableDeductions: deductions }
        const capped = LossCarryForward.capAtColumn({ input, result, cells: plan.cells, forYear })
        expect(capped.usedNegativeReturn).toBe(intoYear)
        expect(capped.taxableAmount).toBe(Math.max(0, base) - intoYear)
        const protectedBefore = total(cells.filter((c) => c.toYear === forYear && c.protected))
        expect(intoYear).toBeLessThanOrEqual(Math.max(result.usedNegativeReturn, protectedBefore))
        // §4.2: a loss year with a protected cell into P (even one of 0) gives nothing beyond that cell, so only
        // without any protected cell must the whole wanted amount land on P.
        if (!cells.some((c) => c.toYear === forYear && c.protected)) expect(intoYear).toBe(result.usedNegativeReturn)
        for (const c of plan.cells) expect(c.value).toBeGreaterThanOrEqual(0)
      }),
      {
        // Found by CI: a protected cell of 0 from 2015 keeps 2015's loss off 2017, so 11 of the wanted 12 land on it.
        examples: [
          [
            [
              [
                { yearAdjustedAmount: 1996, active: true, year: 2010 },
                { yearAdjustedAmount: -10, active: true, year: 2011 },
                { yearAdjustedAmount: 853, active: true, year: 2012 },
                { yearAdjustedAmount: -1837, active: false, year: 2013 },
                { yearAdjustedAmount: -1, active: true, year: 2014 },
                { yearAdjustedAmount: -1393, active: true, year: 2015 },
                { yearAdjustedAmount: 1263, active: true, year: 2016 },
                { yearAdjustedAmount: 3, active: false, year: 2017 }
              ],
              [{ fromYear: 2015, toYear: 2017, value: 0, protected: true }]
            ],
            12
          ]
        ]
      }
    )
  })
})
