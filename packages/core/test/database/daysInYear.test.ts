import { assert, describe, it } from "@effect/vitest"
import { SqlClient } from "@effect/sql"
import { Effect } from "effect"
import { DaysInYear } from "../../src/index.js"
import { TestDatabase } from "../../src/testing/index.js"
import { personWithYears } from "./fixtures.js"

describe("kas.days_in_year (the SQL copy of DaysInYear)", () => {
  it.layer(TestDatabase.layer)((it) => {
    it.effect("agrees with DaysInYear for every year from 1600 to 2400", () =>
      Effect.gen(function* () {
        const sql = yield* SqlClient.SqlClient
        const rows = yield* sql<{ year: number; days: number }>`select y as year, kas.days_in_year(y) as days
          from generate_series(1600, 2400) y order by y`
        assert.strictEqual(rows.length, 801)
        for (const r of rows) assert.strictEqual(r.days, DaysInYear.daysInYear(r.year), `year ${r.year}`)
      })
    )

    it.effect("bounds a person-year's number_of_days by the days of its year", () =>
      Effect.gen(function* () {
        const sql = yield* SqlClient.SqlClient
        const { personTaxYears } = yield* personWithYears("0101000001", [2023, 2024])
        const set = (year: number, days: number) =>
          sql`update kas.person_tax_year set number_of_days = ${days} where id = ${personTaxYears.get(year)!}`
        yield* set(2024, 366)
        yield* set(2023, 365)
        const refused = yield* Effect.flip(set(2023, 366))
        assert.include(String(refused.cause), "number_of_days 366 exceeds the days of tax year 2023")
      })
    )
  })
})
