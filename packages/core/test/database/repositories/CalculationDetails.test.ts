import { SqlClient } from "@effect/sql"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { CalculationDetails, Policies } from "../../../src/index.js"
import { company, domainLayer, personWithYears, policyOverYears } from "../fixtures.js"

const layer = CalculationDetails.Default.pipe(Layer.provideMerge(domainLayer))

describe("CalculationDetails", () => {
  it.layer(layer)((it) => {
    it.effect("live: every policy of the person-year calculated now with the loss usage; nothing is written", () =>
      Effect.gen(function* () {
        const sql = yield* SqlClient.SqlClient
        const details = yield* CalculationDetails
        const { personTaxYears } = yield* personWithYears("0606066666", [2019, 2020])
        const a = yield* company(66666661)
        const b = yield* company(66666662, true)
        const p = yield* policyOverYears(personTaxYears, a, "L-1", [
          [2019, -1000],
          [2020, 3000]
        ])
        const other = yield* policyOverYears(personTaxYears, b, "L-2", [[2020, 500]])
        // A change nobody recalculated: the live calculation shows it, the stored result stays.
        yield* sql`update kas.policy_tax_year set assessed_amount = 2500 where id = ${p.get(2020)!}`
        const history = yield* sql`select count(*)::int as n from kas.history`
        const live = yield* details.live(personTaxYears.get(2020)!)
        assert.deepStrictEqual(
          live.map((d) => d.policyId),
          [p.get(2020)!, other.get(2020)!]
        )
        const [l1, l2] = live
        assert.strictEqual(l1!.assessedAmount, 2500)
        assert.strictEqual(l1!.result.initialAmount, 2500)
        assert.deepStrictEqual([...l1!.result.desiredDeductions], [[2019, 1000]])
        assert.strictEqual(l1!.result.taxableAmount, 1500)
        assert.strictEqual(l1!.result.fullTax, 229) // floor(1 500 × 0.153)
        assert.strictEqual(l2!.pensionCompanyPays, true)
        assert.strictEqual(l2!.result.taxToPay, 0)
        const stored = yield* (yield* Policies).get(p.get(2020)!)
        assert.strictEqual(stored.calculated_result, 306) // floor(2 000 × 0.153), as created
        assert.deepStrictEqual(yield* sql`select count(*)::int as n from kas.history`, history)
      })
    )

    it.effect("asOf: the policy as it was then, with the cells into it then; later policies are left out", () =>
      Effect.gen(function* () {
        const sql = yield* SqlClient.SqlClient
        const details = yield* CalculationDetails
        const policies = yield* Policies
        const { personTaxYears } = yield* personWithYears("0707077777", [2019, 2020])
        const a = yield* company(77777771)
        const p = yield* policyOverYears(personTaxYears, a, "H-1", [
          [2019, -1000],
          [2020, 3000]
        ])
        yield* sql`select pg_sleep(0.01)`
        const [{ at }] = yield* sql<{ at: Date }>`select clock_timestamp() as at`
        yield* sql`select pg_sleep(0.01)`
        // Afterwards: a new policy, and 2019's loss is gone (its cell into 2020 is reduced to 0).
        yield* policyOverYears(personTaxYears, a, "H-2", [[2020, 900]])
        yield* sql`update kas.tax_year set year_part = 'ligning'`
        yield* policies.editAmounts(
          p.get(2019)!,
          {
            prefilled_amount_edited: 0,
            assessed_amount: null,
            foreign_paid_amount_actual: 0,
            preliminary_paid_amount: null,
            slutlignet: true
          },
          "staff"
        )
        const now = yield* details.live(personTaxYears.get(2020)!)
        assert.strictEqual(now.length, 2)
        assert.strictEqual(now[0]!.result.usedNegativeReturn, 0)
        const then = yield* details.asOf(personTaxYears.get(2020)!, at!)
        assert.strictEqual(then.length, 1)
        assert.strictEqual(then[0]!.policyId, p.get(2020)!)
        assert.deepStrictEqual([...then[0]!.result.desiredDeductions], [[2019, 1000]])
        assert.strictEqual(then[0]!.result.taxWithDeductions, 306) // floor(2 000 × 0.153)
      })
    )
  })
})
