/**
 * bench/summaries: the policy summaries of issue 15 (staff-web.md §15) through the job runtime. Seeds one tax year with
 * 60 000 persons and 100 000 calculated policies over 150 companies (set-based `INSERT … SELECT`; the largest company
 * holds about a fifth of the policies), then runs "Generering af årssummationsfil for alle pensionsselskaber" (the
 * XLSX) and "Generering af årssummationsfil for et pensionsselskab" for the largest company (the CSV), each in a fresh
 * worker process, and reports each job's time (started → ended) and the worker's peak RSS against the goals (< 10 s,
 * < 300 MB). Options: --persons N (default 60 000), --policies N (default 100 000), --source (run the worker's
 * TypeScript through tsx instead of a bundle).
 */
import { SqlClient } from "@effect/sql"
import { Database, EmbeddedPostgres, Migrations } from "@kas/core"
import { JobStore, type JobRecord } from "@kas/jobs"
import { allMigrationSets } from "@kas/server-kas"
import { Effect, Layer } from "effect"
import { spawn } from "node:child_process"
import { randomBytes } from "node:crypto"
import { rm } from "node:fs/promises"
import path from "node:path"
import { fileURLToPath } from "node:url"
import * as SummaryJobs from "../../packages/server-kas/src/jobs/summaryJobs.js"
import { bundleEntry } from "../bundle.js"
import { mark, record } from "../Results.js"

const YEAR = 2024
const COMPANIES = 150
const here = path.dirname(fileURLToPath(import.meta.url))
const root = path.resolve(here, "../..")

const option = (argv: ReadonlyArray<string>, name: string, fallback: number): number => {
  const i = argv.indexOf(`--${name}`)
  const n = i >= 0 ? Number(argv[i + 1]) : fallback
  return Number.isFinite(n) ? n : fallback
}

/** A worker process (bundled, or through tsx with `bundle` null); `stop` gives its peak RSS in KB. */
const startWorker = (url: string, bundle: string | null) => {
  const command =
    bundle === null ? ["--conditions=source", "--import", "tsx", path.join(here, "worker.ts"), url] : [bundle, url]
  const child = spawn(process.execPath, command, { cwd: root, stdio: ["ignore", "pipe", "inherit"] })
  let out = ""
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString()
      if (out.includes("WORKER_READY")) resolve()
    })
    child.on("exit", (code) => reject(new Error(`worker exited with ${code}: ${out}`)))
  })
  const stop = () =>
    new Promise<number>((resolve) => {
      child.on("exit", () => resolve(Number(/PEAK_RSS_KB (\d+)/.exec(out)?.[1] ?? Number.NaN)))
      child.kill("SIGTERM")
    })
  return { ready, stop, startMemory: () => /MEMORY_READY (.*)/.exec(out)?.[1] ?? "?" }
}

/**
 * One tax year: `persons` persons with a person-year (a tenth of them part-year), `policies` policies spread over
 * the persons (every person at least one while there are enough), companies by a skewed draw (company 1 the largest),
 * each policy with stored results as a recalculation leaves them: some losses, some deductions used, taxes under 100,
 * prepayments and foreign tax, a twentieth inactive.
 */
const seed = (persons: number, policies: number) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const [{ id: taxYear }] = yield* sql<{ id: number }>`insert into kas.tax_year (year, year_part)
      values (${YEAR}, 'ligning') returning id`
    yield* sql`insert into kas.pension_company (name, res, agreement_present)
      select 'Pensionsselskab ' || lpad(g::text, 3, '0'), 10000 + g, g % 7 = 0 from generate_series(1, ${COMPANIES}) g`
    yield* sql`insert into kas.person (cpr, name)
      select lpad((1000000000 + g)::text, 10, '0'), 'Person ' || g from generate_series(1, ${persons}) g`
    yield* sql`insert into kas.person_tax_year (tax_year_id, person_id, number_of_days)
      select ${taxYear}, p.id, case when p.id % 10 = 0 then 200 else null end from kas.person p`
    // The g-th policy belongs to person-year (g mod persons); company by a skewed draw over a stable hash of g.
    yield* sql`
      with pty as (select id, row_number() over (order by id) - 1 as n from kas.person_tax_year
        where tax_year_id = ${taxYear}),
      c as (select id, row_number() over (order by id) as n from kas.pension_company),
      g as (select g, (hashtext(g::text)::bigint & 2147483647) % 100000 as h
        from generate_series(0, ${policies - 1}) g),
      draw as (select g.g, case when g.h < 20000 then 1 else 2 + (g.h * g.h / 100000) % ${COMPANIES - 1} end as company,
        ((hashtext('a' || g.g)::bigint & 2147483647) % 400000) - 40000 as amount from g)
      insert into kas.policy_tax_year (person_tax_year_id, pension_company_id, policy_number, prefilled_amount,
        year_adjusted_amount, used_negative_return, preliminary_paid_amount, foreign_paid_amount_actual,
        calculated_full_tax, calculated_result, indifference_limited, active)
      select pty.id, c.id, 'P-' || d.g, d.amount, d.amount,
        case when d.amount > 0 and d.g % 5 = 0 then least(d.amount, 5000) else 0 end,
        case when d.g % 3 = 0 then 200 else 0 end, case when d.g % 11 = 0 then 100 else 0 end,
        x.full_tax, x.result, x.result < 100, d.g % 20 <> 0
      from draw d join pty on pty.n = d.g % ${persons} join c on c.n = d.company
      cross join lateral (select floor(greatest(d.amount - case when d.amount > 0 and d.g % 5 = 0
          then least(d.amount, 5000) else 0 end, 0) * 0.153)::bigint as full_tax) f
      cross join lateral (select f.full_tax,
          greatest(f.full_tax - case when d.g % 3 = 0 then 200 else 0 end - case when d.g % 11 = 0 then 100 else 0 end,
            0) as result) x`
    yield* sql`analyze`
    const [largest] = yield* sql<{ id: number; name: string; n: number }>`
      select c.id, c.name, count(*)::int as n from kas.policy_tax_year p join kas.pension_company c
      on c.id = p.pension_company_id group by c.id, c.name order by n desc limit 1`
    const [{ n }] = yield* sql<{ n: number }>`select count(*)::int as n from kas.policy_tax_year`
    return { largest: largest!, policies: n }
  })

/** Runs one job in a fresh worker; its time and the worker's peak RSS. */
const timeJob = (url: string, bundle: string | null, enqueue: Effect.Effect<string, unknown, JobStore>) =>
  Effect.gen(function* () {
    const worker = startWorker(url, bundle)
    yield* Effect.promise(() => worker.ready)
    const id = yield* enqueue
    const [job] = (yield* Effect.flatMap(JobStore, (s) => s.awaitEnded([id], "50 millis"))) as ReadonlyArray<JobRecord>
    const rssKb = yield* Effect.promise(() => worker.stop())
    if (job!.status !== "finished") throw new Error(`${job!.type} ${job!.status}: ${job!.failure}`)
    const seconds = (job!.endedAt!.getTime() - job!.startedAt!.getTime()) / 1000
    return { seconds, rssMb: rssKb / 1024, startMemory: worker.startMemory() }
  })

/** Runs the benchmark and prints its figures. */
export const runSummariesBench = async (argv: ReadonlyArray<string>): Promise<void> => {
  const persons = option(argv, "persons", 60_000)
  const policies = option(argv, "policies", 100_000)
  const bundle = argv.includes("--source")
    ? null
    : await bundleEntry(
        path.join(here, "worker.ts"),
        path.join(root, ".kas", `bench-summaries-worker-${process.pid}.mjs`)
      )
  const dataDir = path.resolve(`.kas/bench-${process.pid}`)
  const server = await EmbeddedPostgres.startEmbedded({ dataDir, persistent: false })
  const database = `kas_bench_summaries_${randomBytes(3).toString("hex")}`
  const url = await EmbeddedPostgres.ensureDatabase(server.adminUrl, database)
  const layer = JobStore.Default.pipe(Layer.provideMerge(Database.layerFromUrl(url, { maxConnections: 4 })))
  try {
    const program = Effect.gen(function* () {
      const sql = yield* SqlClient.SqlClient
      yield* Migrations.migrate(allMigrationSets)
      const t0 = process.hrtime.bigint()
      const seeded = yield* seed(persons, policies)
      console.log(
        `seeded ${persons} persons, ${seeded.policies} policies, ${COMPANIES} companies in ` +
          `${(Number(process.hrtime.bigint() - t0) / 1e9).toFixed(1)} s; largest: ${seeded.largest.name} ` +
          `(${seeded.largest.n} policies)`
      )
      const xlsx = yield* timeJob(
        url,
        bundle,
        Effect.flatMap(JobStore, (s) =>
          s.enqueue(SummaryJobs.GenerateTotalPensionCompanySummaryJob, { year: YEAR }, { createdBy: "bench" })
        )
      )
      const csv = yield* timeJob(
        url,
        bundle,
        Effect.flatMap(JobStore, (s) =>
          s.enqueue(
            SummaryJobs.GeneratePensionCompanySummaryJob,
            { pension_company: seeded.largest.id, year: YEAR },
            { createdBy: "bench" }
          )
        )
      )
      const [sizes] = yield* sql<{ xlsx: number; csv: number }>`select
        (select f.size::int from kas.total_summary_file s join kas.file f on f.id = s.file_id) as xlsx,
        (select f.size::int from kas.company_summary_file s join kas.file f on f.id = s.file_id) as csv`
      console.log(`worker at start: ${xlsx.startMemory}`)
      console.log(
        `all-company XLSX: ${xlsx.seconds.toFixed(2)} s, worker peak RSS ${xlsx.rssMb.toFixed(0)} MB, ` +
          `${sizes!.xlsx} bytes`
      )
      console.log(
        `CSV of the largest company (${seeded.largest.n} policies): ${csv.seconds.toFixed(2)} s, worker peak RSS ` +
          `${csv.rssMb.toFixed(0)} MB, ${sizes!.csv} bytes`
      )
      const xlsxTime = record("all-company XLSX", xlsx.seconds, "s", { op: "<", target: 10 })
      const xlsxRss = record("all-company XLSX: worker peak RSS", xlsx.rssMb, "MB", { op: "<", target: 300 })
      const csvTime = record("CSV of the largest company", csv.seconds, "s", { op: "<", target: 10 })
      const csvRss = record("CSV of the largest company: worker peak RSS", csv.rssMb, "MB", { op: "<", target: 300 })
      console.log(
        `goals: XLSX < 10 s ${mark(xlsxTime)}, CSV < 10 s ${mark(csvTime)}, ` +
          `peak RSS < 300 MB ${mark(xlsxRss === true && csvRss === true)}`
      )
    })
    await Effect.runPromise(program.pipe(Effect.provide(layer), Effect.scoped))
  } finally {
    if (bundle !== null) await rm(bundle, { force: true })
    await server.stop().catch(() => undefined)
  }
}
