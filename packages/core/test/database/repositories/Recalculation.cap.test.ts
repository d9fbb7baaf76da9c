import { SqlClient } from "@effect/sql"
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { LossMatrixCheck, Policies, Reasons, Recalculation } from "../../../src/index.js"
import { cellMap, company, domainLayer, invariantBreaches, personWithYears, policyOverYears } from "../fixtures.js"

// domain.md §4.2 step 6 (issue 19): a year never deducts more loss than its loss-matrix column records.

const YEARS = [2016, 2017, 2018, 2019, 2020, 2021]

/** Per year: [deduction used, full tax] as stored. */
const deductions = (ids: ReadonlyMap<number, number>) =>
  Effect.gen(function* () {
    const policies = yield* Policies
    const out: Record<number, [number, number]> = {}
    for (const [year, id] of ids) {
      const p = yield* policies.get(id)
      out[year] = [p.used_negative_return, p.calculated_full_tax]
    }
    return out
  })

/** The invariant holds everywhere, by the rows and by `LossMatrixCheck`. */
const assertConsistent = Effect.gen(function* () {
  assert.deepStrictEqual(yield* invariantBreaches(), [])
  const check = yield* (yield* LossMatrixCheck).run()
  assert.deepStrictEqual(check.violations, [])
})

/** A policy whose years 2016–2021 each lose 1 000; then 2020 gets 10 000 and deducts the four earlier losses. */
const lossHistory = (cpr: string, res: number) =>
  Effect.gen(function* () {
    const policies = yield* Policies
    const { personTaxYears } = yield* personWithYears(cpr, YEARS)
    const c = yield* company(res)
    const ids = yield* policyOverYears(
      personTaxYears,
      c,
      `P-${res}`,
      YEARS.map((y) => [y, -1000] as const)
    )
    yield* policies.editSelfReported(ids.get(2020)!, 10_000, "staff")
    assert.deepStrictEqual(yield* cellMap(ids), {
      "2016→2020": 1000,
      "2017→2020": 1000,
      "2018→2020": 1000,
      "2019→2020": 1000
    })
    assert.deepStrictEqual((yield* deductions(ids))[2020], [4000, 918])
    return ids
  })

const tax = (taxable: number) => Math.floor(taxable * 0.153)

describe("a year deducts no more loss than its column records (§4.2 step 6)", () => {
  it.layer(domainLayer)((it) => {
    it.effect("a protected cell below the loss: the column sums to the deduction, the rest is left for 2021", () =>
      Effect.gen(function* () {
        const policies = yield* Policies
        const recalculation = yield* Recalculation
        const sql = yield* SqlClient.SqlClient
        const ids = yield* lossHistory("1901011901", 19010001)
        // 2020 wants 4 000; 2019 → 2020 is protected at 800, and 2019 gives nothing beyond its protected cell, so the
        // cells record 3 800: 2020 deducts 3 800 (before the decision: 4 000, with 200 that no cell recorded).
        yield* policies.saveCell(
          { usedFromId: ids.get(2019)!, usedForId: ids.get(2020)!, value: 800, protect: true },
          "staff"
        )
        assert.deepStrictEqual(yield* cellMap(ids), {
          "2016→2020": 1000,
          "2017→2020": 1000,
          "2018→2020": 1000,
          "2019→2020": 800
        })
        assert.deepStrictEqual((yield* deductions(ids))[2020], [3800, tax(6200)])
        yield* assertConsistent
        // The following year takes the 200 left of 2019, and nothing more: 4 000 kr. of losses deducted once in all.
        yield* policies.editSelfReported(ids.get(2021)!, 10_000, "staff")
        assert.deepStrictEqual((yield* cellMap(ids))["2019→2021"], 200)
        assert.deepStrictEqual(yield* deductions(ids), {
          2016: [0, 0],
          2017: [0, 0],
          2018: [0, 0],
          2019: [0, 0],
          2020: [3800, tax(6200)],
          2021: [200, tax(9800)]
        })
        yield* assertConsistent
        // Recalculating again, alone or in the year run, changes nothing.
        assert.strictEqual(yield* recalculation.recalculatePolicy(ids.get(2020)!, Reasons.recalculation), null)
        const [{ id: taxYear2020 }] = yield* sql<{ id: number }>`select id from kas.tax_year where year = 2020`
        const run = yield* recalculation.recalculateYear(taxYear2020!, Reasons.recalcAutoligning)
        assert.strictEqual(run.resultsChanged, 0)
        assert.deepStrictEqual((yield* deductions(ids))[2020], [3800, tax(6200)])
        yield* assertConsistent
      })
    )

    it.effect("two protected cells, in two years' columns", () =>
      Effect.gen(function* () {
        const policies = yield* Policies
        const ids = yield* lossHistory("1902021902", 19020002)
        const save = (from: number, to: number, value: number) =>
          policies.saveCell({ usedFromId: ids.get(from)!, usedForId: ids.get(to)!, value, protect: true }, "staff")
        yield* save(2017, 2020, 600)
        assert.deepStrictEqual((yield* deductions(ids))[2020], [3600, tax(6400)])
        yield* save(2019, 2020, 800)
        assert.deepStrictEqual(yield* cellMap(ids), {
          "2016→2020": 1000,
          "2017→2020": 600,
          "2018→2020": 1000,
          "2019→2020": 800
        })
        assert.deepStrictEqual((yield* deductions(ids))[2020], [3400, tax(6600)])
        yield* assertConsistent
        // 2021 takes what 2017 (400) and 2019 (200) have left; then staff protect 2017 → 2021 at 300: 2021 wants 600,
        // 2019 gives its 200, and 100 of 2017 stays unused rather than being deducted without a cell.
        yield* policies.editSelfReported(ids.get(2021)!, 10_000, "staff")
        assert.deepStrictEqual((yield* deductions(ids))[2021], [600, tax(9400)])
        yield* save(2017, 2021, 300)
        const cells = yield* cellMap(ids)
        assert.deepStrictEqual([cells["2017→2021"], cells["2019→2021"]], [300, 200])
        assert.deepStrictEqual(yield* deductions(ids), {
          2016: [0, 0],
          2017: [0, 0],
          2018: [0, 0],
          2019: [0, 0],
          2020: [3400, tax(6600)],
          2021: [500, tax(9500)]
        })
        yield* assertConsistent
      })
    )

    it.effect("a loss that shrinks later: the cascade caps too, in a single recalculation and in the year run", () =>
      Effect.gen(function* () {
        const policies = yield* Policies
        const recalculation = yield* Recalculation
        const sql = yield* SqlClient.SqlClient
        const single = yield* lossHistory("1903031903", 19030003)
        const yearRun = yield* lossHistory("1904041904", 19040004)
        for (const ids of [single, yearRun]) {
          yield* policies.saveCell(
            { usedFromId: ids.get(2019)!, usedForId: ids.get(2020)!, value: 800, protect: true },
            "staff"
          )
        }
        // 2018 now loses only 500: its cell into 2020 is cut to 500 and 2020 is recalculated ("Genberegning"). 2020
        // wants 3 500 but the column holds 1 000 + 1 000 + 500 + 800 (protected) = 3 300.
        yield* policies.editSelfReported(single.get(2018)!, -500, "staff")
        yield* sql`update kas.policy_tax_year set prefilled_amount = -500 where id = ${yearRun.get(2018)!}`
        const [{ id: taxYear2018 }] = yield* sql<{ id: number }>`select id from kas.tax_year where year = 2018`
        yield* recalculation.recalculateYear(taxYear2018!, Reasons.recalcR75)
        for (const ids of [single, yearRun]) {
          assert.deepStrictEqual(yield* cellMap(ids), {
            "2016→2020": 1000,
            "2017→2020": 1000,
            "2018→2020": 500,
            "2019→2020": 800
          })
          assert.deepStrictEqual((yield* deductions(ids))[2020], [3300, tax(6700)])
          yield* policies.editSelfReported(ids.get(2021)!, 10_000, "staff")
          assert.deepStrictEqual((yield* deductions(ids))[2021], [200, tax(9800)])
        }
        yield* assertConsistent
      })
    )

    it.effect("the check lists a policy-year whose cells were changed behind the recalculation", () =>
      Effect.gen(function* () {
        const sql = yield* SqlClient.SqlClient
        const check = yield* LossMatrixCheck
        const ids = yield* lossHistory("1905051905", 19050005)
        yield* assertConsistent
        yield* sql`update kas.loss_transfer set transferred_negative_payout = 700
          where used_from_id = ${ids.get(2017)!} and used_for_id = ${ids.get(2020)!}`
        const all = yield* check.run()
        const planted = all.violations.filter((v) => v.policyTaxYearId === ids.get(2020))
        assert.deepStrictEqual(
          planted.map((v) => [v.year, v.cpr, v.policyNumber, v.usedNegativeReturn, v.cellsSum]),
          [[2020, "1905051905", "P-19050005", 4000, 3700]]
        )
        assert.deepStrictEqual((yield* check.run({ year: 2021 })).violations, [])
        const in2020 = yield* check.run({ year: 2020 })
        assert.deepStrictEqual(
          in2020.violations.map((v) => v.policyTaxYearId),
          all.violations.map((v) => v.policyTaxYearId)
        )
        assert.isTrue(in2020.checked > 0 && in2020.checked < all.checked)
        // Recalculating the year repairs it: the column is redistributed and the deduction follows it.
        yield* (yield* Recalculation).recalculatePolicy(ids.get(2020)!, Reasons.recalculation)
        yield* assertConsistent
      })
    )
  })
})
