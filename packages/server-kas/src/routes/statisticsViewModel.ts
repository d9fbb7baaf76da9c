import { type YearCounts, YearStatistics } from "@kas/core"
import { EskatRowCounts, type YearRowCounts } from "@kas/eskat"
import { Effect } from "effect"
import { type ChartLayout, layoutBarChart } from "../web/BarChart.js"
import type { Format } from "../web/Format.js"
import { queryString } from "../web/Paging.js"

/** Statistics (staff-web.md §4): what the page loads and the view built from it. */

/** The counts of the page: per tax year from the domain, per year from the eSkat tables. */
export interface StatisticsData {
  readonly years: ReadonlyArray<YearCounts>
  readonly sources: ReadonlyArray<YearRowCounts>
  /** Outside production the mock tables' counts are shown too. */
  readonly mock: boolean
}

/** Loads the counts (`mock`: also count the mock tables). */
export const loadStatistics = (mock: boolean) =>
  Effect.gen(function* () {
    const [years, sources] = yield* Effect.all([
      Effect.flatMap(YearStatistics, (s) => s.perYear()),
      Effect.flatMap(EskatRowCounts, (s) => s.perYear({ mock }))
    ])
    return { years, sources, mock } satisfies StatisticsData
  })

/** A row of the table: its label and one formatted value per year (a group heading has no values). */
export interface StatisticsRow {
  readonly label: string
  readonly values: ReadonlyArray<string>
  readonly group?: boolean
}

/** The page's view: the table (years as columns, each linking to the search of that year) and the chart. */
export const statisticsView = (data: StatisticsData, fmt: Format) => {
  const years = data.years.map((y) => y.year)
  const source = new Map(data.sources.map((s) => [s.year, s]))
  const of = (pick: (s: YearRowCounts) => number) => years.map((y) => fmt.kroner(pick(source.get(y) ?? empty(y))))
  const rows: Array<StatisticsRow> = [
    { label: "Personer", values: data.years.map((y) => fmt.kroner(y.personYears)) },
    { label: "Policer", values: data.years.map((y) => fmt.kroner(y.policies)) },
    { label: "Kildedata", values: [], group: true },
    { label: "Mandtal", values: of((s) => s.census) },
    { label: "R75", values: of((s) => s.r75) }
  ]
  if (data.mock) {
    rows.push(
      { label: "Mockup data", values: [], group: true },
      { label: "Mandtal", values: of((s) => s.mockCensus) },
      { label: "R75", values: of((s) => s.mockR75) }
    )
  }
  const chart: ChartLayout | undefined =
    years.length === 0
      ? undefined
      : layoutBarChart({
          categories: years.map(String),
          series: [
            { label: "Personer", values: data.years.map((y) => y.personYears) },
            { label: "Policer", values: data.years.map((y) => y.policies) }
          ],
          format: fmt.kroner
        })
  const summary = data.years
    .map((y) => `${y.year}: ${fmt.kroner(y.personYears)} personer og ${fmt.kroner(y.policies)} policer`)
    .join("; ")
  return {
    title: "Statistik",
    years: years.map((y) => ({ year: y, href: `/${queryString({ year: y })}` })),
    rows,
    chart,
    chartTitle: "Personer og policer pr. skatteår",
    chartDescription: `Søjlediagram over antal personer og policer pr. skatteår. ${summary}.`,
    colours: ["#0b5ed7", "#146c43"]
  }
}

const empty = (year: number): YearRowCounts => ({ year, census: 0, r75: 0, mockCensus: 0, mockR75: 0 })
