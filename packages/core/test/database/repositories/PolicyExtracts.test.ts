import { SqlClient } from "@effect/sql"
import { assert, describe, it } from "@effect/vitest"
import { Chunk, Effect, Layer, Stream } from "effect"
import { PolicyExtracts, type PolicyExtractFilter, type PolicyExtractSort } from "../../../src/index.js"
import { TestDatabase } from "../../../src/testing/index.js"

/** The policy lists of staff-web.md §5 on a real database: rules, Forskel and Forskel %, filters, sorting, paging. */

const layer = PolicyExtracts.Default.pipe(Layer.provideMerge(TestDatabase.layer))

/** Policies of one person-year in 2021 (and one in 2020): number, company, prefilled, self-reported, flags. */
const seed = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  const one = (text: string, params: ReadonlyArray<unknown> = []) =>
    sql.unsafe<{ id: number }>(text, params).pipe(Effect.map((r) => r[0]!.id))
  const year = yield* one("insert into kas.tax_year (year) values (2021) returning id")
  const old = yield* one("insert into kas.tax_year (year) values (2020) returning id")
  const pfa = yield* one("insert into kas.pension_company (name, res) values ('PFA Pension', 1234) returning id")
  const danica = yield* one("insert into kas.pension_company (name, res) values ('Danica', 5678) returning id")
  const anna = yield* one("insert into kas.person (cpr, name) values ('1802602810', 'Anna') returning id")
  const bent = yield* one("insert into kas.person (cpr, name) values ('0101709901', 'Bent') returning id")
  const annaPty = yield* one(
    `insert into kas.person_tax_year (tax_year_id, person_id) values (${year}, ${anna}) returning id`
  )
  const bentPty = yield* one(
    `insert into kas.person_tax_year (tax_year_id, person_id) values (${year}, ${bent}) returning id`
  )
  const oldPty = yield* one(
    `insert into kas.person_tax_year (tax_year_id, person_id) values (${old}, ${anna}) returning id`
  )
  const rows: ReadonlyArray<
    readonly [number, number, string, number | null, number | null, boolean, boolean, boolean, string | null]
  > = [
    // pty, company, number, prefilled, self-reported, active, efterbehandling, slutlignet, next date
    [annaPty, pfa, "a", 1000, 1500, true, true, false, "2022-03-01"],
    [annaPty, pfa, "b", 0, 100, true, true, true, null],
    [annaPty, danica, "c", null, null, true, true, false, null],
    [bentPty, danica, "d", -300, 100, true, true, false, "2022-01-15"],
    [bentPty, danica, "e", 100, 900, false, true, false, null],
    [bentPty, pfa, "f", 200, 199, true, false, false, null],
    [bentPty, pfa, "g", 200, 200, true, true, false, null],
    [annaPty, danica, "h", 3, 1, true, true, true, null],
    [oldPty, pfa, "a", 10, 20, true, true, false, null]
  ]
  for (const [pty, company, n, prefilled, self, active, eb, sl, next] of rows) {
    yield* sql`insert into kas.policy_tax_year (person_tax_year_id, pension_company_id, policy_number, prefilled_amount,
      self_reported_amount, active, efterbehandling, slutlignet, next_processing_date)
      values (${pty}, ${company}, ${n}, ${prefilled}, ${self}, ${active}, ${eb}, ${sl}, ${next})`
  }
  return year
})

const all = { offset: 0, limit: 100 }

describe("PolicyExtracts", () => {
  it.layer(layer)((it) => {
    it.effect("policies needing efterbehandling: active only, Forskel and truncated Forskel %, empty % last", () =>
      Effect.gen(function* () {
        const year = yield* seed
        const lists = yield* PolicyExtracts
        const page = yield* lists.page(
          "unfinished",
          { taxYearId: year },
          { key: "difference_percent", descending: false },
          all
        )
        assert.deepStrictEqual(
          page.rows.map((r) => [
            r.policyNumber,
            r.prefilledAmount,
            r.selfReportedAmount,
            r.difference,
            r.differencePercent
          ]),
          [
            ["d", -300, 100, 400, -133],
            ["h", 3, 1, -2, -66], // trunc(-66.7), not floor
            ["g", 200, 200, 0, 0],
            ["a", 1000, 1500, 500, 50],
            ["b", 0, 100, 100, null], // prefilled 0: no percent
            ["c", null, null, null, null]
          ]
        )
        assert.strictEqual(page.total, 6)
        const a = page.rows.find((r) => r.policyNumber === "a")!
        assert.deepStrictEqual(
          [a.cpr, a.name, a.companyName, a.companyRes, a.nextProcessingDate],
          ["1802602810", "Anna", "PFA Pension", 1234, "2022-03-01"]
        )
        const descending = yield* lists.page(
          "unfinished",
          { taxYearId: year },
          { key: "difference_percent", descending: true },
          all
        )
        assert.deepStrictEqual(
          descending.rows.map((r) => r.policyNumber),
          ["a", "g", "h", "d", "b", "c"]
        )
      })
    )

    it.effect("policies whose amounts differ: both set and different; filters; sorting by Forskel; stream", () =>
      Effect.gen(function* () {
        const sql = yield* SqlClient.SqlClient
        const [{ id: year }] = yield* sql<{ id: number }>`select id from kas.tax_year where year = 2021`
        const lists = yield* PolicyExtracts
        const numbers = (filter: Partial<PolicyExtractFilter>, sort: PolicyExtractSort) =>
          lists
            .page("taxdifference", { taxYearId: year!, ...filter }, sort, all)
            .pipe(Effect.map((p) => p.rows.map((r) => r.policyNumber)))
        const byDifference = { key: "difference", descending: false } as const
        assert.deepStrictEqual(yield* numbers({}, byDifference), ["h", "f", "b", "d", "a"])
        assert.deepStrictEqual(yield* numbers({ companyName: "danica" }, byDifference), ["h", "d"])
        assert.deepStrictEqual(yield* numbers({ policyNumber: "A" }, byDifference), ["a"])
        assert.deepStrictEqual(yield* numbers({ policyNumber: "%" }, byDifference), []) // LIKE characters are literal
        assert.deepStrictEqual(yield* numbers({ slutlignet: true }, byDifference), ["h", "b"])
        assert.deepStrictEqual(yield* numbers({ slutlignet: false }, byDifference), ["f", "d", "a"])
        assert.deepStrictEqual(yield* numbers({}, { key: "company", descending: true }), ["f", "a", "b", "d", "h"])
        assert.deepStrictEqual(yield* numbers({}, { key: "next_date", descending: true }), ["a", "d", "f", "b", "h"])
        const second = yield* lists.page("taxdifference", { taxYearId: year! }, byDifference, { offset: 2, limit: 2 })
        assert.deepStrictEqual([second.rows.map((r) => r.policyNumber), second.total], [["b", "d"], 5])
        const streamed = yield* Stream.runCollect(lists.stream("taxdifference", { taxYearId: year! }, byDifference))
        assert.deepStrictEqual(
          Chunk.toReadonlyArray(streamed).map((r) => r.policyNumber),
          ["h", "f", "b", "d", "a"]
        )
      })
    )
  })
})
