/**
 * bench/calculation: recalculates every policy of one tax year with a 10-year loss history (issue 4).
 * Seeds N persons (default 100 000) with one policy in each of 11 years (deterministic amounts from a seed) and
 * the loss history of the 10 earlier years, all set-based inside PostgreSQL (the history is checked against the
 * real recalculation on a sample), then times, in the same run:
 * a plain `UPDATE … SET` touching the target year's policies, and `Recalculation.recalculateYear` of that year, twice
 * (the second run changes nothing), in a separate recalculating process (`recalculate.ts`, bundled to plain JavaScript
 * as production runs it, as the autoligning job runs in a worker). Reports policies/s, the ratio to the plain UPDATE,
 * the recalculating process's peak RSS (the goal: the year is streamed through chunks of persons, never held whole)
 * and this process's (tsx, the seeding and the sample check) beside it; afterwards (not timed) `LossMatrixCheck` over
 * every policy-year prints the number of loss-matrix violations (domain.md §4.2 step 6; must be 0). Options:
 * --policies N, --seed S, --chunk P (persons per chunk; the service's default otherwise), --source (the
 * recalculating process through tsx instead of a bundle).
 */
import { SqlClient } from "@effect/sql"
import {
  coreMigrations,
  Database,
  EmbeddedPostgres,
  LossMatrixCheck,
  Migrations,
  Reasons,
  Recalculation
} from "@kas/core"
import { Effect, Layer } from "effect"
import { spawn } from "node:child_process"
import { randomBytes } from "node:crypto"
import { rm } from "node:fs/promises"
import path from "node:path"
import { fileURLToPath } from "node:url"
import pg from "pg"
import { bundleEntry } from "../bundle.js"
import { mark, record } from "../Results.js"

const here = path.dirname(fileURLToPath(import.meta.url))
const root = path.resolve(here, "../..")

const YEAR = 2024

const option = (argv: ReadonlyArray<string>, name: string, fallback: number): number => {
  const i = argv.indexOf(`--${name}`)
  const n = i >= 0 ? Number(argv[i + 1]) : fallback
  return Number.isFinite(n) ? n : fallback
}

const seconds = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e9

const timed = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.gen(function* () {
    const start = process.hrtime.bigint()
    const value = yield* effect
    return { value, seconds: seconds(start) }
  })

/**
 * Seeds `n` persons with one policy in each of the 11 years up to the target year and the loss history of the 10
 * earlier years, all set-based inside PostgreSQL. The history is computed year by year (oldest first) in temporary
 * tables exactly as recalculating those years in order would store it (domain.md §3.2–§3.6, §4.1–§4.2; IEEE doubles
 * as in §3.6): year-adjusted amounts, cells taken oldest loss first, full tax, result, available pool, indifference
 * flag. Then policies and cells are inserted once, and the database is vacuumed. `verify` checks a sample against
 * the real recalculation.
 */
export const seed = (n: number, seedValue: number) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    yield* sql.withTransaction(
      Effect.gen(function* () {
        // Seeding is not audited: the triggers are skipped for these bulk inserts only.
        yield* sql`set local session_replication_role = replica`
        yield* sql`insert into kas.tax_year (year) select generate_series(${YEAR - 10}::int, ${YEAR}::int)`
        yield* sql`insert into kas.lock (tax_year_id, interval_from) select id, make_date(year, 1, 1) from kas.tax_year`
        yield* sql`insert into kas.pension_company (name, res, agreement_present)
          select 'Selskab ' || i, 10000000 + i, i % 10 = 0 from generate_series(1, 20) i`
        yield* sql`insert into kas.person (cpr) select lpad(i::text, 10, '0') from generate_series(1, ${n}::int) i`
        yield* sql`insert into kas.person_tax_year (tax_year_id, person_id, number_of_days)
          select ty.id, p.id, case when abs(hashtext(p.id || ':' || ty.year || ':' || ${seedValue}::int)) % 10 = 0
            then 100 + abs(hashtext('d' || p.id || ty.year)) % 200 end
          from kas.person p cross join kas.tax_year ty`
        // One policy per person-year; §3.2 prefilled × (days / days in year: kas.days_in_year, the SQL copy of
        // DaysInYear) as doubles, truncated toward zero, is the year-adjusted amount of every earlier year (the target
        // year keeps the defaults until it is recalculated).
        // Temporary tables stay in memory (temp_buffers) while the history is built.
        yield* sql`set local temp_buffers = '1GB'`
        yield* sql`create temp table bench_policy on commit drop as
          select row_number() over (order by pty.id)::int as id, pty.id as person_tax_year_id, pty.person_id,
            c.id as company, 'POL-' || pty.person_id as number, ty.year, x.prefilled,
            case when pty.person_id % 50 = 0 then 100 else 0 end as foreign_paid,
            case when ty.year >= ${YEAR} then 0 else trunc(x.prefilled::float8 * case when pty.number_of_days is null
              then 1::float8 else pty.number_of_days::float8 / kas.days_in_year(ty.year)::float8 end)::bigint end as yaa
          from kas.person_tax_year pty join kas.tax_year ty on ty.id = pty.tax_year_id
          join (select id, row_number() over (order by id) - 1 as i from kas.pension_company) c
            on c.i = pty.person_id % 20
          cross join lateral (select abs(hashtext(pty.person_id || '/' || pty.tax_year_id || '/' || ${seedValue}::int))
            % 200001 - 100000 as prefilled) x`
        yield* sql`create index on bench_policy (year)`
        // The loss years with what is still left of each loss; the stored results of each earlier year; the cells.
        yield* sql`create temp table bench_loss on commit drop as
          select id, person_id, company, number, year, -yaa as left_over from bench_policy where yaa < 0`
        yield* sql`create unique index on bench_loss (person_id, company, number, year)`
        yield* sql`create unique index on bench_loss (id)`
        yield* sql`create temp table bench_result (id int, full_tax bigint, result bigint, pool bigint, used bigint)
          on commit drop`
        yield* sql`create temp table bench_cell (from_id int, for_id int, value bigint) on commit drop`
        yield* sql`analyze bench_policy`
        yield* sql`analyze bench_loss`
        for (let year = YEAR - 10; year < YEAR; year++) {
          yield* sql`
            with target as (
              select * from bench_policy where year = ${year}
            ), losses as (
              -- §4.1: each loss year of the same policy in the window, with what no other year uses yet.
              select t.id as for_id, x.id as from_id, x.year as loss_year, x.left_over as available
              from target t join bench_loss x on x.person_id = t.person_id and x.company = t.company
                and x.number = t.number and x.year between ${year - 10} and ${year - 1}
            ), uses as (
              -- §3.3: oldest loss first, each capped by what is still taxable.
              select l.for_id, l.from_id, least(l.available, greatest(0, greatest(t.yaa, 0) - coalesce(sum(l.available)
                over (partition by l.for_id order by l.loss_year rows between unbounded preceding and 1 preceding), 0)))
                  as used
              from losses l join target t on t.id = l.for_id where l.available > 0
            ), cells as (
              insert into bench_cell select from_id, for_id, used from uses where used > 0 returning from_id, value
            ), spent as (
              update bench_loss b set left_over = b.left_over - c.value from cells c where b.id = c.from_id
            ), used as (
              select for_id, sum(used) as used from uses group by for_id
            ), pools as (
              select for_id, sum(available) as pool from losses group by for_id
            ), totals as (
              select t.id, t.foreign_paid,
                floor((greatest(t.yaa, 0) - coalesce(u.used, 0))::float8 * 0.153::float8)::bigint as full_tax,
                coalesce(l.pool, 0) as pool, coalesce(u.used, 0) as used
              from target t left join used u on u.for_id = t.id left join pools l on l.for_id = t.id
            )
            insert into bench_result
              select id, full_tax, greatest(0, full_tax - greatest(0, foreign_paid)), pool, used from totals`
        }
        yield* sql`insert into kas.policy_tax_year (id, person_tax_year_id, pension_company_id, policy_number,
            prefilled_amount, foreign_paid_amount_actual, year_adjusted_amount, calculated_full_tax, calculated_result,
            available_negative_return, used_negative_return, indifference_limited)
          overriding system value
          select p.id, p.person_tax_year_id, p.company, p.number, p.prefilled, p.foreign_paid, p.yaa,
            coalesce(r.full_tax, 0), coalesce(r.result, 0), r.pool, coalesce(r.used, 0), coalesce(r.result < 100, false)
          from bench_policy p left join bench_result r on r.id = p.id order by p.id`
        yield* sql`select setval(pg_get_serial_sequence('kas.policy_tax_year', 'id'),
          (select max(id) from kas.policy_tax_year))`
        yield* sql`insert into kas.loss_transfer (used_from_id, used_for_id, transferred_negative_payout)
          select from_id, for_id, value from bench_cell order by for_id, from_id`
      })
    )
    // A freshly bulk-loaded database would be vacuumed by autovacuum (and get its hint bits set) during the timed
    // part, on the same two cores: vacuum it here, as a production database would be.
    yield* sql`vacuum (analyze)`
  })

const sampleState = (persons: number) =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    sql<{ state: string }>`select string_agg(s, E'\n' order by s) as state from (
      select concat_ws(' ', p.id, p.year_adjusted_amount, p.calculated_full_tax, p.calculated_result,
        p.available_negative_return, p.used_negative_return, p.indifference_limited) as s
      from kas.policy_tax_year p join kas.person_tax_year pty on pty.id = p.person_tax_year_id
      where pty.person_id <= ${persons}
      union all
      select concat_ws(' ', 'cell', c.used_from_id, c.used_for_id, c.transferred_negative_payout)
      from kas.loss_transfer c join kas.policy_tax_year p on p.id = c.used_for_id
      join kas.person_tax_year pty on pty.id = p.person_tax_year_id
      where pty.person_id <= ${persons} and c.transferred_negative_payout <> 0) x`.pipe(
      Effect.map((r) => r[0]?.state ?? "")
    )
  )

/**
 * Checks the SQL history against the real rules on the first `persons` persons: their years are reset to the seeded
 * state and recalculated year by year with `Recalculation` (as the history would be built by recalculating each
 * earlier year in order); the stored results and cells must equal what the SQL computed. Fails otherwise. The
 * sample's audit rows are removed afterwards, so that the timed runs start from an empty history.
 */
export const verify = (persons: number) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const recalculation = yield* Recalculation
    const expected = yield* sampleState(persons)
    yield* sql.withTransaction(
      Effect.gen(function* () {
        yield* sql`set local session_replication_role = replica`
        yield* sql`delete from kas.loss_transfer c using kas.policy_tax_year p, kas.person_tax_year pty
          where p.id = c.used_for_id and pty.id = p.person_tax_year_id and pty.person_id <= ${persons}`
        yield* sql`update kas.policy_tax_year p set year_adjusted_amount = 0,
            calculated_full_tax = 0, calculated_result = 0,
            available_negative_return = null, used_negative_return = 0, indifference_limited = false
          from kas.person_tax_year pty where pty.id = p.person_tax_year_id and pty.person_id <= ${persons}`
      })
    )
    const ids = yield* sql<{ id: number }>`select p.id from kas.policy_tax_year p
      join kas.person_tax_year pty on pty.id = p.person_tax_year_id join kas.tax_year ty on ty.id = pty.tax_year_id
      where pty.person_id <= ${persons} and ty.year < ${YEAR} order by ty.year, p.id`
    yield* recalculation.recalculatePolicies(
      ids.map((r) => r.id),
      Reasons.recalculation
    )
    const actual = yield* sampleState(persons)
    yield* sql`truncate kas.history`
    if (actual !== expected) {
      const a = actual.split("\n")
      const e = expected.split("\n")
      const diff = e
        .filter((l) => !a.includes(l))
        .slice(0, 5)
        .join(" | ")
      return yield* Effect.die(new Error(`the SQL loss history differs from the rules, e.g. expected ${diff}`))
    }
    return ids.length
  })

/** What the recalculating process reports (`recalculate.ts`). */
interface Recalculated {
  readonly seconds: number
  readonly againSeconds: number
  readonly policies: number
  readonly changed: number
  readonly cpuSeconds: number
  readonly rssKb: number
}

/** Runs the recalculating process to its end. */
const runRecalculation = (bundle: string | null, settings: object) =>
  new Promise<Recalculated>((resolve, reject) => {
    const args =
      bundle === null ? ["--conditions=source", "--import", "tsx", path.join(here, "recalculate.ts")] : [bundle]
    const child = spawn(process.execPath, args, {
      cwd: root,
      stdio: ["ignore", "pipe", "inherit"],
      env: { ...process.env, BENCH_CALCULATION: JSON.stringify(settings) }
    })
    let out = ""
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString()
    })
    child.on("exit", (code) => {
      const figure = (name: string) => Number(new RegExp(`${name} (\\S+)`).exec(out)?.[1])
      const result = {
        seconds: figure("RECALC_SECONDS"),
        againSeconds: figure("AGAIN_SECONDS"),
        policies: figure("POLICIES"),
        changed: figure("CHANGED"),
        cpuSeconds: figure("CPU_SECONDS"),
        rssKb: figure("PEAK_RSS_KB")
      }
      if (code === 0 && Object.values(result).every(Number.isFinite)) resolve(result)
      else reject(new Error(`the recalculating process exited with ${code}: ${out}`))
    })
  })

/** Runs the benchmark and prints its figures. */
export const runCalculationBench = async (argv: ReadonlyArray<string>): Promise<void> => {
  const n = option(argv, "policies", 100_000)
  const seedValue = option(argv, "seed", 1)
  const chunk = argv.includes("--chunk") ? option(argv, "chunk", 0) : undefined
  const bundle = argv.includes("--source")
    ? null
    : await bundleEntry(
        path.join(here, "recalculate.ts"),
        path.join(root, ".kas", `bench-calculation-recalculate-${process.pid}.mjs`)
      )
  const server = await EmbeddedPostgres.startEmbedded({ dataDir: `.kas/bench-${process.pid}`, persistent: false })
  const database = `kas_bench_calc_${randomBytes(3).toString("hex")}`
  const url = await EmbeddedPostgres.ensureDatabase(server.adminUrl, database)
  const layer = Layer.merge(Recalculation.Default, LossMatrixCheck.Default).pipe(
    Layer.provideMerge(Database.layerFromUrl(url, { maxConnections: 4 }))
  )
  try {
    const program = Effect.gen(function* () {
      const sql = yield* SqlClient.SqlClient
      yield* Migrations.migrate([coreMigrations])
      const seeded = yield* timed(seed(n, seedValue))
      console.log(
        `seeded ${n} persons × 11 years with the loss history of the 10 earlier years in ${seeded.seconds.toFixed(1)} s`
      )
      const years = yield* sql<{ id: number; year: number }>`select id, year from kas.tax_year order by year`
      const checked = yield* timed(verify(Math.min(n, 2000)))
      const checkedSeconds = checked.seconds.toFixed(1)
      console.log(
        `  verified: ${checked.value} policy-years recalculated with the rules, nothing changed (${checkedSeconds} s)`
      )
      const target = years.find((y) => y.year === YEAR)!
      const [{ cells }] = yield* sql<{ cells: string }>`select count(*)::text as cells from kas.loss_transfer
        where transferred_negative_payout > 0`
      const plain = yield* timed(
        sql.withTransaction(sql`update kas.policy_tax_year p set year_adjusted_amount = p.year_adjusted_amount
          from kas.person_tax_year pty where pty.id = p.person_tax_year_id and pty.tax_year_id = ${target.id}
            and p.active`)
      )
      const recalc = yield* Effect.promise(() =>
        runRecalculation(bundle, { url, taxYearId: target.id, ...(chunk === undefined ? {} : { chunkPersons: chunk }) })
      )
      const [{ h }] = yield* sql<{ h: string }>`select count(*)::text as h from kas.history`
      const rss = recalc.rssKb / 1024
      const benchRss = process.resourceUsage().maxRSS / 1024
      const rows = {
        policies: recalc.policies,
        "results changed": recalc.changed,
        "loss cells (non-zero)": Number(cells),
        "history rows": Number(h),
        "plain UPDATE (s)": plain.seconds.toFixed(2),
        "recalculateYear (s)": recalc.seconds.toFixed(2),
        "policies/s": Math.round(recalc.policies / recalc.seconds),
        "× plain UPDATE": (recalc.seconds / plain.seconds).toFixed(1),
        "recalculateYear again, nothing changes (s)": recalc.againSeconds.toFixed(2),
        "recalculating process CPU, both runs (s)": recalc.cpuSeconds.toFixed(2),
        "recalculating process peak RSS (MB)": Math.round(rss),
        "bench process peak RSS (MB)": Math.round(benchRss)
      }
      console.table(rows)
      const timeOk = record(`recalculateYear, ${n} policies`, recalc.seconds, "s", { op: "<", target: 20 })
      const ratioOk = record("recalculateYear / plain UPDATE", recalc.seconds / plain.seconds, "×", {
        op: "<",
        target: 10
      })
      const rssOk = record("recalculating process peak RSS", rss, "MB", { op: "<", target: 300 })
      record("bench process peak RSS (tsx, seeding, sample check)", benchRss, "MB")
      console.log(
        `goal: < 20 s ${mark(timeOk)}, < 10× plain UPDATE ${mark(ratioOk)}, ` +
          `recalculating process peak RSS < 300 MB ${mark(rssOk)}`
      )
      const check = yield* timed((yield* LossMatrixCheck).run())
      console.log(
        `loss matrix check: ${check.value.violations.length} violations in ${check.value.checked} policy-years ` +
          `(used_negative_return ≠ Σ cells into the year; must be 0) in ${check.seconds.toFixed(1)} s`
      )
      record("loss matrix violations", check.value.violations.length, "", { op: "<", target: 1 })
      if (check.value.violations.length > 0) process.exitCode = 1
      for (const v of check.value.violations.slice(0, 5)) {
        console.log(`  ${v.year} ${v.cpr} ${v.policyNumber}: deducts ${v.usedNegativeReturn}, cells ${v.cellsSum}`)
      }
    })
    await Effect.runPromise(program.pipe(Effect.provide(layer), Effect.scoped))
  } finally {
    const client = new pg.Client({ connectionString: server.adminUrl })
    await client.connect()
    await client.query(`drop database if exists ${database} with (force)`).catch(() => undefined)
    await client.end()
    await server.stop()
    if (bundle !== null) await rm(bundle, { force: true })
  }
}
