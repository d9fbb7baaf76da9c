import { describe, expect, it } from "vitest"
import { layoutBarChart, niceStep } from "../../src/web/BarChart.js"

describe("BarChart", () => {
  it("picks nice axis steps (1, 2 or 5 × 10^k)", () => {
    expect(niceStep(27, 5)).toBe(10)
    expect(niceStep(60_000, 5)).toBe(20_000)
    expect(niceStep(180_000, 5)).toBe(50_000)
    expect(niceStep(4, 5)).toBe(1)
    expect(niceStep(0, 5)).toBe(1)
  })

  it("lays out one group per category, bars in proportion to their values, inside the plot", () => {
    const chart = layoutBarChart({
      categories: ["2020", "2021", "2022"],
      series: [
        { label: "Personer", values: [60_000, 30_000, 0] },
        { label: "Policer", values: [120_000, 15_000, 5] }
      ],
      format: String
    })
    expect(chart.bars).toHaveLength(6)
    const [persons2020, policies2020, persons2021] = chart.bars
    expect(policies2020!.height / persons2020!.height).toBeCloseTo(2)
    expect(persons2020!.height / persons2021!.height).toBeCloseTo(2)
    expect(chart.bars[4]!.height).toBe(0)
    for (const b of chart.bars) {
      expect(b.x).toBeGreaterThanOrEqual(chart.plot.left)
      expect(b.x + b.width).toBeLessThanOrEqual(chart.plot.right)
      expect(b.y).toBeGreaterThanOrEqual(chart.plot.top)
      expect(b.y + b.height).toBeCloseTo(chart.plot.bottom)
    }
    // At most five intervals: 0 … 150 000 by 50 000; the tallest bar (120 000) reaches 4/5 of the plot.
    expect(chart.ticks.map((t) => t.label)).toEqual(["0", "50000", "100000", "150000"])
    expect(chart.ticks.at(-1)!.y).toBeCloseTo(chart.plot.top)
    expect((chart.plot.bottom - policies2020!.y) / (chart.plot.bottom - chart.plot.top)).toBeCloseTo(0.8)
    expect(chart.categories.map((c) => c.label)).toEqual(["2020", "2021", "2022"])
    expect(chart.bars[1]!.tooltip).toBe("2020: 120000 policer")
    expect(chart.legend.map((l) => l.label)).toEqual(["Personer", "Policer"])
  })
})
