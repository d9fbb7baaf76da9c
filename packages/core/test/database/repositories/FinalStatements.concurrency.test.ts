import { SqlClient } from "@effect/sql"
import { assert, describe, it } from "@effect/vitest"
import { Deferred, Effect, Fiber } from "effect"
import { FinalStatements, type StatementDraft, TaxYears } from "../../../src/index.js"
import { company, domainLayer, personWithYears, policyOverYears } from "../fixtures.js"

describe("final statements under concurrent edits", () => {
  it.layer(domainLayer)((it) => {
    it.effect(
      "a bulk statement waits for the person-year's lock and is generated from what was committed meanwhile",
      () =>
        Effect.gen(function* () {
          const sql = yield* SqlClient.SqlClient
          const statements = yield* FinalStatements
          const taxYears = yield* TaxYears
          const { personTaxYears } = yield* personWithYears("0404045555", [2018])
          const pty = personTaxYears.get(2018)!
          yield* policyOverYears(personTaxYears, yield* company(40000005), "B-1", [[2018, 2000]])
          yield* sql`update kas.policy_tax_year set slutlignet = true where person_tax_year_id = ${pty}`
          yield* taxYears.setPeriod((yield* taxYears.getByYear(2018)).id, "ligning")

          // An edit holds the person-year's lock (as a self-assessment submission does) and changes the inputs.
          const locked = yield* Deferred.make<void>()
          const release = yield* Deferred.make<void>()
          const edit = yield* Effect.fork(
            sql.withTransaction(
              Effect.gen(function* () {
                yield* sql`select id from kas.person_tax_year where id = ${pty} for update`
                yield* sql`update kas.person set name = 'Ny Navn' where id = (select person_id from kas.person_tax_year
                where id = ${pty})`
                yield* sql`insert into kas.transaction (person_tax_year_id, amount, status, type)
                values (${pty}, -200, 'transferred', 'prepayment')`
                yield* Deferred.succeed(locked, undefined)
                yield* Deferred.await(release)
              })
            )
          )
          yield* Deferred.await(locked)
          const drafts: Array<StatementDraft> = []
          const pdf = (draft: StatementDraft) =>
            Effect.sync(() => {
              drafts.push(draft)
              return new TextEncoder().encode("%PDF-test")
            })
          const generation = yield* Effect.fork(statements.generateBulk(pty, { pdf }))
          // Until the generation waits for the edit's lock (a real pause between looks: the test clock does not move).
          const waiting = sql<{ n: number }>`select count(*)::int as n from pg_stat_activity
          where wait_event_type = 'Lock' and query like '%statement_inputs%'`
          while ((yield* waiting)[0]!.n === 0) yield* Effect.promise(() => new Promise((r) => setTimeout(r, 20)))
          yield* Deferred.succeed(release, undefined)
          yield* Fiber.join(edit)
          const made = yield* Fiber.join(generation)
          assert.strictEqual((made!.amounts as { prepayment: number }).prepayment, -200)
          assert.strictEqual(drafts.length, 1)
          assert.strictEqual(drafts[0]!.gathered.letter.name, "Ny Navn")
        })
    )
  })
})
