import { SqlClient } from "@effect/sql"
import { Effect } from "effect"

/** The counts of one tax year on the statistics page (staff-web.md §4). */
export interface YearCounts {
  readonly taxYearId: number
  readonly year: number
  /** "Personer": the person-years of the year. */
  readonly personYears: number
  /** "Policer": every policy-year of the year, inactive ones included. */
  readonly policies: number
}

/** Statistics (staff-web.md §4): person-years and policies per tax year, counted in one set-based query. */
export class YearStatistics extends Effect.Service<YearStatistics>()("@kas/core/YearStatistics", {
  effect: Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    return {
      /** Every tax year, oldest first, with its counts (zero for a year without persons). */
      perYear: Effect.fn("YearStatistics.perYear")(function* () {
        const rows = yield* sql<{ id: number; year: number; person_years: number; policies: number }>`
          select ty.id, ty.year, coalesce(p.n, 0)::int as person_years, coalesce(x.n, 0)::int as policies
          from kas.tax_year ty
          left join (select tax_year_id, count(*) as n from kas.person_tax_year group by tax_year_id) p
            on p.tax_year_id = ty.id
          left join (select pty.tax_year_id, count(*) as n
              from kas.policy_tax_year x join kas.person_tax_year pty on pty.id = x.person_tax_year_id
              group by pty.tax_year_id) x
            on x.tax_year_id = ty.id
          order by ty.year`
        return rows.map(
          (r): YearCounts => ({ taxYearId: r.id, year: r.year, personYears: r.person_years, policies: r.policies })
        )
      })
    }
  })
}) {}
