import { SqlClient } from "@effect/sql"
import { Effect } from "effect"

/** The eSkat rows of one tax year: imported (eskat.md §4.3) and, when asked, those in the mock tables (§5). */
export interface YearRowCounts {
  readonly year: number
  /** Imported census rows ("Mandtal"). */
  readonly census: number
  /** Imported R75 rows ("R75"). */
  readonly r75: number
  /** Census rows in the mock tables (0 when not asked). */
  readonly mockCensus: number
  /** R75 rows in the mock tables (0 when not asked). */
  readonly mockR75: number
}

/**
 * The source data rows per tax year for the statistics page (staff-web.md §4, "Kildedata" and "Mockup data"),
 * counted set-based in one query over the imported tables and, outside production, the mock tables.
 */
export class EskatRowCounts extends Effect.Service<EskatRowCounts>()("@kas/eskat/EskatRowCounts", {
  effect: Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    return {
      /** Every year with rows, oldest first; `mock` adds the mock tables' counts. */
      perYear: Effect.fn("EskatRowCounts.perYear")(function* (options: { readonly mock: boolean }) {
        const mock = options.mock
          ? `union all select skatteaar, 0, 0, count(*), 0 from eskat_mock.kas_mandtal group by skatteaar
            union all select tax_year, 0, 0, 0, count(*) from eskat_mock.mock_r75_idx_4500230 group by tax_year`
          : ""
        const rows = yield* sql.unsafe<{
          year: number
          census: number
          r75: number
          mock_census: number
          mock_r75: number
        }>(`select year, sum(census)::int as census, sum(r75)::int as r75, sum(mock_census)::int as mock_census,
            sum(mock_r75)::int as mock_r75
          from (select skatteaar as year, count(*) as census, 0 as r75, 0 as mock_census, 0 as mock_r75
              from eskat.imported_census_row group by skatteaar
            union all select tax_year, 0, count(*), 0, 0 from eskat.imported_r75_row group by tax_year
            ${mock}) c
          where year is not null
          group by year
          order by year`)
        return rows.map(
          (r): YearRowCounts => ({
            year: r.year,
            census: r.census,
            r75: r.r75,
            mockCensus: r.mock_census,
            mockR75: r.mock_r75
          })
        )
      })
    }
  })
}) {}
