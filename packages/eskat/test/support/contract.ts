import { assert, describe, it, layer } from "@effect/vitest"
import { Cpr } from "@kas/core"
import { Chunk, Effect, type Layer, Schema, Stream } from "effect"
import { CensusRow, EskatSource, MockGenerator, R75Row, type Page } from "../../src/index.js"
import { generation, malformed } from "./fixture.js"

const all = <A, E>(stream: Stream.Stream<Page<A>, E>) =>
  Stream.runCollect(stream).pipe(
    Effect.map((pages) => {
      const list = Chunk.toReadonlyArray(pages)
      return { pages: list.length, rows: list.flatMap((p) => p.rows), invalid: list.flatMap((p) => p.invalid) }
    })
  )

const generated = () => [...MockGenerator.generate(generation)]
const byKey =
  <A>(key: (a: A) => string) =>
  (a: A, b: A) =>
    key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0

/**
 * The contract every `EskatSource` implementation satisfies, applied to each layer (style.md: one contract suite
 * per port). The layer must hold the rows of `fixture.ts`.
 */
export const eskatSourceContract = (name: string, source: Layer.Layer<EskatSource, unknown>) =>
  layer(source, { timeout: "120 seconds" })(`EskatSource contract: ${name}`, (it) => {
    it.effect("reads a year's census rows in key order, decoded, every column", () =>
      Effect.gen(function* () {
        const eskat = yield* EskatSource
        const read = yield* all(eskat.census({ year: 2024 }))
        const expected = generated()
          .flatMap((p) => p.census)
          .filter((r) => r.skatteaar === 2024)
          .map((r) => Schema.decodeSync(CensusRow)(r))
          .sort(byKey((r) => r.pt_census_guid))
        assert.deepStrictEqual(read.rows, expected)
      })
    )

    it.effect("reports malformed rows with key and reason, and returns the rest", () =>
      Effect.gen(function* () {
        const eskat = yield* EskatSource
        const read = yield* all(eskat.census({ year: 2024 }))
        const invalid = [...read.invalid].sort(byKey((r) => r.key ?? ""))
        assert.deepStrictEqual(
          invalid.map((r) => r.key),
          [malformed.nineDigits, malformed.noYear]
        )
        assert.match(invalid[0].reason, /cpr: is not a 10-digit CPR: "123456789"/)
        assert.match(invalid[1].reason, /skatteaar/)
        assert.isTrue(read.rows.length > 25)
      })
    )

    it.effect("pages by keyset: small pages give the same rows as one page", () =>
      Effect.gen(function* () {
        const eskat = yield* EskatSource
        const big = yield* all(eskat.census({ year: 2023 }))
        const small = yield* all(eskat.census({ year: 2023, pageSize: 7 }))
        assert.deepStrictEqual(small.rows, big.rows)
        assert.strictEqual(small.pages, Math.floor(big.rows.length / 7) + 1)
      })
    )

    it.effect("filters by CPR", () =>
      Effect.gen(function* () {
        const eskat = yield* EskatSource
        const read = yield* all(eskat.census({ year: 2024, cpr: Cpr.make("1802602810") }))
        assert.deepStrictEqual(
          read.rows.map((r) => [r.cpr, r.navn, r.skattedage]),
          [["1802602810", "Testperson til selvbetjening", 366]]
        )
      })
    )

    it.effect("reads R75 rows with the non-ASCII columns, only res longer than 4", () =>
      Effect.gen(function* () {
        const eskat = yield* EskatSource
        const read = yield* all(eskat.r75({ year: 2023, pageSize: 50 }))
        const expected = generated()
          .flatMap((p) => p.r75)
          .filter((r) => r.tax_year === 2023)
          .map((r) => Schema.decodeSync(R75Row)(r))
          .sort(byKey((r) => r.r75_ctl_sekvens_guid))
        assert.deepStrictEqual(read.rows, expected)
        const correction = read.rows.filter((r) => r.cpr === "0101709901" && r.ktd === "0000000102")
        assert.deepStrictEqual(correction.map((r) => r.renteindtaegt).sort(), ["-5000", "120", "5000"])
      })
    )

    it.effect("reads kas_beregninger_x with decimals and timestamps", () =>
      Effect.gen(function* () {
        const eskat = yield* EskatSource
        const read = yield* all(eskat.beregningerX({ year: 2024 }))
        assert.deepStrictEqual(
          read.rows.map((r) => [
            r.pension_crt_calc_guid,
            r.capital_return,
            r.used_negative_capital_return,
            r.reg_date?.toISOString() ?? null
          ]),
          [
            ["10000000-0000-4000-8000-000000000001", "1234.5", "-0.25", "2025-01-02T03:04:05.000Z"],
            ["10000000-0000-4000-8000-000000000002", null, null, null]
          ]
        )
      })
    )
  })

export { describe, it }
