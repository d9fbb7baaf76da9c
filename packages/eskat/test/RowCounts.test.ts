import { SqlClient } from "@effect/sql"
import { assert, describe, it } from "@effect/vitest"
import { TestDatabase } from "@kas/core/testing"
import { Effect, Layer } from "effect"
import { EskatRowCounts } from "../src/index.js"

/** The source-data counts of the statistics page (staff-web.md §4): imported rows and mock rows per year. */

const layer = EskatRowCounts.Default.pipe(Layer.provideMerge(TestDatabase.layer))

describe("EskatRowCounts", () => {
  it.layer(layer)((it) => {
    it.effect("counts imported census and R75 rows per year, and the mock tables' rows only when asked", () =>
      Effect.gen(function* () {
        const sql = yield* SqlClient.SqlClient
        yield* sql`insert into eskat.imported_census_row (pt_census_guid, cpr, skatteaar)
          select gen_random_uuid(), lpad(g::text, 10, '0'), case when g <= 3 then 2021 else 2022 end
          from generate_series(1, 5) g`
        yield* sql`insert into eskat.imported_r75_row (r75_ctl_sekvens_guid, tax_year, cpr)
          select gen_random_uuid(), 2022, lpad(g::text, 10, '0') from generate_series(1, 4) g`
        yield* sql`insert into eskat_mock.kas_mandtal (pt_census_guid, cpr, skatteaar)
          select gen_random_uuid(), lpad(g::text, 10, '0'), 2020 from generate_series(1, 6) g`
        yield* sql`insert into eskat_mock.mock_r75_idx_4500230 (r75_ctl_sekvens_guid, tax_year, cpr)
          select gen_random_uuid(), case when g = 1 then null else 2021 end, lpad(g::text, 10, '0')
          from generate_series(1, 3) g`
        const counts = yield* EskatRowCounts
        const row = (r: { year: number; census: number; r75: number; mockCensus: number; mockR75: number }) => [
          r.year,
          r.census,
          r.r75,
          r.mockCensus,
          r.mockR75
        ]
        assert.deepStrictEqual((yield* counts.perYear({ mock: false })).map(row), [
          [2021, 3, 0, 0, 0],
          [2022, 2, 4, 0, 0]
        ])
        // A mock row without a year is not counted in any year.
        assert.deepStrictEqual((yield* counts.perYear({ mock: true })).map(row), [
          [2020, 0, 0, 6, 0],
          [2021, 3, 0, 0, 2],
          [2022, 2, 4, 0, 0]
        ])
      })
    )
  })
})
