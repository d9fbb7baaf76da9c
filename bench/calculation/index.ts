/**
 * bench/calculation: recalculates every policy of one tax year with a 10-year loss history (issue 4).
 * Seeds N persons (default 100 000) with one policy in each of 11 years (deterministic amounts from a seed),
 * builds the loss history by recalculating the 10 earlier years, then times, in the same run:
 * a plain `UPDATE … SET` touching the target year's policies, and `Recalculation.recalculateYear` of that year.
 * Reports policies/s and the peak RSS of this process. Options: --policies N, --seed S.
 */
import { SqlClient } from "@effect/sql"
import { coreMigrations, Database, EmbeddedPostgres, Migrations, Reasons, Recalculation } from "@kas/core"
import { Effect, Layer } from "effect"
import { randomBytes } from "node:crypto"
import pg from "pg"

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

/** Seeds `n` persons with one policy in each of the 11 years up to the target year. */
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
        yield* sql`insert into kas.policy_tax_year (person_tax_year_id, pension_company_id, policy_number, prefilled_amount,
            foreign_paid_amount_actual)
          select pty.id, (select id from kas.pension_company order by id offset pty.person_id % 20 limit 1),
            'POL-' || pty.person_id,
            abs(hashtext(pty.person_id || '/' || pty.tax_year_id || '/' || ${seedValue}::int)) % 200001 - 100000,
            case when pty.person_id % 50 = 0 then 100 else 0 end
          from kas.person_tax_year pty`
      })
    )
    yield* sql`analyze`
  })

/** Runs the benchmark and prints its figures. */
export const runCalculationBench = async (argv: ReadonlyArray<string>): Promise<void> => {
  const n = option(argv, "policies", 100_000)
  const seedValue = option(argv, "seed", 1)
  const server = await EmbeddedPostgres.startEmbedded({ dataDir: `.kas/bench-${process.pid}`, persistent: false })
  const database = `kas_bench_calc_${randomBytes(3).toString("hex")}`
  const url = await EmbeddedPostgres.ensureDatabase(server.adminUrl, database)
  const layer = Recalculation.Default.pipe(Layer.provideMerge(Database.layerFromUrl(url, { maxConnections: 4 })))
  try {
    const program = Effect.gen(function* () {
      const sql = yield* SqlClient.SqlClient
      const recalculation = yield* Recalculation
      yield* Migrations.migrate([coreMigrations])
      const seeded = yield* timed(seed(n, seedValue))
      console.log(`seeded ${n} persons × 11 years in ${seeded.seconds.toFixed(1)} s`)
      const years = yield* sql<{ id: number; year: number }>`select id, year from kas.tax_year order by year`
      const history = yield* timed(
        Effect.forEach(years.filter((y) => y.year < YEAR), (y) =>
          timed(recalculation.recalculateYear(y.id, Reasons.recalculation)).pipe(
            Effect.tap((t) => Effect.sync(() => console.log(`  ${y.year}: ${t.seconds.toFixed(1)} s`)))
          ))
      )
      console.log(`loss history: 10 earlier years recalculated in ${history.seconds.toFixed(1)} s`)
      const target = years.find((y) => y.year === YEAR)!
      const [{ cells }] = yield* sql<{ cells: string }>`select count(*)::text as cells from kas.loss_transfer
        where transferred_negative_payout > 0`
      const plain = yield* timed(
        sql.withTransaction(sql`update kas.policy_tax_year p set year_adjusted_amount = p.year_adjusted_amount
          from kas.person_tax_year pty where pty.id = p.person_tax_year_id and pty.tax_year_id = ${target.id} and p.active`)
      )
      const rssBefore = process.resourceUsage().maxRSS
      const recalc = yield* timed(recalculation.recalculateYear(target.id, Reasons.recalcAutoligning))
      const again = yield* timed(recalculation.recalculateYear(target.id, Reasons.recalcAutoligning))
      const [{ h }] = yield* sql<{ h: string }>`select count(*)::text as h from kas.history`
      const rows = {
        policies: recalc.value.policies,
        "results changed": recalc.value.resultsChanged,
        "loss cells (non-zero)": Number(cells),
        "history rows": Number(h),
        "plain UPDATE (s)": plain.seconds.toFixed(2),
        "recalculateYear (s)": recalc.seconds.toFixed(2),
        "policies/s": Math.round(recalc.value.policies / recalc.seconds),
        "× plain UPDATE": (recalc.seconds / plain.seconds).toFixed(1),
        "recalculateYear again, nothing changes (s)": again.seconds.toFixed(2),
        "peak RSS before / after (MB)": `${Math.round(rssBefore / 1024)} / ${Math.round(process.resourceUsage().maxRSS / 1024)}`
      }
      console.table(rows)
      console.log(
        `goal: < 20 s (${recalc.seconds < 20 ? "met" : "NOT met"}), < 10× plain UPDATE (${
          recalc.seconds < 10 * plain.seconds ? "met" : "NOT met"
        })`
      )
    })
    await Effect.runPromise(program.pipe(Effect.provide(layer), Effect.scoped))
  } finally {
    const client = new pg.Client({ connectionString: server.adminUrl })
    await client.connect()
    await client.query(`drop database if exists ${database} with (force)`).catch(() => undefined)
    await client.end()
    await server.stop()
  }
}
