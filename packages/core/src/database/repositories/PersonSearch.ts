import { SqlClient } from "@effect/sql"
import type { SqlError } from "@effect/sql/SqlError"
import { Effect, Stream } from "effect"

/** The filters of "Find person" (staff-web.md §3); absent = not filtered. */
export interface PersonSearchFilter {
  readonly taxYearId: number
  /** Digits only; "contains". */
  readonly cpr?: string | undefined
  /** Case-insensitive "contains". */
  readonly name?: string | undefined
  /** Exact. */
  readonly municipalityCode?: number | undefined
  /** Case-insensitive "contains". */
  readonly municipalityName?: string | undefined
  /** Case-insensitive "contains" on the one-line address. */
  readonly address?: string | undefined
  readonly fullyTaxLiable?: boolean | undefined
  /** true: no active policy unfinished; false: at least one active policy unfinished. */
  readonly slutlignet?: boolean | undefined
}

/** The sortable columns of the result list. */
export const personSearchSortKeys = ["cpr", "name", "address", "municipality", "policies", "next_date"] as const
/** A sortable column. */
export type PersonSearchSortKey = (typeof personSearchSortKeys)[number]

/** A sort order: a column and its direction. */
export interface PersonSearchSort {
  readonly key: PersonSearchSortKey
  readonly descending: boolean
}

/** One person-year found. */
export interface PersonSearchRow {
  readonly personId: number
  readonly personTaxYearId: number
  readonly cpr: string
  readonly name: string | null
  readonly fullAddress: string | null
  readonly municipalityCode: number | null
  readonly municipalityName: string | null
  /** Every policy of the person-year, inactive ones included. */
  readonly policies: number
  /** Policies with slutlignet (inactive ones included, so the two counts add up to `policies`). */
  readonly finished: number
  readonly unfinished: number
  /** The earliest `next_processing_date` among the person-year's policies (`YYYY-MM-DD`). */
  readonly nextProcessingDate: string | null
}

/** A page of results and the number of rows in all pages. */
export interface PersonSearchPage {
  readonly rows: ReadonlyArray<PersonSearchRow>
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
  policies: number
  finished: number
  unfinished: number
  next_processing_date: string | null
  total?: number
}

const rowOf = (r: Row): PersonSearchRow => ({
  personId: r.person_id,
  personTaxYearId: r.person_tax_year_id,
  cpr: r.cpr,
  name: r.name,
  fullAddress: r.full_address,
  municipalityCode: r.municipality_code,
  municipalityName: r.municipality_name,
  policies: r.policies,
  finished: r.finished,
  unfinished: r.unfinished,
  nextProcessingDate: r.next_processing_date
})

/** `%text%` for LIKE, with the pattern characters of `text` taken literally. */
const contains = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`

// Empty values (null or blank text) sort last in both directions (staff-web.md §3).
const sortExpressions: Readonly<Record<PersonSearchSortKey, ReadonlyArray<string>>> = {
  cpr: ["p.cpr"],
  name: ["lower(nullif(p.name, ''))"],
  address: ["lower(nullif(p.full_address, ''))"],
  municipality: ["lower(nullif(p.municipality_name, ''))", "p.municipality_code"],
  policies: ["s.policies"],
  next_date: ["s.next_processing_date"]
}

const orderBy = (sort: PersonSearchSort) =>
  [...sortExpressions[sort.key].map((e) => `${e} ${sort.descending ? "desc" : "asc"} nulls last`), "p.cpr asc"].join(
    ", "
  )

/**
 * "Find person" (staff-web.md §3): person-years of a tax year matching the filters, with their policy counts and
 * earliest next processing date; a page at a time, or every row as a stream (the XLSX export, read through a cursor
 * so that a whole year is exported in constant memory).
 */
export class PersonSearch extends Effect.Service<PersonSearch>()("@kas/core/PersonSearch", {
  effect: Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient

    const query = (filter: PersonSearchFilter, sort: PersonSearchSort, extra: string) => {
      const where: Array<string> = ["pty.tax_year_id = $1"]
      const params: Array<unknown> = [filter.taxYearId]
      const add = (condition: (param: string) => string, value: unknown) => {
        params.push(value)
        where.push(condition(`$${params.length}`))
      }
      if (filter.cpr) add((v) => `p.cpr like ${v}`, contains(filter.cpr))
      if (filter.name) add((v) => `p.name ilike ${v}`, contains(filter.name))
      if (filter.municipalityCode !== undefined) add((v) => `p.municipality_code = ${v}`, filter.municipalityCode)
      if (filter.municipalityName) add((v) => `p.municipality_name ilike ${v}`, contains(filter.municipalityName))
      if (filter.address) add((v) => `p.full_address ilike ${v}`, contains(filter.address))
      if (filter.fullyTaxLiable !== undefined) add((v) => `pty.fully_tax_liable = ${v}`, filter.fullyTaxLiable)
      if (filter.slutlignet !== undefined) {
        add(
          (v) => `(not exists (select 1 from kas.policy_tax_year u where u.person_tax_year_id = pty.id
          and u.active and not u.slutlignet)) = ${v}`,
          filter.slutlignet
        )
      }
      const text = `select p.id as person_id, pty.id as person_tax_year_id, p.cpr, p.name, p.full_address,
          p.municipality_code, p.municipality_name, s.policies, s.finished, s.unfinished,
          s.next_processing_date::text as next_processing_date${extra}
        from kas.person_tax_year pty join kas.person p on p.id = pty.person_id
        cross join lateral (select count(*)::int as policies, count(*) filter (where x.slutlignet)::int as finished,
            count(*) filter (where not x.slutlignet)::int as unfinished,
            min(x.next_processing_date) as next_processing_date
          from kas.policy_tax_year x where x.person_tax_year_id = pty.id) s
        where ${where.join(" and ")}
        order by ${orderBy(sort)}`
      return { text, params }
    }

    return {
      /** One page (`offset`, `limit`) of the rows and the total count. */
      page: Effect.fn("PersonSearch.page")(function* (
        filter: PersonSearchFilter,
        sort: PersonSearchSort,
        paging: { readonly offset: number; readonly limit: number }
      ) {
        const q = query(filter, sort, ", count(*) over ()::int as total")
        const rows = yield* sql.unsafe<Row>(`${q.text} limit ${paging.limit} offset ${paging.offset}`, q.params)
        if (rows.length === 0 && paging.offset > 0) {
          const [n] = yield* sql.unsafe<{ n: number }>(`select count(*)::int as n from (${q.text}) all_rows`, q.params)
          return { rows: [], total: n?.n ?? 0 } satisfies PersonSearchPage
        }
        return { rows: rows.map(rowOf), total: rows[0]?.total ?? 0 } satisfies PersonSearchPage
      }),
      /** Every matching row in order, read through a cursor. */
      stream: (filter: PersonSearchFilter, sort: PersonSearchSort): Stream.Stream<PersonSearchRow, SqlError> => {
        const q = query(filter, sort, "")
        return sql.unsafe<Row>(q.text, q.params).stream.pipe(Stream.map(rowOf))
      }
    }
  })
}) {}
