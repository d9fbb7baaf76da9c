import { SqlClient } from "@effect/sql"
import { assert, describe, it } from "@effect/vitest"
import { Chunk, Effect, Layer, Stream } from "effect"
import { PersonExtracts, type PersonExtractKind, type PersonExtractSort } from "../../../src/index.js"
import { TestDatabase } from "../../../src/testing/index.js"

/** The person lists of staff-web.md §5 on a real database: which person-years each holds, counts, sorting, paging. */

const layer = PersonExtracts.Default.pipe(Layer.provideMerge(TestDatabase.layer))

/**
 * Year 2021 and 2020. Anna: two active policies with efterbehandling (and an inactive one, and one without), a failed
 * latest tax slip, a foreign pension note. Bent: one active with efterbehandling, an older failed slip but a sent
 * latest one, unhandled documents, blank notes. Carl: only an inactive policy with efterbehandling, general notes.
 * Dora (no name): unhandled. Erik: efterbehandling and unhandled, but only in 2020.
 */
const seed = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  const one = (text: string, params: ReadonlyArray<unknown> = []) =>
    sql.unsafe<{ id: number }>(text, params).pipe(Effect.map((r) => r[0]!.id))
  const year = yield* one("insert into kas.tax_year (year) values (2021) returning id")
  const old = yield* one("insert into kas.tax_year (year) values (2020) returning id")
  const company = yield* one("insert into kas.pension_company (name, res) values ('PFA', 1234) returning id")
  const [file] = yield* sql<{ id: string }>`insert into kas.file (kind, folder, name, size, content)
    values ('tax_slip', 'tax_slips', 'Y.pdf', 1, '\\x00'::bytea) returning id::text as id`
  const fileId = file!.id
  const person = (cpr: string, name: string | null) =>
    one("insert into kas.person (cpr, name) values ($1, $2) returning id", [cpr, name])
  const pty = (personId: number, taxYearId: number, fields: Record<string, unknown> = {}) => {
    const cols = Object.keys(fields)
    return one(
      `insert into kas.person_tax_year (tax_year_id, person_id${cols.map((c) => `, ${c}`).join("")})
       values ($1, $2${cols.map((_, i) => `, $${i + 3}`).join("")}) returning id`,
      [taxYearId, personId, ...Object.values(fields)]
    )
  }
  const policy = (ptyId: number, n: string, active: boolean, efterbehandling: boolean) =>
    one(
      `insert into kas.policy_tax_year (person_tax_year_id, pension_company_id, policy_number, active, efterbehandling)
       values ($1, $2, $3, $4, $5) returning id`,
      [ptyId, company, n, active, efterbehandling]
    )
  const slip = (ptyId: number, status: string) =>
    Effect.gen(function* () {
      const id = yield* one(
        "insert into kas.tax_slip (person_tax_year_id, file_id, status) values ($1, $2, $3) returning id",
        [ptyId, fileId, status]
      )
      yield* sql`update kas.person_tax_year set tax_slip_id = ${id} where id = ${ptyId}`
    })
  const anna = yield* pty(yield* person("1802602810", "Anna Testesen"), year, {
    foreign_pension_notes: "Pension i Norge"
  })
  for (const [n, active, eb] of [
    ["A-1", true, true],
    ["A-2", true, true],
    ["A-3", false, true],
    ["A-4", true, false]
  ] as const)
    yield* policy(anna, n, active, eb)
  yield* slip(anna, "failed")
  const bent = yield* pty(yield* person("0101709901", "Bent Andersen"), year, {
    all_documents_and_notes_handled: false,
    foreign_pension_notes: "  ",
    general_notes: ""
  })
  yield* policy(bent, "B-1", true, true)
  yield* slip(bent, "failed")
  yield* slip(bent, "send")
  const carl = yield* pty(yield* person("0202029902", "carl Carlsen"), year, { general_notes: "Mere information" })
  yield* policy(carl, "C-1", false, true)
  yield* pty(yield* person("0303039903", null), year, { all_documents_and_notes_handled: false })
  const erik = yield* person("0404049904", "Erik")
  yield* pty(erik, year)
  const erikOld = yield* pty(erik, old, { all_documents_and_notes_handled: false, general_notes: "Gammel" })
  yield* policy(erikOld, "E-1", true, true)
  return { year, old }
})

const cprsOf = (rows: ReadonlyArray<{ readonly cpr: string }>) => rows.map((r) => r.cpr)
const all = { offset: 0, limit: 100 }

describe("PersonExtracts", () => {
  it.layer(layer)((it) => {
    it.effect("each list holds the person-years of its rule in the year, and only those", () =>
      Effect.gen(function* () {
        const { year, old } = yield* seed
        const lists = yield* PersonExtracts
        const cprs = (
          kind: PersonExtractKind,
          taxYearId = year,
          sort: PersonExtractSort = { key: "cpr", descending: false }
        ) => lists.page(kind, taxYearId, sort, all).pipe(Effect.map((p) => cprsOf(p.rows)))
        // Active policies with efterbehandling only: Carl's inactive one does not count; sorted by count, descending.
        const unfinished = yield* lists.page("unfinished", year, { key: "count", descending: true }, all)
        assert.deepStrictEqual(
          unfinished.rows.map((r) => [r.cpr, r.count]),
          [
            ["1802602810", 2],
            ["0101709901", 1]
          ]
        )
        assert.strictEqual(unfinished.total, 2)
        // The latest tax slip decides: Bent's failed one was followed by a sent one.
        assert.deepStrictEqual(yield* cprs("failsend"), ["1802602810"])
        assert.deepStrictEqual(yield* cprs("unhandled"), ["0101709901", "0303039903"])
        assert.deepStrictEqual(yield* cprs("unhandled", old), ["0404049904"])
        // Blank notes do not count; both notes are read.
        const foreign = yield* lists.page("foreign", year, { key: "cpr", descending: false }, all)
        assert.deepStrictEqual(
          foreign.rows.map((r) => [r.cpr, r.foreignPensionNotes, r.generalNotes]),
          [
            ["0202029902", null, "Mere information"],
            ["1802602810", "Pension i Norge", null]
          ]
        )
        assert.deepStrictEqual(yield* cprs("unfinished", old), ["0404049904"])
      })
    )

    it.effect("sorts case-insensitively with empty values last in both directions; pages; streams every row", () =>
      Effect.gen(function* () {
        const lists = yield* PersonExtracts
        const [{ id: year }] = yield* Effect.flatMap(
          SqlClient.SqlClient,
          (sql) => sql<{ id: number }>`select id from kas.tax_year where year = 2021`
        )
        const byName = (descending: boolean) =>
          lists.page("unhandled", year!, { key: "name", descending }, all).pipe(Effect.map((p) => cprsOf(p.rows)))
        assert.deepStrictEqual(yield* byName(false), ["0101709901", "0303039903"])
        assert.deepStrictEqual(yield* byName(true), ["0101709901", "0303039903"])
        const foreignByNotes = yield* lists.page("foreign", year!, { key: "foreign_notes", descending: true }, all)
        assert.deepStrictEqual(cprsOf(foreignByNotes.rows), ["1802602810", "0202029902"])
        const names = yield* lists.page("foreign", year!, { key: "name", descending: false }, all)
        assert.deepStrictEqual(cprsOf(names.rows), ["1802602810", "0202029902"]) // "Anna" before "carl"
        const second = yield* lists.page("foreign", year!, { key: "name", descending: false }, { offset: 1, limit: 1 })
        assert.deepStrictEqual([cprsOf(second.rows), second.total], [["0202029902"], 2])
        const past = yield* lists.page("foreign", year!, { key: "name", descending: false }, { offset: 20, limit: 20 })
        assert.deepStrictEqual([past.rows.length, past.total], [0, 2])
        const streamed = yield* Stream.runCollect(
          lists.stream("unfinished", year!, { key: "count", descending: false })
        )
        assert.deepStrictEqual(cprsOf(Chunk.toReadonlyArray(streamed)), ["0101709901", "1802602810"])
      })
    )
  })
})
