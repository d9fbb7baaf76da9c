import { SqlClient } from "@effect/sql"
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { Persons, Reasons } from "../../../src/index.js"
import { domainLayer, personWithYears } from "../fixtures.js"

describe("persons", () => {
  it.layer(domainLayer)((it) => {
    it.effect("the R75 import's person-year flags: written where they differ, with the import's reason", () =>
      Effect.gen(function* () {
        const persons = yield* Persons
        const sql = yield* SqlClient.SqlClient
        const { personTaxYears } = yield* personWithYears("0101019999", [2020, 2021])
        const [a, b] = [personTaxYears.get(2020)!, personTaxYears.get(2021)!]
        const changed = yield* sql.withTransaction(
          persons.importR75Flags(
            [
              { id: a, corrected: true, future: false },
              { id: b, corrected: false, future: false }
            ],
            "r75"
          )
        )
        assert.deepStrictEqual(changed, [a])
        assert.deepStrictEqual(yield* persons.importR75Flags([], "r75"), [])
        const rows = yield* sql<{ id: number; corrected: boolean; future: boolean }>`select id,
          corrected_r75_data as corrected, future_r75_data as future from kas.person_tax_year
          where id in (${a}, ${b}) order by id`
        assert.deepStrictEqual(rows, [
          { id: a, corrected: true, future: false },
          { id: b, corrected: false, future: false }
        ])
        const history = yield* sql<{ id: string; reason: string }>`select entity_id as id, change_reason as reason
          from kas.history where entity_type = 'PersonTaxYear' and history_type = '~' and history_user = 'r75'`
        assert.deepStrictEqual(history, [{ id: String(a), reason: Reasons.updatedByImport }])
      })
    )
  })
})
