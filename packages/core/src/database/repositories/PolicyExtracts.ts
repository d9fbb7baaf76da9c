import { SqlClient } from "@effect/sql"
import type { SqlError } from "@effect/sql/SqlError"
import { Effect, Stream } from "effect"
import { kronerOrNullOf } from "../../domain/Kroner.js"
import { Conditions, containsPattern, sortTerm } from "../internal/SqlText.js"

/** The two policy lists of "Udtrækslister" (staff-web.md §5). */
export const policyExtractKinds = ["unfinished", "taxdifference"] as const
/** A policy list. */
export type PolicyExtractKind = (typeof policyExtractKinds)[number]

/** The filters of the policy lists; absent = not filtered. */
export interface PolicyExtractFilter {
  readonly taxYearId: number
  /** Case-insensitive "contains" on the pension company's name. */
  readonly companyName?: string | undefined
  /** Case-insensitive "contains" on the policy number. */
  readonly policyNumber?: string | undefined
  /** The policy's own slutlignet flag. */
  readonly slutlignet?: boolean | undefined
}

/** The sortable columns of the policy lists. */
export const policyExtractSortKeys = [
  "cpr",
  "name",
  "company",
  "policy_number",
  "prefilled",
  "self_reported",
  "difference",
  "difference_percent",
  "next_date"
] as const
/** A sortable column. */
export type PolicyExtractSortKey = (typeof policyExtractSortKeys)[number]

/** A sort order: a column and its direction. */
export interface PolicyExtractSort {
  readonly key: PolicyExtractSortKey
  readonly descending: boolean
}

/** One policy-year of a list. */
export interface PolicyExtractRow {
  readonly policyTaxYearId: number
  readonly personId: number
  readonly personTaxYearId: number
  readonly cpr: string
  readonly name: string | null
  readonly companyName: string | null
  readonly companyRes: number | null
  readonly policyNumber: string
  /** "Fortrykt beløb": the amount reported by the company. */
  readonly prefilledAmount: number | null
  /** "Selvangivet beløb". */
  readonly selfReportedAmount: number | null
  /** "Forskel" = self-reported − prefilled; null when either is missing. */
  readonly difference: number | null
  /** "Forskel %" = trunc(Forskel × 100 / prefilled); null when prefilled is 0 or missing (or Forskel is). */
  readonly differencePercent: number | null
  readonly nextProcessingDate: string | null
}

/** A page of a list and the number of rows in all pages. */
export interface PolicyExtractPage {
  readonly rows: ReadonlyArray<PolicyExtractRow>
  readonly total: number
}

type Row = {
  policy_tax_year_id: number
  person_id: number
  person_tax_year_id: number
  cpr: string
  name: string | null
  company_name: string | null
  company_res: number | null
  policy_number: string
  prefilled_amount: string | null
  self_reported_amount: string | null
  difference: string | null
  difference_percent: string | null
  next_processing_date: string | null
  total?: number
}

const rowOf = (r: Row): PolicyExtractRow => ({
  policyTaxYearId: r.policy_tax_year_id,
  personId: r.person_id,
  personTaxYearId: r.person_tax_year_id,
  cpr: r.cpr,
  name: r.name,
  companyName: r.company_name,
  companyRes: r.company_res,
  policyNumber: r.policy_number,
  prefilledAmount: kronerOrNullOf(r.prefilled_amount),
  selfReportedAmount: kronerOrNullOf(r.self_reported_amount),
  difference: kronerOrNullOf(r.difference),
  differencePercent: kronerOrNullOf(r.difference_percent),
  nextProcessingDate: r.next_processing_date
})

// Empty values (null or blank text) sort last in both directions.
const sortExpressions: Readonly<Record<PolicyExtractSortKey, ReadonlyArray<string>>> = {
  cpr: ["p.cpr"],
  name: ["lower(nullif(btrim(p.name), ''))"],
  company: ["lower(nullif(btrim(c.name), ''))"],
  policy_number: ["lower(x.policy_number)"],
  prefilled: ["x.prefilled_amount"],
  self_reported: ["x.self_reported_amount"],
  difference: ["d.difference"],
  difference_percent: ["d.difference_percent"],
  next_date: ["x.next_processing_date"]
}

/** Which active policies each list holds (staff-web.md §5). */
const listConditions: Readonly<Record<PolicyExtractKind, string>> = {
  unfinished: "x.efterbehandling",
  taxdifference:
    "x.self_reported_amount is not null and x.prefilled_amount is not null " +
    "and x.self_reported_amount <> x.prefilled_amount"
}

/**
 * The policy lists of "Udtrækslister" (staff-web.md §5) for one tax year: active policies with efterbehandling, or
 * whose self-reported and prefilled amounts differ, with the difference in kroner and percent computed in SQL; a
 * page at a time, or every row through a cursor (the XLSX export).
 */
export class PolicyExtracts extends Effect.Service<PolicyExtracts>()("@kas/core/PolicyExtracts", {
  effect: Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient

    const query = (kind: PolicyExtractKind, filter: PolicyExtractFilter, sort: PolicyExtractSort, extra: string) => {
      const where = new Conditions()
        .add((v) => `pty.tax_year_id = ${v}`, filter.taxYearId)
        .raw("x.active")
        .raw(listConditions[kind])
      if (filter.companyName) where.add((v) => `c.name ilike ${v}`, containsPattern(filter.companyName))
      if (filter.policyNumber) where.add((v) => `x.policy_number ilike ${v}`, containsPattern(filter.policyNumber))
      if (filter.slutlignet !== undefined) where.add((v) => `x.slutlignet = ${v}`, filter.slutlignet)
      const order = [...sortExpressions[sort.key].map((e) => sortTerm(e, sort.descending)), "p.cpr asc", "x.id asc"]
      // Integer division in PostgreSQL truncates towards zero, as trunc() does.
      const text = `select x.id as policy_tax_year_id, p.id as person_id, pty.id as person_tax_year_id, p.cpr, p.name,
          c.name as company_name, c.res as company_res, x.policy_number, x.prefilled_amount, x.self_reported_amount,
          d.difference, d.difference_percent, x.next_processing_date::text as next_processing_date${extra}
        from kas.policy_tax_year x
        join kas.person_tax_year pty on pty.id = x.person_tax_year_id
        join kas.person p on p.id = pty.person_id
        join kas.pension_company c on c.id = x.pension_company_id
        cross join lateral (select x.self_reported_amount - x.prefilled_amount as difference,
            case when x.prefilled_amount <> 0
              then (x.self_reported_amount - x.prefilled_amount) * 100 / x.prefilled_amount end as difference_percent) d
        where ${where.text}
        order by ${order.join(", ")}`
      return { text, params: where.params }
    }

    return {
      /** One page (`offset`, `limit`) of a list and its total. */
      page: Effect.fn("PolicyExtracts.page")(function* (
        kind: PolicyExtractKind,
        filter: PolicyExtractFilter,
        sort: PolicyExtractSort,
        paging: { readonly offset: number; readonly limit: number }
      ) {
        const q = query(kind, filter, sort, ", count(*) over ()::int as total")
        const rows = yield* sql.unsafe<Row>(`${q.text} limit ${paging.limit} offset ${paging.offset}`, q.params)
        if (rows.length === 0 && paging.offset > 0) {
          const [n] = yield* sql.unsafe<{ n: number }>(`select count(*)::int as n from (${q.text}) all_rows`, q.params)
          return { rows: [], total: n?.n ?? 0 } satisfies PolicyExtractPage
        }
        return { rows: rows.map(rowOf), total: rows[0]?.total ?? 0 } satisfies PolicyExtractPage
      }),
      /** Every row of a list in order, read through a cursor. */
      stream: (
        kind: PolicyExtractKind,
        filter: PolicyExtractFilter,
        sort: PolicyExtractSort
      ): Stream.Stream<PolicyExtractRow, SqlError> => {
        const q = query(kind, filter, sort, "")
        return sql.unsafe<Row>(q.text, q.params).stream.pipe(Stream.map(rowOf))
      }
    }
  })
}) {}
