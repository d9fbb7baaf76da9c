import { SqlClient } from "@effect/sql"
import { assert, describe, it } from "@effect/vitest"
import { Chunk, Context, Effect, Layer, Stream } from "effect"
import { PgPool } from "../../../src/database/PgPool.js"
import { PERSON_SEARCH_COUNT_LIMIT, PersonSearch, personSearchSortKeys } from "../../../src/index.js"
import { TestDatabase } from "../../../src/testing/index.js"

/**
 * "Find person" (staff-web.md §3) in the database: the trigram index serves a name part, and a page is the same slice
 * of the order whether it is cut before the policies are counted (person columns) or after (counts, next date); the
 * total is exact up to PERSON_SEARCH_COUNT_LIMIT or the page's end. The filters are tested over HTTP in server-kas
 * (findPerson.test.ts).
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
          assert.strictEqual(found.total, Math.min(n, PERSON_SEARCH_COUNT_LIMIT), part)
          assert.strictEqual(found.more, n > PERSON_SEARCH_COUNT_LIMIT, part)
        }
        const byAddress = yield* search.page({ taxYearId: year!, address: "vej 5999" }, sort, { offset: 0, limit: 20 })
        assert.deepStrictEqual(
          byAddress.rows.map((r) => r.fullAddress),
          ["Vej 5999"]
        )
      })
    )

    it.effect("the name test runs without parallel workers, even where the planner would start them", () =>
      Effect.gen(function* () {
        const sql = yield* SqlClient.SqlClient
        // Workers made free and every table big enough for them: a scan the planner may hand to workers gets some.
        const plan = (where: string) =>
          sql.withTransaction(
            Effect.gen(function* () {
              yield* sql`set local parallel_setup_cost = 0`
              yield* sql`set local parallel_tuple_cost = 0`
              yield* sql`set local min_parallel_table_scan_size = 0`
              yield* sql`set local min_parallel_index_scan_size = 0`
              const rows = yield* sql.unsafe<{ "QUERY PLAN": string }>(
                `explain select count(*) from kas.person p where ${where}`
              )
              return rows.map((r) => r["QUERY PLAN"]).join("\n")
            })
          )
        assert.include(yield* plan("p.name ilike '%lupik%'"), "Parallel")
        assert.notInclude(yield* plan("p.name ilike '%lupik%' and kas.text_contains_ci(p.name, '%lupik%')"), "Parallel")
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

    it.effect("the total is exact up to the count limit or the page's end; beyond it there are more", () =>
      Effect.gen(function* () {
        const sql = yield* SqlClient.SqlClient
        const [{ id: year }] = yield* sql<{ id: number }>`insert into kas.tax_year (year) values (2040) returning id`
        const n = PERSON_SEARCH_COUNT_LIMIT + 30
        // n persons "Mange Navnesen" in 2040 (outside the CPRs of the other tests), one more without the name.
        yield* sql`insert into kas.person (cpr, name)
          select '8' || lpad(g::text, 9, '0'), case when g <= ${n} then 'Mange Navnesen ' || g else 'Ene Anden' end
          from generate_series(1, ${n + 1}) g`
        yield* sql`insert into kas.person_tax_year (tax_year_id, person_id)
          select ${year!}, id from kas.person where cpr like '8%'`
        const search = yield* PersonSearch
        const filter = { taxYearId: year!, name: "navnesen" }
        const sort = { key: "cpr", descending: false } as const
        const all = Chunk.toReadonlyArray(yield* Stream.runCollect(search.stream(filter, sort)))
        assert.strictEqual(all.length, n)
        const page = (offset: number) => search.page(filter, sort, { offset, limit: 20 })

        const first = yield* page(0)
        assert.deepStrictEqual(first.rows, all.slice(0, 20))
        assert.deepStrictEqual([first.total, first.more], [PERSON_SEARCH_COUNT_LIMIT, true])
        // A page past the limit counts to its own end.
        const past = yield* page(PERSON_SEARCH_COUNT_LIMIT)
        assert.deepStrictEqual(past.rows, all.slice(PERSON_SEARCH_COUNT_LIMIT, PERSON_SEARCH_COUNT_LIMIT + 20))
        assert.deepStrictEqual([past.total, past.more], [PERSON_SEARCH_COUNT_LIMIT + 20, true])
        // The last page, and a page after it (no rows), know the exact total.
        const last = yield* page(PERSON_SEARCH_COUNT_LIMIT + 20)
        assert.deepStrictEqual(last.rows, all.slice(PERSON_SEARCH_COUNT_LIMIT + 20))
        assert.deepStrictEqual([last.total, last.more], [n, false])
        const after = yield* page(n + 20)
        assert.deepStrictEqual([after.rows.length, after.total, after.more], [0, n, false])
        // Sorted by an aggregate, the same.
        const byPolicies = yield* search.page(filter, { key: "policies", descending: true }, { offset: 0, limit: 20 })
        assert.deepStrictEqual(
          [byPolicies.rows.length, byPolicies.total, byPolicies.more],
          [20, PERSON_SEARCH_COUNT_LIMIT, true]
        )
        // Exactly the limit: no more.
        const exact = yield* search.page({ ...filter, name: "navnesen 1" }, sort, { offset: 0, limit: 20 })
        const [{ m }] = yield* sql<{ m: number }>`select count(*)::int as m from kas.person
          where cpr like '8%' and name ilike '%navnesen 1%'`
        assert.deepStrictEqual([exact.total, exact.more], [m, false])
        const none = yield* search.page({ ...filter, name: "ingen" }, sort, { offset: 0, limit: 20 })
        assert.deepStrictEqual(none, { rows: [], total: 0, more: false })
      })
    )

    it.effect("a name part's first page on the plain pool (a generic plan) is the planned statement's", () =>
      Effect.scoped(
        Effect.gen(function* () {
          const sql = yield* SqlClient.SqlClient
          const [{ id: year }] = yield* sql<{ id: number }>`insert into kas.tax_year (year) values (2050) returning id`
          const limit = PERSON_SEARCH_COUNT_LIMIT
          // 400 persons (outside the CPRs of the other tests): 'Grænse' on 201 of them, 'Beta' on 200, 'Alfa' on 199
          // (around the count limit), a surname on two thirds (more than the limit) and one on a third (fewer), a rare
          // middle name on a few, some without a name.
          yield* sql`insert into kas.person (cpr, name)
            select '7' || lpad(g::text, 9, '0'), case when g % 40 = 0 and g > ${limit + 1} then null else
              case when g <= ${limit + 1} then 'Grænse ' else '' end
              || case when g <= ${limit - 1} then 'Alfa ' else '' end
              || case when g <= ${limit} then 'Beta ' else '' end
              || case when g % 97 = 0 then 'Sjældnik ' else '' end || 'Ib ' || case when g % 3 = 0 then 'Lynge'
              else 'Kristiansen' end end
            from generate_series(1, 400) g`
          yield* sql`insert into kas.person_tax_year (tax_year_id, person_id)
            select ${year!}, id from kas.person where cpr like '7%'`
          yield* sql`analyze kas.person`
          const planned = yield* PersonSearch
          // The same service on a plain pool of one connection, whose prepared statements the test can then read.
          const context = yield* Layer.build(PersonSearch.Default.pipe(Layer.provideMerge(PgPool.layer(1))))
          const pooled = Context.get(context, PersonSearch)
          const pool = Context.get(context, PgPool)
          const terms = [
            "grænse",
            "GRÆNSE",
            "beta",
            "alfa",
            "kristiansen",
            "lynge",
            "sjældnik",
            "ib kr",
            "a b",
            "ingen"
          ]
          for (const name of [...terms, "100%", "a_b", "æns"]) {
            for (const descending of [false, true]) {
              const filter = { taxYearId: year!, name }
              const sort = { key: "cpr", descending } as const
              const expected = yield* planned.page(filter, sort, { offset: 0, limit: 20 })
              const all = Chunk.toReadonlyArray(yield* Stream.runCollect(planned.stream(filter, sort)))
              assert.deepStrictEqual(expected.rows, all.slice(0, 20), name)
              assert.strictEqual(expected.total, Math.min(all.length, PERSON_SEARCH_COUNT_LIMIT), name)
              assert.deepStrictEqual(yield* pooled.page(filter, sort, { offset: 0, limit: 20 }), expected, name)
            }
          }
          const counts = yield* Effect.forEach(["grænse", "beta", "alfa"], (name) =>
            pooled.page({ taxYearId: year!, name }, { key: "cpr", descending: false }, { offset: 0, limit: 20 })
          )
          // Over the limit, at it and under it.
          assert.deepStrictEqual(
            counts.map((c) => [c.total, c.more]),
            [
              [limit, true],
              [limit, false],
              [limit - 1, false]
            ]
          )
          // The statement ran with generic plans only, and the connection went back to the pool as it was.
          const statements = yield* Effect.promise(() =>
            pool.query<{ generic_plans: string; custom_plans: string }>(
              "select generic_plans, custom_plans from pg_prepared_statements where name like 'kas_person_search_%'"
            )
          )
          assert.isAbove(statements.rows.length, 0)
          for (const s of statements.rows) {
            assert.isAbove(Number(s.generic_plans), 0)
            assert.strictEqual(Number(s.custom_plans), 0)
          }
          const mode = yield* Effect.promise(() => pool.query<{ plan_cache_mode: string }>("show plan_cache_mode"))
          assert.strictEqual(mode.rows[0]!.plan_cache_mode, "auto")
          // More matches than the count limit (the page is found by its own scan, not cut from the counted rows): every
          // sort order pages like the stream.
          for (const key of personSearchSortKeys) {
            for (const descending of [false, true]) {
              const filter = { taxYearId: year! }
              const sort = { key, descending }
              const all = Chunk.toReadonlyArray(yield* Stream.runCollect(planned.stream(filter, sort)))
              for (const offset of [0, 20, 380]) {
                const page = yield* planned.page(filter, sort, { offset, limit: 20 })
                assert.deepStrictEqual(page.rows, all.slice(offset, offset + 20), `${descending ? "-" : ""}${key}`)
                assert.deepStrictEqual([page.total, page.more], offset < limit ? [limit, true] : [400, false])
              }
            }
          }
        })
      )
    )
  })
})
