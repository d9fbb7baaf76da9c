import { SqlClient } from "@effect/sql"
import { type AuditAuthor, Companies, type ImportedPolicy, Persons, Policies } from "@kas/core"
import { Effect } from "effect"
import { ImportError } from "./ImportError.js"

/** Counts of the R75 mapping (eskat.md §8.2, §9). */
export interface R75MapCounts {
  created: number
  updated: number
  skippedNoCensus: number
  skippedNoPolicyNumber: number
}

const CPRS_PER_CHUNK = 2000
const DATE = `'^[0-9]{4}(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01])$'`

/**
 * The groups (cpr, res, ktd) of the chunk's persons with their sum, flags and target person-year and company, as a
 * temporary table the statements of the chunk share; with the stored amount of the policy-year and the stored flags of
 * the person-year, so that only what differs is written (by id: an `UPDATE … FROM r75_groups` was planned as a scan of
 * every policy-year, resp. person-year, for every chunk). `$1` year, CPRs from `$2` to before `$4` (null: no end),
 * `$3` tax year id.
 */
const GROUPS = `
  create temporary table r75_groups on commit drop as
  with lines as (
    select cpr, res, ktd, r75_dato, nullif(trim(renteindtaegt), '')::bigint as amount
    from eskat.imported_r75_row where tax_year = $1 and cpr >= $2 and ($4::text is null or cpr < $4)
  ), groups as (
    -- Corrected: two lines of the group cancel out (an amount and its negation, not 0).
    select l.cpr, l.res, coalesce(l.ktd, '') as ktd, sum(l.amount)::bigint as amount,
      coalesce((select bool_or(x <> 0 and -x = any(array_agg(l.amount))) from unnest(array_agg(l.amount)) as x), false)
        as corrected,
      coalesce(max(l.r75_dato) filter (where l.r75_dato ~ ${DATE}) >= ($1 + 1)::text || '0901', false) as future,
      pty.id as pty_id, pty.person_id, pty.number_of_days as days, pc.id as company_id,
      coalesce(pc.agreement_present, false) as agreement, pty.corrected_r75_data as stored_corrected,
      pty.future_r75_data as stored_future
    from lines l
    -- Lookups by key (offset 0 keeps them per line): a chunk has a few thousand lines, and joining the whole tables
    -- made the planner hash all persons and policies for every chunk.
    left join lateral (select y.id, y.person_id, y.number_of_days, y.corrected_r75_data, y.future_r75_data
      from kas.person p
      join kas.person_tax_year y on y.person_id = p.id and y.tax_year_id = $3 where p.cpr = l.cpr offset 0) pty on true
    left join kas.pension_company pc on pc.res = l.res::int
    group by l.cpr, l.res, l.ktd, pty.id, pty.person_id, pty.number_of_days, pc.id, pty.corrected_r75_data,
      pty.future_r75_data
  ), found as (
    select g.*, q.id as policy_id, q.prefilled_amount as stored_amount
    from groups g left join lateral (select q.id, q.prefilled_amount from kas.policy_tax_year q
      where q.person_tax_year_id = g.pty_id and q.pension_company_id = g.company_id and q.policy_number = g.ktd
      offset 0) q on true
  )
  select f.*, f.policy_id is not null as present,
    (f.policy_id is null and f.pty_id is not null and exists (
      select 1 from kas.policy_tax_year q join kas.person_tax_year qpty on qpty.id = q.person_tax_year_id
      where qpty.person_id = f.person_id and q.pension_company_id = f.company_id and q.policy_number = f.ktd
        and qpty.id <> f.pty_id)) as other_years
  from found f`

/**
 * §8.2: sums the raw R75 rows of a year per (cpr, res, ktd) and writes companies, policy-years (with recalculation)
 * and the person-year flags, set-based, a chunk of persons per transaction, through core's services:
 * `Companies.importByRes`, `Policies.importPrefilled`, `Persons.importR75Flags`.
 */
export const mapR75 = (o: {
  readonly year: number
  readonly taxYearId: number
  readonly author: AuditAuthor
  readonly progress: (fraction: number) => Effect.Effect<void>
}) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const policies = yield* Policies
    const companies = yield* Companies
    const persons = yield* Persons
    const c: R75MapCounts = { created: 0, updated: 0, skippedNoCensus: 0, skippedNoPolicyNumber: 0 }
    // The three reads over the raw rows of the year are independent: they run side by side (each a scan of the year's
    // rows; one after the other they were a serial stretch before the chunks start).
    const [bad, [res], starts] = yield* Effect.all(
      [
        sql.unsafe<{ k: string; v: string | null; res: string | null }>(
          `select r75_ctl_sekvens_guid::text as k, renteindtaegt as v, res from eskat.imported_r75_row
           where tax_year = $1
             and ((nullif(trim(renteindtaegt), '') is not null and trim(renteindtaegt) !~ '^-?[0-9]{1,15}$')
             or res !~ '^[0-9]{1,9}$') limit 1`,
          [o.year]
        ),
        // Companies: one for each registration number with a policy of a person-year, and the import's name for those
        // of the year without one.
        sql.unsafe<{ create: Array<number>; name: Array<number> }>(
          `select
             coalesce((select array_agg(distinct r.res::int) from eskat.imported_r75_row r
               join kas.person p on p.cpr = r.cpr
               join kas.person_tax_year pty on pty.person_id = p.id and pty.tax_year_id = $2
               where r.tax_year = $1 and coalesce(r.ktd, '') <> '' and r.res ~ '^[0-9]{1,9}$'), '{}') as create,
             coalesce((select array_agg(distinct res::int) from eskat.imported_r75_row
               where tax_year = $1 and res ~ '^[0-9]{1,9}$'), '{}') as name`,
          [o.year, o.taxYearId]
        ),
        // Chunks of CPRs: a policy's whole family belongs to one CPR, so the chunks are independent and run side by
        // side.
        sql.unsafe<{ cpr: string }>(
          `select cpr from (select cpr, row_number() over (order by cpr) as rn
             from (select distinct cpr from eskat.imported_r75_row where tax_year = $1) d) x
           where rn % ${CPRS_PER_CHUNK} = 1 order by cpr`,
          [o.year]
        )
      ],
      { concurrency: "unbounded" }
    )
    if (bad.length > 0) {
      return yield* Effect.fail(
        new ImportError({
          message: `R75-række ${bad[0].k}: ${
            bad[0].res !== null && !/^\d{1,9}$/.test(bad[0].res)
              ? `res '${bad[0].res}' er ikke et tal`
              : `renteindtægt '${bad[0].v}' er ikke et heltal`
          }`
        })
      )
    }
    // Companies first, in one transaction, so that the parallel chunks below never insert the same one.
    yield* companies.importByRes({ create: res?.create ?? [], name: res?.name ?? [] })
    const ranges = starts.map((s, i) => [s.cpr, starts[i + 1]?.cpr ?? null] as const)
    let done = 0
    yield* Effect.forEach(
      ranges,
      ([lo, hi]) =>
        sql
          .withTransaction(
            Effect.gen(function* () {
              yield* sql.unsafe(GROUPS, [o.year, lo, o.taxYearId, hi])
              const [skips] = yield* sql.unsafe<{ census: number; ktd: number }>(
                `select count(*) filter (where pty_id is null)::int as census,
                 count(*) filter (where pty_id is not null and ktd = '')::int as ktd from r75_groups`
              )
              c.skippedNoCensus += skips.census
              c.skippedNoPolicyNumber += skips.ktd
              const amounts = yield* sql.unsafe<{ id: number; amount: string | null }>(
                `select policy_id as id, amount::text as amount from r75_groups
               where policy_id is not null and ktd <> '' and stored_amount is distinct from amount`
              )
              const fresh = yield* sql.unsafe<ImportedPolicy>(
                `select pty_id as person_tax_year_id, company_id as pension_company_id, ktd as policy_number,
                 amount::text as prefilled_amount, other_years, days as number_of_days,
                 agreement as pension_company_pays
               from r75_groups where pty_id is not null and ktd <> '' and not present`
              )
              const written = yield* policies.importPrefilled({
                year: o.year,
                author: o.author,
                amounts,
                created: fresh
              })
              c.updated += written.updated.length
              c.created += written.created.length
              const flags = yield* sql.unsafe<{ id: number; corrected: boolean; future: boolean }>(
                `select pty_id as id, bool_or(corrected) as corrected, bool_or(future) as future from r75_groups
               where pty_id is not null group by pty_id
               having (bool_or(corrected), bool_or(future))
                 is distinct from (bool_or(stored_corrected), bool_or(stored_future))`
              )
              yield* persons.importR75Flags(flags, o.author)
            })
          )
          .pipe(
            Effect.zipRight(
              Effect.suspend(() => {
                done += 1
                return o.progress(done / ranges.length)
              })
            )
          ),
      { concurrency: 2, discard: true }
    )
    return c
  })
