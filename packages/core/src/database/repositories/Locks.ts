import { SqlClient } from "@effect/sql"
import type { SqlError } from "@effect/sql/SqlError"
import { Effect, Stream } from "effect"
import { NotFound } from "../../domain/DomainError.js"
import { kronerOf } from "../../domain/Kroner.js"

/** A lock with its totals (domain.md §6.3), computed when read from the stored statements and live transactions. */
export interface LockTotals {
  readonly id: number
  readonly taxYearId: number
  readonly year: number
  readonly intervalFrom: string
  readonly intervalTo: string | null
  readonly isOpen: boolean
  /** Count of valid statements. */
  readonly statements: number
  /** Σ stored `total_tax` of each person-year's newest valid statement in the lock (a person counts once). */
  readonly totalTax: number
  /** Σ amounts of these statements' transactions with status `transferred`. */
  readonly transferred: number
  /** Σ amounts of these statements' transactions with status `created` or `ready`. */
  readonly outstanding: number
  /** Open and nothing outstanding. */
  readonly allowClosing: boolean
}

/** One valid statement of a lock (the lock detail page and its XLSX, staff-web.md §13). */
export interface LockStatementRow {
  readonly uuid: string
  readonly personTaxYearId: number
  readonly personId: number
  readonly cpr: string
  readonly name: string | null
  readonly createdAt: Date
  readonly totalTax: number
  readonly transferred: number
  readonly outstanding: number
}

// Valid statements with their stored total tax, newest first per (lock, person-year), and their transaction sums.
const statementsCte = (where: string) => `
with valid as (
  select s.uuid, s.lock_id, s.person_tax_year_id, s.created_at, (s.amounts ->> 'total_tax')::bigint as total_tax,
    row_number() over (partition by s.lock_id, s.person_tax_year_id order by s.created_at desc, s.uuid desc) as rn
  from kas.final_statement s join kas.lock l on l.id = s.lock_id
  where not s.invalid and ${where}
), sums as (
  select t.final_statement_uuid as uuid,
    coalesce(sum(t.amount) filter (where t.status = 'transferred'), 0) as transferred,
    coalesce(sum(t.amount) filter (where t.status in ('created', 'ready')), 0) as outstanding
  from kas.transaction t join valid v on v.uuid = t.final_statement_uuid
  group by t.final_statement_uuid
)`

type TotalsRow = {
  id: number
  tax_year_id: number
  year: number
  interval_from: string
  interval_to: string | null
  statements: number
  total_tax: string
  transferred: string
  outstanding: string
}

const toTotals = (r: TotalsRow): LockTotals => {
  const outstanding = kronerOf(r.outstanding)
  return {
    id: r.id,
    taxYearId: r.tax_year_id,
    year: r.year,
    intervalFrom: r.interval_from,
    intervalTo: r.interval_to,
    isOpen: r.interval_to === null,
    statements: r.statements,
    totalTax: kronerOf(r.total_tax),
    transferred: kronerOf(r.transferred),
    outstanding,
    allowClosing: r.interval_to === null && outstanding === 0
  }
}

const totalsSql = (where: string) => `${statementsCte(where)}
select l.id, l.tax_year_id, ty.year, l.interval_from::text as interval_from, l.interval_to::text as interval_to,
  count(v.uuid)::int as statements,
  coalesce(sum(v.total_tax) filter (where v.rn = 1), 0)::text as total_tax,
  coalesce(sum(x.transferred), 0)::text as transferred,
  coalesce(sum(x.outstanding), 0)::text as outstanding
from kas.lock l join kas.tax_year ty on ty.id = l.tax_year_id
left join valid v on v.lock_id = l.id
left join sums x on x.uuid = v.uuid
where ${where}
group by l.id, ty.year
order by coalesce(sum(x.outstanding), 0) desc, l.interval_from desc, l.id desc`

type StatementRow = {
  uuid: string
  person_tax_year_id: number
  person_id: number
  cpr: string
  name: string | null
  created_at: Date
  total_tax: string
  transferred: string
  outstanding: string
}

const statementsSql = (paging: string) => `${statementsCte("l.id = $1")}
select v.uuid, v.person_tax_year_id, p.id as person_id, p.cpr, p.name, v.created_at,
  v.total_tax::text as total_tax,
  coalesce(x.transferred, 0)::text as transferred, coalesce(x.outstanding, 0)::text as outstanding
from valid v join kas.person_tax_year pty on pty.id = v.person_tax_year_id
  join kas.person p on p.id = pty.person_id
left join sums x on x.uuid = v.uuid
order by p.cpr, v.created_at desc, v.uuid
${paging}`

const toStatementRow = (r: StatementRow): LockStatementRow => ({
  uuid: r.uuid,
  personTaxYearId: r.person_tax_year_id,
  personId: r.person_id,
  cpr: r.cpr,
  name: r.name,
  createdAt: r.created_at,
  totalTax: kronerOf(r.total_tax),
  transferred: kronerOf(r.transferred),
  outstanding: kronerOf(r.outstanding)
})

/**
 * Lock totals (domain.md §6.3): number of valid statements, total calculated tax, transferred to Prisme and
 * outstanding, computed on every read from each statement's stored `total_tax` and its transactions' current status;
 * `allowClosing` = open and outstanding = 0. Closing is `TaxYears.closeLock`, which applies the same rule.
 */
export class Locks extends Effect.Service<Locks>()("@kas/core/Locks", {
  effect: Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    return {
      /** The locks of a tax year with their totals, sorted by outstanding amount, descending (staff-web.md §13). */
      listWithTotals: Effect.fn("Locks.listWithTotals")(function* (taxYearId: number) {
        const rows = yield* sql.unsafe<TotalsRow>(totalsSql("l.tax_year_id = $1"), [taxYearId])
        return rows.map(toTotals)
      }),
      /** One lock with its totals. */
      totals: Effect.fn("Locks.totals")(function* (lockId: number) {
        const rows = yield* sql.unsafe<TotalsRow>(totalsSql("l.id = $1"), [lockId])
        return rows[0] ? toTotals(rows[0]) : yield* Effect.fail(NotFound.of("Lås", lockId))
      }),
      /** The valid statements of a lock, each with its own total tax, transferred and outstanding amounts. */
      statementRows: Effect.fn("Locks.statementRows")(function* (lockId: number) {
        return (yield* sql.unsafe<StatementRow>(statementsSql(""), [lockId])).map(toStatementRow)
      }),
      /** One page of a lock's statements (the lock detail, 20 rows at a time) and how many there are. */
      statementPage: Effect.fn("Locks.statementPage")(function* (
        lockId: number,
        page: { readonly offset: number; readonly limit: number }
      ) {
        const rows = yield* sql.unsafe<StatementRow>(statementsSql("limit $2 offset $3"), [
          lockId,
          page.limit,
          page.offset
        ])
        const [count] = yield* sql.unsafe<{ n: number }>(
          `${statementsCte("l.id = $1")} select count(*)::int as n from valid v`,
          [lockId]
        )
        return { rows: rows.map(toStatementRow), total: count?.n ?? 0 }
      }),
      /** Every statement of a lock in page order, read through a cursor (the lock's XLSX export). */
      statementStream: (lockId: number): Stream.Stream<LockStatementRow, SqlError> =>
        sql.unsafe<StatementRow>(statementsSql(""), [lockId]).stream.pipe(Stream.map(toStatementRow))
    }
  })
}) {}
