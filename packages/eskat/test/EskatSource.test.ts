import { assert, layer } from "@effect/vitest"
import { Chunk, Effect, Stream } from "effect"
import { EskatSource, makeMock, type EskatSourceService } from "../src/index.js"
import { eskatSourceContract } from "./support/contract.js"
import { liveSource, mockSource } from "./support/fixture.js"

eskatSourceContract("mock (PostgreSQL eskat_mock)", mockSource)
eskatSourceContract("live (Oracle driver stand-in)", liveSource())

const everything = (s: EskatSourceService) =>
  Effect.all([
    Stream.runCollect(s.census({ year: 2024, pageSize: 10 })).pipe(Effect.map(Chunk.toReadonlyArray)),
    Stream.runCollect(s.r75({ year: 2022, pageSize: 10 })).pipe(Effect.map(Chunk.toReadonlyArray)),
    Stream.runCollect(s.beregningerX({ year: 2024 })).pipe(Effect.map(Chunk.toReadonlyArray))
  ])

const queries: Array<string> = []
layer(liveSource(queries), { timeout: "120 seconds" })("EskatSource: mock and live on the same data", (it) => {
  it.effect("return the same decoded rows and invalid rows, from the same query text", () =>
    Effect.gen(function* () {
      const live = yield* EskatSource
      const mock = yield* makeMock
      const [a, b] = yield* Effect.all([everything(live), everything(mock)])
      assert.deepStrictEqual(a, b)
      assert.isTrue(a[0].length > 1)
      assert.include(
        queries,
        `SELECT r75_ctl_sekvens_guid, pt_census_guid, tax_year, cpr, r75_ctl_indeks_guid, idx_nr, res, ktd, ktt, ` +
          `kontotype, ibn, esk, ejerstatuskode, "indestående", "renteindtægt", r75_dato FROM r75_idx_4500230 ` +
          `WHERE (tax_year = :1 OR tax_year IS NULL) AND LENGTH(res) > 4 AND r75_ctl_sekvens_guid > :2 ` +
          `ORDER BY r75_ctl_sekvens_guid FETCH FIRST 10 ROWS ONLY`
      )
    })
  )
})
