import { SqlClient } from "@effect/sql"
import { assert, describe, it } from "@effect/vitest"
import { Chunk, Effect, Layer, Stream } from "effect"
import { PersonSearch, personSearchSortKeys } from "../../../src/index.js"
import { TestDatabase } from "../../../src/testing/index.js"

/**
 * "Find person" (staff-web.md §3) in the database: the trigram index serves a name part, and a page is the same slice
 * of the order whether it is cut before the policies are counted (person columns) or after (counts, next date). The
 * filters are tested over HTTP in server-kas (findPerson.test.ts).
 */

const layer = PersonSearch.Default.pipe(Layer.provideMerge(TestDatabase.layer))

describe("PersonSearch", () => {
  it.layer(layer)((it) => {
    it.effect("a part of a name is found through the trigram index (pg_trgm), not by reading every person", () =>
      Effect.gen(function* () {
        const sql = yield* SqlClient.SqlClient
        // 6 000 persons with mostly different names (outside the CPRs of the next test).
        yield* sql`insert into kas.person (cpr, name, full_address)
          select '9' || lpad(g::text, 9, '0'),
            (array['Anna', 'Bent', 'Ivalo', 'Jens', 'Karen'])[1 + g % 5] || ' '
              || (array['Aa', 'Ka', 'Lu', 'Pi', 'Nu', 'Ta', 'Si', 'Qa'])[1 + (g / 5) % 8]
              || (array['Aa', 'Ka', 'Lu', 'Pi', 'Nu', 'Ta', 'Si', 'Qa'])[1 + (g / 40) % 8] || 'k '
              || (array['Hansen', 'Kleist', 'Lynge', 'Motzfeldt', 'Rosing', 'Heilmann'])[1 + (g / 320) % 6],
            'Vej ' || g
          from generate_series(1, 6000) g`
        yield* sql`analyze kas.person`
        const plan = (where: string) =>
          sql
            .unsafe<{ "QUERY PLAN": string }>(`explain select id from kas.person p where ${where}`)
            .pipe(Effect.map((rows) => rows.map((r) => r["QUERY PLAN"]).join("\n")))
        // The planner's own choice (sequential scans allowed): the declared cost of the test sends it to the index.
        assert.include(
          yield* plan("p.name ilike '%lupik%' and kas.text_contains_ci(p.name, '%lupik%')"),
          "person_name_trgm"
        )
        assert.include(
          yield* plan("p.full_address ilike '%vej 12%' and kas.text_contains_ci(p.full_address, '%vej 12%')"),
          "person_full_address_trgm"
        )
        const [{ id: year }] = yield* sql<{ id: number }>`insert into kas.tax_year (year) values (2030) returning id`
        yield* sql`insert into kas.person_tax_year (tax_year_id, person_id)
          select ${year!}, id from kas.person where cpr like '9%'`
        const search = yield* PersonSearch
        const sort = { key: "cpr", descending: false } as const
        // Three letters or more (the index with the cost hint) and fewer (ilike alone) find the same as ilike.
        for (const part of ["LUPIK", "lu", "a lupik h", "%"]) {
          const found = yield* search.page({ taxYearId: year!, name: part }, sort, { offset: 0, limit: 20 })
          const [{ n }] = yield* sql<{ n: number }>`select count(*)::int as n from kas.person
            where cpr like '9%' and strpos(lower(name), lower(${part})) > 0`
          assert.strictEqual(found.total, n, part)
        }
        const byAddress = yield* search.page({ taxYearId: year!, address: "vej 5999" }, sort, { offset: 0, limit: 20 })
        assert.deepStrictEqual(
          byAddress.rows.map((r) => r.fullAddress),
          ["Vej 5999"]
        )
      })
    )

    it.effect("every sort order pages through the same rows as the stream, with empty values last", () =>
      Effect.gen(function* () {
        const sql = yield* SqlClient.SqlClient
        const [{ id: year }] = yield* sql<{ id: number }>`insert into kas.tax_year (year) values (2021) returning id`
        yield* sql`insert into kas.pension_company (name, res) values ('PFA', 1234)`
        // 45 persons; every third without a name or address, every fifth without policies.
        yield* sql`insert into kas.person (cpr, name, full_address, municipality_code, municipality_name)
          select lpad(g::text, 10, '0'), case when g % 3 = 0 then null else 'Navn ' || (g * 7 % 45) end,
            case when g % 3 = 1 then null else 'Vej ' || (g * 11 % 45) end, 950 + g % 4,
            case when g % 4 = 0 then null else 'Kommune ' || g % 4 end
          from generate_series(1, 45) g`
        yield* sql`insert into kas.person_tax_year (tax_year_id, person_id)
          select ${year!}, id from kas.person where cpr not like '9%'`
        yield* sql`insert into kas.policy_tax_year (person_tax_year_id, pension_company_id, policy_number, slutlignet,
            next_processing_date)
          select pty.id, (select id from kas.pension_company), 'P' || k, k % 2 = 0,
            case when (pty.id + k) % 4 = 0 then null else date '2022-01-01' + (pty.id * 3 + k) % 17 end
          from kas.person_tax_year pty cross join generate_series(1, (pty.id % 3) + 1) k
          where pty.id % 5 <> 0`
        const search = yield* PersonSearch
        const filter = { taxYearId: year! }
        for (const key of personSearchSortKeys) {
          for (const descending of [false, true]) {
            const sort = { key, descending }
            const all = Chunk.toReadonlyArray(yield* Stream.runCollect(search.stream(filter, sort)))
            assert.strictEqual(all.length, 45)
            const paged = []
            for (let offset = 0; offset < 45; offset += 20) {
              const page = yield* search.page(filter, sort, { offset, limit: 20 })
              assert.strictEqual(page.total, 45)
              paged.push(...page.rows)
            }
            assert.deepStrictEqual(paged, all, `${descending ? "-" : ""}${key}`)
          }
        }
        const byName = Chunk.toReadonlyArray(
          yield* Stream.runCollect(search.stream(filter, { key: "name", descending: true }))
        )
        assert.deepStrictEqual(
          byName.slice(-15).map((r) => r.name),
          Array(15).fill(null)
        )
        const byNext = Chunk.toReadonlyArray(
          yield* Stream.runCollect(search.stream(filter, { key: "next_date", descending: false }))
        )
        assert.strictEqual(byNext.at(-1)!.nextProcessingDate, null)
        assert.notStrictEqual(byNext[0]!.nextProcessingDate, null)
      })
    )
  })
})
