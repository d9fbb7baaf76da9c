import { SqlClient } from "@effect/sql"
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { History, Policies, Reasons, Recalculation, withAudit } from "../../../src/index.js"
import { cellMap, company, domainLayer, personWithYears, policyOverYears } from "../fixtures.js"

const results = (ids: ReadonlyMap<number, number>) =>
  Effect.gen(function* () {
    const policies = yield* Policies
    const out: Record<number, [number, number]> = {}
    for (const [year, id] of ids) {
      const p = yield* policies.get(id)
      out[year] = [p.year_adjusted_amount, p.calculated_result]
    }
    return out
  })

describe("loss carry-forward in the database", () => {
  it.layer(domainLayer)((it) => {
    it.effect("uses losses oldest first per policy, respects protected cells and corrects a loss that shrinks", () =>
      Effect.gen(function* () {
        const sql = yield* SqlClient.SqlClient
        const policies = yield* Policies
        const recalculation = yield* Recalculation
        const { personTaxYears } = yield* personWithYears("0101011111", [2015, 2016, 2017, 2018])
        const c = yield* company(11111111)
        const a = yield* policyOverYears(personTaxYears, c, "A-1", [
          [2015, -1000],
          [2016, 300],
          [2017, 500],
          [2018, 800]
        ])
        const b = yield* policyOverYears(personTaxYears, c, "B-2", [
          [2015, -500],
          [2016, 1000]
        ])
        assert.deepStrictEqual(yield* cellMap(a), { "2015→2016": 300, "2015→2017": 500, "2015→2018": 200 })
        assert.deepStrictEqual(yield* cellMap(b), { "2015→2016": 500 })
        assert.deepStrictEqual(yield* results(a), { 2015: [-1000, 0], 2016: [300, 0], 2017: [500, 0], 2018: [800, 91] })
        assert.deepStrictEqual(yield* results(b), { 2015: [-500, 0], 2016: [1000, 76] })
        assert.strictEqual((yield* policies.get(a.get(2018)!)).indifference_limited, true)
        assert.strictEqual((yield* policies.get(a.get(2018)!)).available_negative_return, 200)

        // Staff may only save a value within the cell's limit (§4.4): 2015 has 200 kr. left for 2018.
        const cell = { usedFromId: a.get(2015)!, usedForId: a.get(2018)!, protect: true }
        const tooMuch = yield* Effect.flip(policies.saveCell({ ...cell, value: 400 }, "staff"))
        assert.strictEqual(tooMuch.message, "Værdien skal være mellem 0 og 200")
        // A protected cell above what 2018 then wants is cut back to the wanted amount (W < S).
        yield* policies.saveCell({ ...cell, value: 200 }, "staff")
        yield* sql`update kas.policy_tax_year set self_reported_amount = 150 where id = ${a.get(2018)!}`
        yield* recalculation
          .recalculatePolicy(a.get(2018)!, Reasons.recalcSelfReported)
          .pipe(withAudit("staff", Reasons.recalcSelfReported))
        assert.deepStrictEqual(yield* cellMap(a), { "2015→2016": 300, "2015→2017": 500, "2015→2018": 150 })
        const history = yield* (yield* History).historyOf(
          "LossTransfer",
          String(
            (yield* sql<{ id: number }>`
          select id from kas.loss_transfer where used_from_id = ${a.get(2015)!} and used_for_id = ${a.get(2018)!}`)[0]!
              .id
          )
        )
        assert.deepStrictEqual(history.map((h) => [h.history_type, h.change_reason, h.history_user]).slice(-2), [
          ["~", Reasons.manualCorrection, "staff"],
          ["~", Reasons.protectedOver(150), "staff"]
        ])
        // Back to the R75 amount; the protected cell keeps 150 until staff give 2018 the whole remaining 200 again.
        yield* sql`update kas.policy_tax_year set self_reported_amount = null where id = ${a.get(2018)!}`
        yield* recalculation.recalculatePolicy(a.get(2018)!, Reasons.recalcSelfReported)
        assert.deepStrictEqual(yield* cellMap(a), { "2015→2016": 300, "2015→2017": 500, "2015→2018": 150 })
        yield* policies.saveCell({ ...cell, value: 200 }, "staff")
        assert.deepStrictEqual(yield* cellMap(a), { "2015→2016": 300, "2015→2017": 500, "2015→2018": 200 })
        assert.deepStrictEqual((yield* results(a))[2018], [800, 91])

        // The loss of 2015 shrinks to 600: later cells are reduced, unprotected first by year, and recalculated.
        yield* sql`update kas.policy_tax_year set prefilled_amount = -600 where id = ${a.get(2015)!}`
        yield* recalculation.recalculatePolicy(a.get(2015)!, Reasons.recalcR75)
        assert.deepStrictEqual(yield* cellMap(a), { "2015→2017": 400, "2015→2018": 200 })
        assert.deepStrictEqual(yield* results(a), {
          2015: [-600, 0],
          2016: [300, 45],
          2017: [500, 15],
          2018: [800, 91]
        })
        const reasons = yield* sql<{ change_reason: string }>`select change_reason from kas.history
          where entity_type = 'PolicyTaxYear' and entity_id = ${String(a.get(2016)!)} order by history_id desc limit 1`
        // Over-use caused by an import's recalculation keeps the import's reason (issue 14 item 10; by a person:
        // "Genberegning").
        assert.strictEqual(reasons[0]!.change_reason, Reasons.recalcR75)
        // Policy B is untouched by policy A's losses.
        assert.deepStrictEqual(yield* cellMap(b), { "2015→2016": 500 })
      })
    )

    it.effect("deactivating a year's policy frees its deduction for the later years", () =>
      Effect.gen(function* () {
        const policies = yield* Policies
        const { personTaxYears } = yield* personWithYears("0202022222", [2015, 2016, 2017])
        const c = yield* company(22222222)
        const p = yield* policyOverYears(personTaxYears, c, "C-3", [
          [2015, -1000],
          [2016, 800],
          [2017, 800]
        ])
        assert.deepStrictEqual(yield* cellMap(p), { "2015→2016": 800, "2015→2017": 200 })
        assert.deepStrictEqual(yield* results(p), { 2015: [-1000, 0], 2016: [800, 0], 2017: [800, 91] })
        yield* policies.setActive(p.get(2016)!, false, "staff")
        assert.deepStrictEqual(yield* cellMap(p), { "2015→2017": 800 })
        assert.deepStrictEqual((yield* results(p))[2017], [800, 0])
        // Reactivating takes what is left again.
        yield* policies.setActive(p.get(2016)!, true, "staff")
        assert.deepStrictEqual(yield* cellMap(p), { "2015→2016": 200, "2015→2017": 800 })
        assert.deepStrictEqual((yield* results(p))[2016], [800, 91])
      })
    )

    it.effect("a year recalculation is set-based and leaves unchanged policies without history", () =>
      Effect.gen(function* () {
        const sql = yield* SqlClient.SqlClient
        const recalculation = yield* Recalculation
        const { personTaxYears } = yield* personWithYears("0303033333", [2019, 2020])
        const c = yield* company(33333333)
        const p = yield* policyOverYears(personTaxYears, c, "D-4", [
          [2019, -100],
          [2020, 1000]
        ])
        const [{ id: yearId }] = yield* sql<{ id: number }>`select id from kas.tax_year where year = 2020`
        const before = yield* sql<{ n: string }>`select count(*)::text as n from kas.history`
        const first = yield* recalculation.recalculateYear(yearId!, Reasons.recalcAutoligning)
        assert.strictEqual(first.resultsChanged, 0)
        const after = yield* sql<{ n: string }>`select count(*)::text as n from kas.history`
        assert.strictEqual(after[0]!.n, before[0]!.n)
        // Stale stored results are corrected by the year run.
        yield* sql`update kas.policy_tax_year set calculated_result = 1 where id = ${p.get(2020)!}`
        const second = yield* recalculation.recalculateYear(yearId!, Reasons.recalcAutoligning)
        assert.strictEqual(second.resultsChanged, 1)
        assert.deepStrictEqual((yield* results(p))[2020], [1000, 137])
      })
    )

    it.effect(
      "a year run whose loss shrinks recalculates the later years it cuts, as a single recalculation does",
      () =>
        Effect.gen(function* () {
          const sql = yield* SqlClient.SqlClient
          const recalculation = yield* Recalculation
          const c = yield* company(44444444)
          const shape = [
            [2011, -1000],
            [2012, 800],
            [2013, 500]
          ] as const
          const one = yield* personWithYears("0404044444", [2011, 2012, 2013])
          const e = yield* policyOverYears(one.personTaxYears, c, "E-5", shape)
          const f = yield* policyOverYears(one.personTaxYears, c, "F-6", [
            [2011, 300],
            [2012, -200]
          ])
          const two = yield* personWithYears("0505055555", [2011, 2012, 2013])
          const g = yield* policyOverYears(two.personTaxYears, c, "G-7", shape)
          assert.deepStrictEqual(yield* cellMap(e), { "2011→2012": 800, "2011→2013": 200 })
          // The 2011 losses shrink to 600 without a recalculation; G is recalculated on its own, E by the year run.
          yield* sql`update kas.policy_tax_year set prefilled_amount = -600
          where id in (${e.get(2011)!}, ${g.get(2011)!})`
          yield* recalculation.recalculatePolicy(g.get(2011)!, Reasons.recalcR75)
          const [{ id: yearId }] = yield* sql<{ id: number }>`select id from kas.tax_year where year = 2011`
          const run = yield* recalculation.recalculateYear(yearId!, Reasons.recalcR75)
          assert.strictEqual(run.policies, 3)
          const expected: Record<number, [number, number]> = { 2011: [-600, 0], 2012: [800, 61], 2013: [500, 45] }
          assert.deepStrictEqual(yield* results(e), expected)
          assert.deepStrictEqual(yield* results(g), expected)
          assert.deepStrictEqual(yield* cellMap(e), { "2011→2012": 400, "2011→2013": 200 })
          assert.deepStrictEqual(yield* cellMap(g), { "2011→2012": 400, "2011→2013": 200 })
          assert.deepStrictEqual(yield* results(f), { 2011: [300, 45], 2012: [-200, 0] })
          const reasons = yield* sql<{ entity_id: string; change_reason: string }>`select entity_id, change_reason
          from kas.history where entity_type = 'PolicyTaxYear'
            and entity_id in (${String(e.get(2012)!)}, ${String(g.get(2012)!)})
          and history_type = '~' order by history_id`
          assert.deepStrictEqual(
            reasons.map((r) => r.change_reason),
            [Reasons.recalcR75, Reasons.recalcR75]
          )
        })
    )
  })
})
