import { SqlClient } from "@effect/sql"
import { SqlError } from "@effect/sql/SqlError"
import { Effect, Option, Stream } from "effect"
import type { Pool } from "pg"
import { Conditions, containsPattern, sortTerm } from "../internal/SqlText.js"
import { PgPool } from "../PgPool.js"

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

/**
 * How many matching person-years a page counts at least (and at most past the page shown): counting every match of a
 * common name part means reading thousands of persons for each keystroke, so beyond this the total is shown as "more
 * than" (the rows of every page are still found, and the XLSX export holds them all).
 */
export const PERSON_SEARCH_COUNT_LIMIT = 200

/** A page of results and the number of rows in all pages, or a lower bound of it. */
export interface PersonSearchPage {
  readonly rows: ReadonlyArray<PersonSearchRow>
  /** Every matching row when `more` is false; otherwise the rows counted, and there are more. */
  readonly total: number
  /** True when more rows match than `total` (it counted up to max(PERSON_SEARCH_COUNT_LIMIT, the page's end)). */
  readonly more: boolean
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
}

/** A row of a page: the matches counted, and a row of the page or, when the page is empty, nulls. */
type PageRow = { readonly counted: number } & (Row | { readonly person_id: null })

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
 * reading every person (core migration 0023); it runs only on the rows the index found. A generic plan (`hint`
 * false) needs no such hint: it cannot estimate a parameter's pattern and finds it through the index anyway.
 */
const textContains = (column: string, param: string, text: string, hint: boolean) =>
  hint && text.length >= 3
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

    const conditions = (filter: PersonSearchFilter, hint = true) => {
      const where = new Conditions().add((v) => `pty.tax_year_id = ${v}`, filter.taxYearId)
      const { cpr, name, municipalityName, address } = filter
      if (cpr) where.add((v) => `p.cpr like ${v}`, containsPattern(cpr))
      if (name) where.add((v) => textContains("p.name", v, name, hint), containsPattern(name))
      if (filter.municipalityCode !== undefined) where.add((v) => `p.municipality_code = ${v}`, filter.municipalityCode)
      if (municipalityName) where.add((v) => `p.municipality_name ilike ${v}`, containsPattern(municipalityName))
      if (address) where.add((v) => textContains("p.full_address", v, address, hint), containsPattern(address))
      if (filter.fullyTaxLiable !== undefined) where.add((v) => `pty.fully_tax_liable = ${v}`, filter.fullyTaxLiable)
      if (filter.slutlignet !== undefined) {
        where.add(
          (v) => `(not exists (select 1 from kas.policy_tax_year u where u.person_tax_year_id = pty.id
          and u.active and not u.slutlignet)) = ${v}`,
          filter.slutlignet
        )
      }
      return where
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
    const matching = "from kas.person_tax_year pty join kas.person p on p.id = pty.person_id"

    /** Every matching row with its counts, in order. */
    const query = (filter: PersonSearchFilter, sort: PersonSearchSort) => {
      const where = conditions(filter)
      const text = `select ${personColumns("p", "pty")}, ${aggregateColumns}
        ${matching} ${aggregates("pty.id")}
        where ${where.text}
        order by ${orderBy(sort, "p", "s")}`
      return { text, params: where.params }
    }

    /**
     * One page and, beside it, the matches counted up to `countLimit`, in one statement. The count's rows (at most
     * `countLimit`, with their person columns) are kept (`m`): when they are fewer than `countLimit` they are every
     * match, and the page is cut from them; otherwise the page is found on its own (for a common name part by walking
     * the persons in order and stopping after the page). Only the branch that the count chose runs (each has a
     * one-time filter on it), so a rare name part is looked up in the trigram index once, and the walk in order only
     * runs where there are many matches. Sorted by a person column, the page is cut before its rows' policies are
     * counted (a search that matches most of a year counts 20 person-years, not all of them). Always at least one row:
     * the count, with the page's columns (all null when the page is empty).
     */
    const pageQuery = (
      filter: PersonSearchFilter,
      sort: PersonSearchSort,
      paging: { readonly offset: number; readonly limit: number },
      countLimit: number,
      hint: boolean
    ) => {
      const where = conditions(filter, hint)
      const cut = `limit ${paging.limit} offset ${paging.offset}`
      const fromCount = `c.counted < ${countLimit}`
      const walked = `c.counted >= ${countLimit} and ${where.text}`
      const page = sortsByAggregate(sort)
        ? `(select m.*, ${aggregateColumns} from m ${aggregates("m.person_tax_year_id")}
              where ${fromCount} order by ${orderBy(sort, "m", "s")} ${cut})
            union all
            (select ${personColumns("p", "pty")}, ${aggregateColumns} ${matching} ${aggregates("pty.id")}
              where ${walked} order by ${orderBy(sort, "p", "s")} ${cut})`
        : `select f.*, ${aggregateColumns}
            from ((select m.* from m where ${fromCount} order by ${orderBy(sort, "m", "m")} ${cut})
              union all
              (select ${personColumns("p", "pty")} ${matching}
                where ${walked} order by ${orderBy(sort, "p", "p")} ${cut})
            ) f
            ${aggregates("f.person_tax_year_id")}`
      const text = `with m as materialized (
          select ${personColumns("p", "pty")} ${matching} where ${where.text} limit ${countLimit})
        select c.counted, b.*
        from (select count(*)::int as counted from m) c
        left join lateral (${page}) b on true
        order by ${orderBy(sort, "b", "b")}`
      return { text, params: where.params }
    }

    /**
     * The first page of a name part in a year, sorted by CPR (what "search as you type" asks for most), runs as a
     * prepared statement with a generic plan on the plain pool where the process has one (kas web): planned once per
     * connection instead of per keystroke (planning and its estimates of the pattern were a fifth of the statement's
     * CPU), and without `kas.text_contains_ci` (no call per matching row). Its one plan suits every name part because
     * the count chooses the branch at run time (pageQuery): the trigram index for the count and for few matches, the
     * walk in CPR order only with at least `countLimit` matches, and only for the first page, so the walk stops
     * within the first 20 · persons / countLimit persons. `plan_cache_mode` is set on the connection for the
     * statement only and reset before the connection goes back to the pool.
     */
    const pool = yield* Effect.serviceOption(PgPool)
    // Three letters or digits in a row give the index a trigram to look up; without one (e.g. "a b", "100%") the
    // generic plan would read the whole index, so such a part is planned for its own pattern.
    const trigramRun = /[\p{L}\p{N}]{3}/u
    const genericPlanFits = (filter: PersonSearchFilter, sort: PersonSearchSort, offset: number) =>
      offset === 0 &&
      sort.key === "cpr" &&
      filter.name !== undefined &&
      trigramRun.test(filter.name) &&
      Object.entries(filter).every(([key, value]) => value === undefined || key === "taxYearId" || key === "name")
    const runGeneric = (p: Pool, name: string, q: { text: string; params: ReadonlyArray<unknown> }) =>
      Effect.tryPromise({
        try: async () => {
          const client = await p.connect()
          let broken: Error | undefined
          try {
            await client.query("set plan_cache_mode = force_generic_plan")
            return (await client.query<PageRow>({ name, text: q.text, values: [...q.params] })).rows
          } finally {
            await client.query("reset plan_cache_mode").catch((e: Error) => {
              broken = e
            })
            client.release(broken)
          }
        },
        catch: (cause) => new SqlError({ cause, message: "Failed to search persons" })
      })

    return {
      /**
       * One page (`offset`, `limit`) of the rows and their total: exact up to PERSON_SEARCH_COUNT_LIMIT or the page's
       * end, whichever is further; beyond it, the rows counted and `more`.
       */
      page: Effect.fn("PersonSearch.page")(function* (
        filter: PersonSearchFilter,
        sort: PersonSearchSort,
        paging: { readonly offset: number; readonly limit: number }
      ) {
        // One more than the rows that will be told apart: counting it tells that there are more.
        const countUpTo = Math.max(PERSON_SEARCH_COUNT_LIMIT, paging.offset + paging.limit)
        const generic = Option.isSome(pool) && genericPlanFits(filter, sort, paging.offset)
        const q = pageQuery(filter, sort, paging, countUpTo + 1, !generic)
        const rows =
          generic && Option.isSome(pool)
            ? yield* runGeneric(
                pool.value,
                `kas_person_search_${paging.limit}_${countUpTo + 1}_${sort.descending ? "desc" : "asc"}`,
                q
              )
            : yield* sql.unsafe<PageRow>(q.text, q.params)
        const counted = rows[0]?.counted ?? 0
        return {
          rows: rows.flatMap((r) => (r.person_id === null ? [] : [rowOf(r)])),
          total: Math.min(counted, countUpTo),
          more: counted > countUpTo
        } satisfies PersonSearchPage
      }),
      /** Every matching row in order, read through a cursor. */
      stream: (filter: PersonSearchFilter, sort: PersonSearchSort): Stream.Stream<PersonSearchRow, SqlError> => {
        const q = query(filter, sort)
        return sql.unsafe<Row>(q.text, q.params).stream.pipe(Stream.map(rowOf))
      }
    }
  })
}) {}
