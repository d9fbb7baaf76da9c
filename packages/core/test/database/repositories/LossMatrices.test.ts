import { SqlClient } from "@effect/sql"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { LossMatrices, Policies } from "../../../src/index.js"
import { company, domainLayer, personWithYears } from "../fixtures.js"

const layer = Layer.mergeAll(LossMatrices.Default).pipe(Layer.provideMerge(domainLayer))

describe("LossMatrices: the tab and the cell form of staff-web.md §9", () => {
  it.layer(layer)((it) => {
    it.effect("the tab up to the viewed year, limits of the whole policy, cell ids once saved; the cell's panel", () =>
      Effect.gen(function* () {
        const sql = yield* SqlClient.SqlClient
        const matrices = yield* LossMatrices
        const policies = yield* Policies
        const { personTaxYears } = yield* personWithYears("0404044444", [2020, 2021, 2022])
        const c = yield* company(4001)
        const ids = new Map<number, number>()
        for (const [year, amount] of [
          [2020, -4000],
          [2021, 1000],
          [2022, 5000]
        ] as const) {
          const p = yield* policies.create(
            {
              person_tax_year_id: personTaxYears.get(year)!,
              pension_company_id: c,
              policy_number: "L-1",
              self_reported_amount: amount
            },
            "test"
          )
          ids.set(year, p.id)
        }
        // 2021 was created after 2020 and used 1 000 of its loss; 2022 was created last and used the other 3 000.
        const tab = yield* matrices.ofPolicy(ids.get(2021)!)
        assert.deepStrictEqual(
          tab.columns.map((col) => [col.year, col.usedTotal, col.usedMax]),
          [
            [2020, 0, 0],
            [2021, 1000, 1000]
          ]
        )
        const row2020 = tab.rows[0]!
        assert.deepStrictEqual([row2020.year, row2020.available, row2020.remaining], [2020, 4000, 3000])
        const cell = row2020.cells[1]!
        assert.strictEqual(cell.value, 1000)
        assert.isNotNull(cell.cellId)
        // Limit min(remaining 0 + 1 000, 1 000 − 1 000 + 1 000) in the whole policy (2022 uses 3 000).
        assert.deepStrictEqual([cell.limit, cell.editable], [1000, true])
        assert.strictEqual(row2020.cells[0]!.value, null)
        const panel = yield* matrices.cell(ids.get(2021)!, 2020, 2022)
        assert.deepStrictEqual(
          [panel.value, panel.limit, panel.usedTotal, panel.usedMax, panel.available, panel.remaining],
          [3000, 3000, 3000, 5000, 4000, 0]
        )
        assert.deepStrictEqual([panel.usedFromId, panel.usedForId], [ids.get(2020)!, ids.get(2022)!])
        const [stored] = yield* sql<{ id: number }>`select id from kas.loss_transfer
          where used_from_id = ${ids.get(2020)!} and used_for_id = ${ids.get(2022)!}`
        assert.strictEqual(panel.cellId, stored!.id)
        // No cell from a later year, nor for years the policy does not have.
        assert.strictEqual((yield* Effect.either(matrices.cell(ids.get(2021)!, 2021, 2020)))._tag, "Left")
        assert.strictEqual((yield* Effect.either(matrices.cell(ids.get(2021)!, 2019, 2021)))._tag, "Left")
        assert.strictEqual((yield* Effect.either(matrices.ofPolicy(999999)))._tag, "Left")
      })
    )
  })
})
