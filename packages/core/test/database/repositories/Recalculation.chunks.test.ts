import { SqlClient } from "@effect/sql"
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { Policies, Reasons, Recalculation } from "../../../src/index.js"
import { company, domainLayer, invariantBreaches, personWithYears, policyOverYears } from "../fixtures.js"

// A year run (`recalculateYear`) streams the year in chunks of persons: whatever the chunk size, and whether it runs
// in the caller's transaction or in a transaction per chunk, it stores the same results, cells and history.

const YEARS = [2016, 2017, 2018, 2019, 2020, 2021, 2022]
const TARGET = 2019

/** Everything a year run writes: every policy-year and cell, and the history after `since` (ids left out). */
const state = (since: number) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const policies = yield* sql<{ j: string }>`select to_jsonb(p)::text as j from kas.policy_tax_year p order by p.id`
    const cells = yield* sql<{ j: string }>`select concat_ws(' ', used_from_id, used_for_id,
        transferred_negative_payout, protected_against_recalculations) as j
      from kas.loss_transfer order by used_from_id, used_for_id`
    // A new cell's id comes from a sequence that a rollback does not reset: cells are named by their two years.
    const history = yield* sql<{ j: string }>`select concat_ws(' | ', entity_type,
        case entity_type when 'LossTransfer' then concat(snapshot ->> 'used_from_id', '→', snapshot ->> 'used_for_id')
          else entity_id end, history_type, history_user, change_reason, (snapshot - 'id')::text) as j
      from kas.history where history_id > ${since}
      order by entity_type, case entity_type when 'LossTransfer' then concat(snapshot ->> 'used_from_id', '→',
        snapshot ->> 'used_for_id') else entity_id end, history_id`
    return {
      policies: policies.map((r) => r.j),
      cells: cells.map((r) => r.j),
      history: history.map((r) => r.j)
    }
  })

/** What a year run returned and left stored. */
interface Run {
  readonly result: { readonly policies: number; readonly resultsChanged: number }
  readonly state: Effect.Effect.Success<ReturnType<typeof state>>
}

/** Fails a transaction so that it is rolled back, with the run it made. */
class RolledBack {
  constructor(readonly run: Run) {}
}

describe("a year run in chunks of persons (Recalculation.recalculateYear)", () => {
  it.layer(domainLayer)((it) => {
    it.effect("stores the same results, cells and history with one chunk and with many, in a transaction or not", () =>
      Effect.gen(function* () {
        const sql = yield* SqlClient.SqlClient
        const policies = yield* Policies
        const recalculation = yield* Recalculation
        const c = yield* company(61000001)
        const d = yield* company(61000002)
        const ids: Array<ReadonlyMap<number, number>> = []
        const person = (cpr: string, years = YEARS) => Effect.map(personWithYears(cpr, years), (p) => p.personTaxYears)
        // Two policies of one person, one of them losing before the target year.
        const one = yield* person("0101701111")
        ids.push(
          yield* policyOverYears(one, c, "A-1", [
            [2016, -1000],
            [2017, 300],
            [2018, 200],
            [2019, 500],
            [2020, 800],
            [2021, -100],
            [2022, 400]
          ])
        )
        ids.push(
          yield* policyOverYears(one, d, "B-1", [
            [2017, -500],
            [2018, 100],
            [2019, 700],
            [2020, 50]
          ])
        )
        // A protected cell into the target year, which will want less than it holds.
        const two = yield* person("0202702222")
        const protectedPolicy = yield* policyOverYears(two, c, "C-2", [
          [2016, -2000],
          [2017, 500],
          [2018, -300],
          [2019, 900],
          [2020, 1200],
          [2021, 100]
        ])
        ids.push(protectedPolicy)
        yield* policies.saveCell(
          { usedFromId: protectedPolicy.get(2016)!, usedForId: protectedPolicy.get(2019)!, value: 600, protect: true },
          "staff"
        )
        // No policy in the target year; a policy whose target year is inactive; no person-year in the target year.
        const three = yield* person("0303703333")
        ids.push(
          yield* policyOverYears(three, c, "D-3", [
            [2016, -100],
            [2017, 50]
          ])
        )
        const four = yield* person("0404704444")
        const inactive = yield* policyOverYears(four, d, "E-4", [
          [2018, -400],
          [2019, 300],
          [2020, 300]
        ])
        ids.push(inactive)
        yield* policies.setActive(inactive.get(2019)!, false, "staff")
        ids.push(yield* policyOverYears(yield* person("0505705555", [2016, 2017]), c, "F-5", [[2016, 700]]))
        // Target-year losses used by the later years, in persons that land in different chunks: shrinking them
        // cascades into years a chunk loads only partly (the family is reloaded whole).
        for (const cpr of ["0606706666", "0707707777", "0808708888"]) {
          ids.push(
            yield* policyOverYears(yield* person(cpr), d, `G-${cpr}`, [
              [2016, 100],
              [2017, 200],
              [2018, 300],
              [2019, -1500],
              [2020, 600],
              [2021, 700],
              [2022, 800]
            ])
          )
        }
        ids.push(yield* policyOverYears(yield* person("0909709999"), c, "H-9", [[2019, 5000]]))
        ids.push(yield* policyOverYears(yield* person("1010701010"), d, "I-10", [[2019, 0]]))

        // Stale stored results: amounts changed without a recalculation, one result overwritten, days changed.
        const at = (i: number) => ids[i]!.get(TARGET)!
        yield* sql`update kas.policy_tax_year set prefilled_amount = 900 where id = ${at(0)}`
        yield* sql`update kas.policy_tax_year set prefilled_amount = 100 where id = ${at(2)}`
        yield* sql`update kas.policy_tax_year set prefilled_amount = -600 where id in (${at(6)}, ${at(8)})`
        yield* sql`update kas.policy_tax_year set prefilled_amount = -1800 where id = ${at(7)}`
        yield* sql`update kas.policy_tax_year set calculated_result = 1 where id = ${at(9)}`
        yield* sql`update kas.policy_tax_year set prefilled_amount = -50 where id = ${at(10)}`
        yield* sql`update kas.person_tax_year set number_of_days = 100 where id = ${one.get(TARGET)!}`

        const [{ id: yearId }] = yield* sql<{ id: number }>`select id from kas.tax_year where year = ${TARGET}`
        const [{ h }] = yield* sql<{ h: number }>`select coalesce(max(history_id), 0)::int as h from kas.history`
        const run = (chunkPersons: number) =>
          recalculation.recalculateYear(yearId!, Reasons.recalcAutoligning, { chunkPersons })
        /** A run in a transaction that is rolled back: what it returned and stored. */
        const rolledBack = (chunkPersons: number) =>
          sql
            .withTransaction(
              Effect.gen(function* () {
                const result = yield* run(chunkPersons)
                return yield* Effect.fail(new RolledBack({ result, state: yield* state(h!) }))
              })
            )
            .pipe(
              Effect.flip,
              Effect.flatMap((e) => (e instanceof RolledBack ? Effect.succeed(e.run) : Effect.die(e)))
            )

        const whole = yield* rolledBack(1000)
        const chunked = yield* rolledBack(2)
        const result = yield* run(2)
        const committed: Run = { result, state: yield* state(h!) }

        // 8 active policy-years in the target year, of 9 persons with a person-year there: five chunks of two.
        assert.deepStrictEqual(whole.result, { policies: 8, resultsChanged: 3 })
        assert.deepStrictEqual(chunked, whole)
        assert.deepStrictEqual(committed, whole)
        // The cascades reached the later years.
        const later = yield* sql<{ n: number }>`select count(*)::int as n from kas.history
          where history_id > ${h!} and entity_type = 'PolicyTaxYear' and entity_id in (${String(ids[6]!.get(2020)!)},
            ${String(ids[7]!.get(2020)!)}, ${String(ids[8]!.get(2020)!)})`
        assert.strictEqual(later[0]!.n, 2)
        assert.deepStrictEqual(yield* invariantBreaches(), [])
        // Once stored, another run (in chunks of one person) changes nothing.
        const again = yield* recalculation.recalculateYear(yearId!, Reasons.recalcAutoligning, { chunkPersons: 1 })
        assert.deepStrictEqual(again, { policies: 8, resultsChanged: 0 })
        assert.deepStrictEqual((yield* state(h!)).history, whole.state.history)
      })
    )
  })
})
