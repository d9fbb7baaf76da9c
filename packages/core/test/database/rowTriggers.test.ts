import { SqlClient } from "@effect/sql"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Exit } from "effect"
import { setAuditContext } from "../../src/index.js"
import { domainLayer, ensureYears } from "./fixtures.js"

/**
 * The table triggers as migrations 0012 and 0028 left them: audit snapshots written once per row, per-row checks on
 * WHEN, the days check of inserts once per statement.
 */
describe("row triggers", () => {
  it.layer(domainLayer)((it) => {
    it.effect(
      "an insert and a delete write entries keyed by the row with its whole snapshot; the test CPR and the day " +
        "limit still apply",
      () =>
        Effect.gen(function* () {
          const sql = yield* SqlClient.SqlClient
          const years = yield* ensureYears([2023, 2024])
          const [test, plain] = yield* sql.withTransaction(
            Effect.gen(function* () {
              yield* setAuditContext("tester", "Oprettet")
              return yield* sql<{ id: number; is_test_person: boolean }>`insert into kas.person (cpr, name)
              values ('1212121212', 'Test'), ('0707077777', 'Aviaja') returning id, is_test_person`
            })
          )
          assert.deepStrictEqual([test!.is_test_person, plain!.is_test_person], [true, false])
          const entries = yield* sql<{ entity_id: string; history_user: string; change_reason: string; same: boolean }>`
          select h.entity_id, h.history_user, h.change_reason, h.snapshot = to_jsonb(p) as same
          from kas.history h join kas.person p on p.id::text = h.entity_id
          where h.entity_type = 'Person' and h.history_type = '+' and p.id in (${test!.id}, ${plain!.id}) order by p.id`
          assert.deepStrictEqual(entries, [
            { entity_id: String(test!.id), history_user: "tester", change_reason: "Oprettet", same: true },
            { entity_id: String(plain!.id), history_user: "tester", change_reason: "Oprettet", same: true }
          ])

          const days = (year: number, n: number) =>
            sql`insert into kas.person_tax_year (tax_year_id, person_id, number_of_days)
            values (${years.get(year)!}, ${plain!.id}, ${n}) returning id`.pipe(Effect.exit)
          assert.isTrue(Exit.isFailure(yield* days(2023, 366)))
          // Checked once per insert statement (0028): one row over the limit fails the whole statement, with the text.
          const other = yield* sql<{ id: number }>`insert into kas.person (cpr, name) values ('0808088888', 'Ane')
            returning id`
          const refused = yield* Effect.flip(
            sql`insert into kas.person_tax_year (tax_year_id, person_id, number_of_days)
            values (${years.get(2024)!}, ${other[0]!.id}, 366), (${years.get(2023)!}, ${other[0]!.id}, 366)`
          )
          assert.include(String(refused.cause), "number_of_days 366 exceeds the days of tax year 2023")
          const none = yield* sql<{ n: number }>`select count(*)::int as n from kas.person_tax_year
            where person_id = ${other[0]!.id}`
          assert.strictEqual(none[0]!.n, 0)
          const leap = yield* days(2024, 366)
          assert.isTrue(Exit.isSuccess(leap))
          assert.isTrue(
            Exit.isFailure(
              yield* sql`update kas.person_tax_year set tax_year_id = ${years.get(2023)!}
          where person_id = ${plain!.id}`.pipe(Effect.exit)
            )
          )

          const [before] = yield* sql<{ snapshot: unknown }>`select to_jsonb(y) as snapshot from kas.person_tax_year y
          where person_id = ${plain!.id}`
          yield* sql.withTransaction(
            Effect.gen(function* () {
              yield* setAuditContext("tester", "Slettet")
              yield* sql`delete from kas.person_tax_year where person_id = ${plain!.id}`
            })
          )
          const deleted = yield* sql<{ entity_id: string; change_reason: string; snapshot: unknown }>`
          select entity_id, change_reason, snapshot from kas.history
          where entity_type = 'PersonTaxYear' and history_type = '-'
            and snapshot ->> 'person_id' = ${String(plain!.id)}`
          assert.deepStrictEqual(deleted, [
            {
              entity_id: String((before!.snapshot as { id: number }).id),
              change_reason: "Slettet",
              snapshot: before!.snapshot
            }
          ])
        })
    )
  })
})
