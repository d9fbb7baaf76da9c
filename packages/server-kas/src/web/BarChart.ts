/**
 * A grouped bar chart laid out on the server (statistics, staff-web.md §4): the view draws it as SVG from this
 * geometry, so the page needs no chart script and no CDN. Pure: numbers in, coordinates and labels out.
 */

/** One series (a colour in the legend): its label and one value per category. */
export interface ChartSeries {
  readonly label: string
  readonly values: ReadonlyArray<number>
}

/** What to draw: the categories along the x axis (e.g. years) and the series of bars in each. */
export interface ChartInput {
  readonly categories: ReadonlyArray<string>
  readonly series: ReadonlyArray<ChartSeries>
  /** How a value is written on the axis and in a bar's tooltip. */
  readonly format: (n: number) => string
  readonly width?: number
  readonly height?: number
}

/** A bar: its rectangle, its series (0-based, for the colour) and the text of its tooltip. */
export interface ChartBar {
  readonly x: number
  readonly y: number
  readonly width: number
  readonly height: number
  readonly series: number
  readonly tooltip: string
}

/** The laid-out chart. */
export interface ChartLayout {
  readonly width: number
  readonly height: number
  /** The plot area inside the axes. */
  readonly plot: { readonly left: number; readonly top: number; readonly right: number; readonly bottom: number }
  readonly bars: ReadonlyArray<ChartBar>
  /** Horizontal grid lines with their value labels, from 0 up. */
  readonly ticks: ReadonlyArray<{ readonly y: number; readonly label: string }>
  /** The category labels under the x axis, centred on their group. */
  readonly categories: ReadonlyArray<{ readonly x: number; readonly label: string }>
  readonly legend: ReadonlyArray<{
    readonly x: number
    readonly y: number
    readonly label: string
    readonly series: number
  }>
}

/** The smallest "nice" step (1, 2 or 5 × 10^k) that divides `max` into at most `count` intervals. */
export const niceStep = (max: number, count: number): number => {
  if (max <= 0) return 1
  const raw = max / count
  const power = 10 ** Math.floor(Math.log10(raw))
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power
  return Math.max(1, step)
}

/** Lays out a grouped bar chart: the y axis from 0 to a nice maximum, one group of bars per category. */
export const layoutBarChart = (input: ChartInput): ChartLayout => {
  const width = input.width ?? 720
  const height = input.height ?? 300
  const plot = { left: 80, top: 36, right: width - 16, bottom: height - 32 }
  const max = Math.max(0, ...input.series.flatMap((s) => s.values))
  const step = niceStep(max, 5)
  const top = Math.max(step, Math.ceil(max / step) * step)
  const yOf = (v: number) => plot.bottom - ((plot.bottom - plot.top) * v) / top
  const ticks = Array.from({ length: Math.round(top / step) + 1 }, (_, i) => ({
    y: yOf(i * step),
    label: input.format(i * step)
  }))
  const groups = Math.max(1, input.categories.length)
  const groupWidth = (plot.right - plot.left) / groups
  const seriesCount = Math.max(1, input.series.length)
  const barWidth = Math.min(48, (groupWidth * 0.8) / seriesCount)
  const bars = input.categories.flatMap((category, g) => {
    const start = plot.left + g * groupWidth + (groupWidth - barWidth * seriesCount) / 2
    return input.series.map((s, i): ChartBar => {
      const value = s.values[g] ?? 0
      const y = yOf(value)
      return {
        x: start + i * barWidth,
        y,
        width: barWidth,
        height: plot.bottom - y,
        series: i,
        tooltip: `${category}: ${input.format(value)} ${s.label.toLowerCase()}`
      }
    })
  })
  return {
    width,
    height,
    plot,
    bars,
    ticks,
    categories: input.categories.map((label, g) => ({ x: plot.left + (g + 0.5) * groupWidth, label })),
    legend: input.series.map((s, i) => ({ x: plot.left + i * 140, y: 14, label: s.label, series: i }))
  }
}
