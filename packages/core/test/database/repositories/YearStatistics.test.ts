import { SqlClient } from "@effect/sql"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { YearStatistics } from "../../../src/index.js"
import { TestDatabase } from "../../../src/testing/index.js"

const layer = YearStatistics.Default.pipe(Layer.provideMerge(TestDatabase.layer))

describe("YearStatistics", () => {
  it.layer(layer)((it) => {
    it.effect("counts person-years and policies (inactive ones too) per tax year, oldest first, zero when empty", () =>
      Effect.gen(function* () {
        const sql = yield* SqlClient.SqlClient
        yield* sql`insert into kas.tax_year (year) values (2022), (2020), (2021)`
        yield* sql`insert into kas.pension_company (name, res) values ('PFA', 1234)`
        yield* sql`insert into kas.person (cpr, name)
          select lpad(g::text, 10, '0'), 'P' || g from generate_series(1, 5) g`
        // 2020: all five persons; 2021: two of them; 2022: none.
        yield* sql`insert into kas.person_tax_year (tax_year_id, person_id)
          select ty.id, p.id from kas.tax_year ty cross join kas.person p
          where ty.year = 2020 or (ty.year = 2021 and p.cpr <= '0000000002')`
        // Two policies per person-year in 2020 (one inactive), one in 2021.
        yield* sql`insert into kas.policy_tax_year (person_tax_year_id, pension_company_id, policy_number, active)
          select pty.id, (select id from kas.pension_company), 'P' || k, k = 1
          from kas.person_tax_year pty join kas.tax_year ty on ty.id = pty.tax_year_id
          cross join generate_series(1, case when ty.year = 2020 then 2 else 1 end) k`
        const stats = yield* Effect.flatMap(YearStatistics, (s) => s.perYear())
        assert.deepStrictEqual(
          stats.map((s) => [s.year, s.personYears, s.policies]),
          [
            [2020, 5, 10],
            [2021, 2, 2],
            [2022, 0, 0]
          ]
        )
      })
    )
  })
})
