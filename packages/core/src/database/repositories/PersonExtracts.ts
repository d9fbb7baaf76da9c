import { SqlClient } from "@effect/sql"
import type { SqlError } from "@effect/sql/SqlError"
import { Effect, Stream } from "effect"
import { Conditions, sortTerm } from "../internal/SqlText.js"

/** The four person lists of "Udtrækslister" (staff-web.md §5). */
export const personExtractKinds = ["unfinished", "failsend", "unhandled", "foreign"] as const
/** A person list. */
export type PersonExtractKind = (typeof personExtractKinds)[number]

/** The sortable columns of the person lists (each list shows some of them). */
export const personExtractSortKeys = [
  "cpr",
  "name",
  "address",
  "municipality",
  "count",
  "foreign_notes",
  "general_notes"
] as const
/** A sortable column. */
export type PersonExtractSortKey = (typeof personExtractSortKeys)[number]

/** A sort order: a column and its direction. */
export interface PersonExtractSort {
  readonly key: PersonExtractSortKey
  readonly descending: boolean
}

/** One person-year of a list. */
export interface PersonExtractRow {
  readonly personId: number
  readonly personTaxYearId: number
  readonly cpr: string
  readonly name: string | null
  readonly fullAddress: string | null
  readonly municipalityCode: number | null
  readonly municipalityName: string | null
  /** "Antal": the active policies with efterbehandling ("unfinished" only; null in the other lists). */
  readonly count: number | null
  readonly foreignPensionNotes: string | null
  readonly generalNotes: string | null
}

/** A page of a list and the number of rows in all pages. */
export interface PersonExtractPage {
  readonly rows: ReadonlyArray<PersonExtractRow>
  readonly total: number
}

type Row = {
  person_id: number
  person_tax_year_id: number
  cpr: string
  name: string | null
  full_address: string | null
  municipality_code: number | null
  municipality_name: string | null
  count: number | null
  foreign_pension_notes: string | null
  general_notes: string | null
  total?: number
}

const rowOf = (r: Row): PersonExtractRow => ({
  personId: r.person_id,
  personTaxYearId: r.person_tax_year_id,
  cpr: r.cpr,
  name: r.name,
  fullAddress: r.full_address,
  municipalityCode: r.municipality_code,
  municipalityName: r.municipality_name,
  count: r.count,
  foreignPensionNotes: r.foreign_pension_notes,
  generalNotes: r.general_notes
})

// Empty values (null or blank text) sort last in both directions.
const sortExpressions: Readonly<Record<PersonExtractSortKey, ReadonlyArray<string>>> = {
  cpr: ["p.cpr"],
  name: ["lower(nullif(btrim(p.name), ''))"],
  address: ["lower(nullif(btrim(p.full_address), ''))"],
  municipality: ["lower(nullif(btrim(p.municipality_name), ''))", "p.municipality_code"],
  count: ["e.n"],
  foreign_notes: ["lower(nullif(btrim(pty.foreign_pension_notes), ''))"],
  general_notes: ["lower(nullif(btrim(pty.general_notes), ''))"]
}

/** Which person-years each list holds (staff-web.md §5). */
const listConditions: Readonly<Record<PersonExtractKind, string>> = {
  // The join with the counts below keeps the person-years with at least one such policy.
  unfinished: "true",
  // The person-year's (newest) tax slip could not be sent.
  failsend: "exists (select 1 from kas.tax_slip t where t.id = pty.tax_slip_id and t.status = 'failed')",
  unhandled: "not pty.all_documents_and_notes_handled",
  foreign:
    "(nullif(btrim(pty.foreign_pension_notes), '') is not null " +
    "or nullif(btrim(pty.general_notes), '') is not null)"
}

/**
 * The person lists of "Udtrækslister" (staff-web.md §5) for one tax year, sorted with empty values last: a page at a
 * time, or every row through a cursor (the XLSX export, constant memory).
 */
export class PersonExtracts extends Effect.Service<PersonExtracts>()("@kas/core/PersonExtracts", {
  effect: Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient

    const query = (kind: PersonExtractKind, taxYearId: number, sort: PersonExtractSort, extra: string) => {
      const where = new Conditions().add((v) => `pty.tax_year_id = ${v}`, taxYearId).raw(listConditions[kind])
      // "Antal": the year's active policies with efterbehandling, counted once per person-year.
      const counts =
        kind === "unfinished"
          ? `join (select x.person_tax_year_id, count(*)::int as n -- $1: the tax year, as in the conditions
              from kas.policy_tax_year x join kas.person_tax_year y on y.id = x.person_tax_year_id
              where y.tax_year_id = $1 and x.active and x.efterbehandling
              group by x.person_tax_year_id) e on e.person_tax_year_id = pty.id`
          : "cross join (select null::int as n) e"
      const order = [...sortExpressions[sort.key].map((e) => sortTerm(e, sort.descending)), "p.cpr asc"].join(", ")
      const text = `select p.id as person_id, pty.id as person_tax_year_id, p.cpr, p.name, p.full_address,
          p.municipality_code, p.municipality_name, e.n as count, pty.foreign_pension_notes, pty.general_notes${extra}
        from kas.person_tax_year pty join kas.person p on p.id = pty.person_id
        ${counts}
        where ${where.text}
        order by ${order}`
      return { text, params: where.params }
    }

    return {
      /** One page (`offset`, `limit`) of a list and its total. */
      page: Effect.fn("PersonExtracts.page")(function* (
        kind: PersonExtractKind,
        taxYearId: number,
        sort: PersonExtractSort,
        paging: { readonly offset: number; readonly limit: number }
      ) {
        const q = query(kind, taxYearId, sort, ", count(*) over ()::int as total")
        const rows = yield* sql.unsafe<Row>(`${q.text} limit ${paging.limit} offset ${paging.offset}`, q.params)
        if (rows.length === 0 && paging.offset > 0) {
          const [n] = yield* sql.unsafe<{ n: number }>(`select count(*)::int as n from (${q.text}) all_rows`, q.params)
          return { rows: [], total: n?.n ?? 0 } satisfies PersonExtractPage
        }
        return { rows: rows.map(rowOf), total: rows[0]?.total ?? 0 } satisfies PersonExtractPage
      }),
      /** Every row of a list in order, read through a cursor. */
      stream: (
        kind: PersonExtractKind,
        taxYearId: number,
        sort: PersonExtractSort
      ): Stream.Stream<PersonExtractRow, SqlError> => {
        const q = query(kind, taxYearId, sort, "")
        return sql.unsafe<Row>(q.text, q.params).stream.pipe(Stream.map(rowOf))
      }
    }
  })
}) {}
