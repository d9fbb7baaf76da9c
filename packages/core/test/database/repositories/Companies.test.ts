import { assert, describe, it } from "@effect/vitest"
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
  })
})
