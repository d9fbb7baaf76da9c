import { SqlClient } from "@effect/sql"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Exit, Layer } from "effect"
import { PgPool } from "../../../src/database/PgPool.js"
import { Policies, TaxYears } from "../../../src/index.js"
import { TestDatabase } from "../../../src/testing/index.js"
import { company, domainLayer, personWithYears, policyOverYears } from "../fixtures.js"

const historyCount = Effect.flatMap(SqlClient.SqlClient, (sql) =>
  sql<{ n: string }>`select count(*)::text as n from kas.history`.pipe(Effect.map((r) => Number(r[0]!.n)))
)

describe("tax-year periods", () => {
  it.layer(domainLayer)((it) => {
    it.effect("a new year starts in selvangivelse with exactly one open lock; closing opens the next", () =>
      Effect.gen(function* () {
        const taxYears = yield* TaxYears
        const year = yield* taxYears.create(2031, "Linje et\nLinje to")
        assert.strictEqual(year.year_part, "selvangivelse")
        const locks = yield* taxYears.locks(year.id)
        assert.strictEqual(locks.length, 1)
        assert.strictEqual(locks[0]!.interval_to, null)
        yield* taxYears.closeLock(year.id)
        const after = yield* taxYears.locks(year.id)
        assert.strictEqual(after.filter((l) => l.is_open).length, 1)
        assert.strictEqual(after.length, 2)
        const tooLong = yield* Effect.exit(taxYears.create(2032, "x".repeat(61)))
        assert.isTrue(Exit.isFailure(tooLong))
        assert.strictEqual(
          (yield* taxYears.list()).some((y) => y.year === 2032),
          false
        )
      })
    )

    it.effect("edits the period forbids are refused with a clear error and change nothing", () =>
      Effect.gen(function* () {
        const policies = yield* Policies
        const taxYears = yield* TaxYears
        const { personTaxYears } = yield* personWithYears("0404044444", [2024])
        const c = yield* company(44444444)
        const p = yield* policyOverYears(personTaxYears, c, "E-5", [[2024, 10_000]])
        const id = p.get(2024)!
        const year = yield* taxYears.getByYear(2024)
        const before = yield* policies.get(id)
        const count = yield* historyCount
        const amounts = {
          prefilled_amount_edited: null,
          assessed_amount: 5000,
          foreign_paid_amount_actual: 0,
          preliminary_paid_amount: 0,
          slutlignet: true
        }
        const refused = yield* Effect.flip(policies.editAmounts(id, amounts, "staff"))
        assert.strictEqual(refused._tag, "TaxYearPeriodError")
        assert.match(refused.message, /Ret beløb/)
        assert.deepStrictEqual(yield* policies.get(id), before)
        assert.strictEqual(yield* historyCount, count)

        const edited = yield* policies.editSelfReported(id, 2000, "staff")
        assert.strictEqual(edited.calculated_result, 306)

        yield* taxYears.setPeriod(year.id, "ligning")
        const refusedSelf = yield* Effect.flip(policies.editSelfReported(id, 3000, "staff"))
        assert.strictEqual(refusedSelf._tag, "TaxYearPeriodError")
        assert.strictEqual((yield* policies.get(id)).self_reported_amount, 2000)
        const assessed = yield* policies.editAmounts(id, amounts, "staff")
        assert.strictEqual(assessed.calculated_result, 765)
        assert.strictEqual(assessed.slutlignet, true)
        assert.strictEqual(assessed.efterbehandling, false)
      })
    )

    it.effect("create refuses an existing year and a year outside 2000–2100 with Danish messages", () =>
      Effect.gen(function* () {
        const taxYears = yield* TaxYears
        yield* taxYears.create(2033)
        const again = yield* Effect.flip(taxYears.create(2033))
        assert.strictEqual(again.message, "Skatteåret 2033 findes allerede")
        assert.strictEqual((yield* taxYears.list()).filter((y) => y.year === 2033).length, 1)
        const early = yield* Effect.flip(taxYears.create(1999))
        assert.strictEqual(early.message, "Skatteår skal være et helt årstal mellem 2000 og 2100")
        const tooLong = yield* Effect.flip(taxYears.create(2034, "x".repeat(61)))
        assert.strictEqual(tooLong.message, "Ratetekst må ikke indeholde linjer med mere end 60 tegn")
      })
    )

    it.effect(
      "update sets the period one step at a time and the rate text; a skip or a long line changes nothing",
      () =>
        Effect.gen(function* () {
          const taxYears = yield* TaxYears
          const year = yield* taxYears.create(2035)
          const skip = yield* Effect.flip(
            taxYears.update(year.id, { year_part: "genoptagelsesperiode", rate_text_for_transactions: "Ny tekst" })
          )
          assert.strictEqual(
            skip.message,
            "Skatteåret kan ikke skifte direkte fra selvangivelsesperiode til genoptagelsesperiode: " +
              "ligningsperiode kan ikke springes over"
          )
          assert.deepStrictEqual(yield* taxYears.get(year.id), year)
          const long = yield* Effect.flip(
            taxYears.update(year.id, { year_part: "ligning", rate_text_for_transactions: `kort\n${"y".repeat(61)}` })
          )
          assert.strictEqual(long.message, "Ratetekst må ikke indeholde linjer med mere end 60 tegn")
          assert.deepStrictEqual(yield* taxYears.get(year.id), year)

          const text = `${"a".repeat(60)}\n${"b".repeat(60)}`
          const ligning = yield* taxYears.update(year.id, { year_part: "ligning", rate_text_for_transactions: text })
          assert.strictEqual(ligning.year_part, "ligning")
          assert.strictEqual(ligning.rate_text_for_transactions, text)
          const reopened = yield* taxYears.update(year.id, {
            year_part: "genoptagelsesperiode",
            rate_text_for_transactions: ""
          })
          assert.strictEqual(reopened.year_part, "genoptagelsesperiode")
          const back = yield* Effect.flip(
            taxYears.update(year.id, { year_part: "selvangivelse", rate_text_for_transactions: "" })
          )
          assert.match(back.message, /fra genoptagelsesperiode til selvangivelsesperiode/)
          assert.strictEqual((yield* taxYears.get(year.id)).year_part, "genoptagelsesperiode")
          assert.strictEqual(
            (yield* taxYears.update(year.id, { year_part: "ligning", rate_text_for_transactions: "" })).year_part,
            "ligning"
          )
          const missing = yield* Effect.flip(
            taxYears.update(999_999, { year_part: "ligning", rate_text_for_transactions: "" })
          )
          assert.strictEqual(missing._tag, "NotFound")
        })
    )
  })
})

// `choices` (the year filter of "Find person") reads on the plain pool where there is one, on the SQL client otherwise:
// both give what `list` gives, and a year written by anyone (another process) at once (nothing is kept).
describe("TaxYears.choices", () => {
  // Both share the file's database: each writes years of its own (and sees the other's, which the checks allow for).
  const variants = [
    { name: "the SQL client", from: 2040, layer: TaxYears.Default.pipe(Layer.provideMerge(TestDatabase.layer)) },
    {
      name: "the plain pool",
      from: 2050,
      layer: TaxYears.Default.pipe(Layer.provide(PgPool.layer()), Layer.provideMerge(TestDatabase.layer))
    }
  ]
  for (const { name, from, layer } of variants) {
    it.layer(layer)((it) => {
      it.effect(`every year and its id, newest first, as list gives them (${name})`, () =>
        Effect.gen(function* () {
          const taxYears = yield* TaxYears
          for (const year of [from, from + 2, from + 1]) yield* taxYears.create(year)
          const choices = yield* taxYears.choices()
          assert.deepStrictEqual(
            choices,
            (yield* taxYears.list()).map((y) => ({ id: y.id, year: y.year }))
          )
          const mine = (ys: ReadonlyArray<{ readonly year: number }>) =>
            ys.map((c) => c.year).filter((y) => y >= from && y < from + 10)
          assert.deepStrictEqual(mine(choices), [from + 2, from + 1, from])
          // A year written past the service (as by another process) is there at once: nothing is kept.
          const sql = yield* SqlClient.SqlClient
          yield* sql`insert into kas.tax_year (year) values (${from + 3})`
          assert.deepStrictEqual(mine(yield* taxYears.choices()), [from + 3, from + 2, from + 1, from])
        })
      )
    })
  }
})
