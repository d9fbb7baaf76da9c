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

    it.effect("curated companies (mock data): created with name and agreement once; existing ones untouched", () =>
      Effect.gen(function* () {
        const companies = yield* Companies
        const existing = yield* company(7101)
        const curated = [
          { res: 7101, name: "Andet navn", agreement_present: true },
          { res: 7102, name: "PFA Pension", agreement_present: true },
          { res: 7103, name: "Uden aftale", agreement_present: false }
        ]
        assert.strictEqual(yield* companies.createMissing(curated), 2)
        const byRes = (res: number) => Effect.map(companies.findByRes(res), (c) => [c!.name, c!.agreement_present])
        assert.strictEqual((yield* companies.findByRes(7101))!.id, existing)
        assert.deepStrictEqual(yield* byRes(7101), ["Selskab 7101", false])
        assert.deepStrictEqual(yield* byRes(7102), ["PFA Pension", true])
        assert.deepStrictEqual(yield* byRes(7103), ["Uden aftale", false])
        assert.strictEqual(yield* companies.createMissing(curated), 0)
        assert.strictEqual(yield* companies.createMissing([]), 0)
      })
    )
  })
})
