import { SqlClient } from "@effect/sql"
import type { SqlError } from "@effect/sql/SqlError"
import { Effect, Stream } from "effect"
import { containsPattern, sortTerm } from "../internal/SqlText.js"

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

// Empty values (null or blank text) sort last in both directions (staff-web.md §3). `p` is the alias of the person's
// columns, `s` that of the policy aggregates.
const sortExpressions: Readonly<Record<PersonSearchSortKey, (p: string, s: string) => ReadonlyArray<string>>> = {
  cpr: (p) => [`${p}.cpr`],
  name: (p) => [`lower(nullif(${p}.name, ''))`],
  address: (p) => [`lower(nullif(${p}.full_address, ''))`],
  municipality: (p) => [`lower(nullif(${p}.municipality_name, ''))`, `${p}.municipality_code`],
  policies: (_, s) => [`${s}.policies`],
  next_date: (_, s) => [`${s}.next_processing_date`]
}

const orderBy = (sort: PersonSearchSort, p: string, s: string) =>
  [...sortExpressions[sort.key](p, s).map((e) => sortTerm(e, sort.descending)), `${p}.cpr asc`].join(", ")

/**
 * Case-insensitive "contains" on a column with a trigram index: from three letters (what a trigram can serve) the
 * same test is repeated through `kas.text_contains_ci`, whose declared cost makes the planner prefer the index over
 * reading every person (core migration 0023); it runs only on the rows the index found.
 */
const textContains = (column: string, param: string, text: string) =>
  text.length >= 3
    ? `(${column} ilike ${param} and kas.text_contains_ci(${column}, ${param}))`
    : `${column} ilike ${param}`

/** Sorting by these needs every row's policy counts; the others sort (and page) before counting. */
const sortsByAggregate = (sort: PersonSearchSort) => sort.key === "policies" || sort.key === "next_date"

/**
 * "Find person" (staff-web.md §3): person-years of a tax year matching the filters, with their policy counts and
 * earliest next processing date; a page at a time, or every row as a stream (the XLSX export, read through a cursor
 * so that a whole year is exported in constant memory).
 */
export class PersonSearch extends Effect.Service<PersonSearch>()("@kas/core/PersonSearch", {
  effect: Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient

    const conditions = (filter: PersonSearchFilter) => {
      const where: Array<string> = ["pty.tax_year_id = $1"]
      const params: Array<unknown> = [filter.taxYearId]
      const add = (condition: (param: string) => string, value: unknown) => {
        params.push(value)
        where.push(condition(`$${params.length}`))
      }
      if (filter.cpr) add((v) => `p.cpr like ${v}`, containsPattern(filter.cpr))
      const { name, address } = filter
      if (name) add((v) => textContains("p.name", v, name), containsPattern(name))
      if (filter.municipalityCode !== undefined) add((v) => `p.municipality_code = ${v}`, filter.municipalityCode)
      if (filter.municipalityName)
        add((v) => `p.municipality_name ilike ${v}`, containsPattern(filter.municipalityName))
      if (address) add((v) => textContains("p.full_address", v, address), containsPattern(address))
      if (filter.fullyTaxLiable !== undefined) add((v) => `pty.fully_tax_liable = ${v}`, filter.fullyTaxLiable)
      if (filter.slutlignet !== undefined) {
        add(
          (v) => `(not exists (select 1 from kas.policy_tax_year u where u.person_tax_year_id = pty.id
          and u.active and not u.slutlignet)) = ${v}`,
          filter.slutlignet
        )
      }
      return { where: where.join(" and "), params }
    }

    const personColumns = (p: string, pty: string) => `${p}.id as person_id, ${pty}.id as person_tax_year_id, ${p}.cpr,
      ${p}.name, ${p}.full_address, ${p}.municipality_code, ${p}.municipality_name`
    // The policy counts and earliest next date of the person-year `pty`.
    const aggregates = (pty: string) => `cross join lateral (select count(*)::int as policies,
        count(*) filter (where x.slutlignet)::int as finished,
        count(*) filter (where not x.slutlignet)::int as unfinished,
        min(x.next_processing_date) as next_processing_date
      from kas.policy_tax_year x where x.person_tax_year_id = ${pty}) s`
    const aggregateColumns =
      "s.policies, s.finished, s.unfinished, s.next_processing_date::text as next_processing_date"

    /** Every matching row with its counts, in order. */
    const query = (filter: PersonSearchFilter, sort: PersonSearchSort, extra: string) => {
      const { where, params } = conditions(filter)
      const text = `select ${personColumns("p", "pty")}, ${aggregateColumns}${extra}
        from kas.person_tax_year pty join kas.person p on p.id = pty.person_id
        ${aggregates("pty.id")}
        where ${where}
        order by ${orderBy(sort, "p", "s")}`
      return { text, params }
    }

    /**
     * One page: sorted by a person column, the page is cut before its rows' policies are counted (a search that
     * matches most of a year counts 20 person-years, not all of them).
     */
    const pageQuery = (filter: PersonSearchFilter, sort: PersonSearchSort, limit: number, offset: number) => {
      if (sortsByAggregate(sort)) {
        const q = query(filter, sort, ", count(*) over ()::int as total")
        return { text: `${q.text} limit ${limit} offset ${offset}`, params: q.params }
      }
      const { where, params } = conditions(filter)
      const text = `select b.person_id, b.person_tax_year_id, b.cpr, b.name, b.full_address, b.municipality_code,
          b.municipality_name, ${aggregateColumns}, b.total
        from (select ${personColumns("p", "pty")}, count(*) over ()::int as total
          from kas.person_tax_year pty join kas.person p on p.id = pty.person_id
          where ${where}
          order by ${orderBy(sort, "p", "s")} limit ${limit} offset ${offset}) b
        ${aggregates("b.person_tax_year_id")}
        order by ${orderBy(sort, "b", "s")}`
      return { text, params }
    }

    return {
      /** One page (`offset`, `limit`) of the rows and the total count. */
      page: Effect.fn("PersonSearch.page")(function* (
        filter: PersonSearchFilter,
        sort: PersonSearchSort,
        paging: { readonly offset: number; readonly limit: number }
      ) {
        const q = pageQuery(filter, sort, paging.limit, paging.offset)
        const rows = yield* sql.unsafe<Row>(q.text, q.params)
        if (rows.length === 0 && paging.offset > 0) {
          const { where, params } = conditions(filter)
          const [n] = yield* sql.unsafe<{ n: number }>(
            `select count(*)::int as n from kas.person_tax_year pty join kas.person p on p.id = pty.person_id
            where ${where}`,
            params
          )
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
