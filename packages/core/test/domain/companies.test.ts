import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { Companies, Persons, SystemUsers } from "../../src/index.js"
import { company, domainLayer } from "./fixtures.js"

describe("companies and representation tokens", () => {
  it.layer(domainLayer)((it) => {
    it.effect("finds companies by res; a token is 64 alphanumerics and can be consumed once", () =>
      Effect.gen(function* () {
        const companies = yield* Companies
        const id = yield* company(12345678, true)
        assert.strictEqual((yield* companies.findByRes(12345678))!.id, id)
        assert.strictEqual((yield* companies.get(id)).display, "Selskab 12345678 (12345678)")
        yield* (yield* Persons).upsertImported([{ cpr: "1010101010", name: "R", municipality_code: null, municipality_name: null,
          address_line_1: null, address_line_2: null, address_line_3: null, address_line_4: null, address_line_5: null,
          full_address: null }], "importer")
        const person = yield* (yield* Persons).getByCpr("1010101010")
        const token = yield* companies.createToken(person.id, yield* (yield* SystemUsers).idOf("staff"))
        assert.match(token.token, /^[A-Za-z0-9]{64}$/)
        assert.strictEqual((yield* companies.consumeToken(token.token, 60))!.consumed, true)
        assert.strictEqual(yield* companies.consumeToken(token.token, 60), null)
      })
    )
  })
})
