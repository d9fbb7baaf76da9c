import { assert, describe, it } from "@effect/vitest"
import { SqlClient } from "@effect/sql"
import { Effect } from "effect"
import { Companies } from "../../../src/index.js"
import { company, domainLayer } from "../fixtures.js"

describe("companies", () => {
  it.layer(domainLayer)((it) => {
    it.effect("finds companies by id and res", () =>
      Effect.gen(function* () {
        const companies = yield* Companies
        const id = yield* company(12345678, true)
        assert.strictEqual((yield* companies.findByRes(12345678))!.id, id)
        assert.strictEqual((yield* companies.get(id)).display, "Selskab 12345678 (12345678)")
      })
    )

    it.effect("the R75 import's companies: created once per res, named where they have no name", () =>
      Effect.gen(function* () {
        const companies = yield* Companies
        const sql = yield* SqlClient.SqlClient
        const named = yield* company(7001)
        const [nameless] = yield* sql<{ id: number }>`insert into kas.pension_company (name, res)
          values ('', 7002) returning id`
        const first = yield* companies.importByRes({ create: [7001, 7003, 7003, 7004], name: [7001, 7002, 7003] })
        assert.deepStrictEqual(first, { created: 2, named: 1 })
        assert.strictEqual((yield* companies.get(named)).name, "Selskab 7001")
        assert.strictEqual((yield* companies.get(nameless!.id)).name, "Pensionsselskab med identifikationsnummer 7002")
        assert.strictEqual((yield* companies.findByRes(7004))!.name, "Pensionsselskab med identifikationsnummer 7004")
        assert.deepStrictEqual(yield* companies.importByRes({ create: [7003, 7004], name: [7002] }), {
          created: 0,
          named: 0
        })
      })
    )
  })
})
