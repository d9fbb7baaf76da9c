/**
 * The job side of bench/mixed: the template database (migrated, the mock source filled, the first census and R75
 * import done through real workers, then every census row of the year replaced), `kas worker` processes, and the two
 * measured jobs (a census import and an autoligning of the year, enqueued together).
 */
import { SqlClient } from "@effect/sql"
import { Companies, Database, Migrations, TaxYears } from "@kas/core"
import { MockData } from "@kas/eskat"
import { type JobRecord, JobStore } from "@kas/jobs"
import { allMigrationSets, AssessmentJobs, ImportJobs } from "@kas/server-kas"
import { Effect, Layer } from "effect"
import { type ChildProcess, spawn } from "node:child_process"
import { cpuMs, start, stop } from "../Processes.js"

const probe = "http://127.0.0.1:18299/health/database"

const storeLayer = (url: string) =>
  Layer.mergeAll(JobStore.Default, TaxYears.Default, Companies.Default).pipe(
    Layer.provideMerge(Database.layerFromUrl(url, { maxConnections: 2 }))
  )

/** Runs `effect` against the database at `url`; the connections are closed when it ends. */
const against = <A, E>(
  url: string,
  effect: Effect.Effect<A, E, JobStore | TaxYears | Companies | SqlClient.SqlClient>
) => Effect.runPromise(effect.pipe(Effect.provide(storeLayer(url)), Effect.scoped))

/** `workers` `kas worker` processes (bundled, plain node) at `concurrency` each; `stop` ends them with SIGTERM. */
export const startWorkers = async (
  entry: string,
  env: Record<string, string>,
  url: string,
  concurrency: number,
  workers = 2
) => {
  const procs: Array<ChildProcess> = []
  const started: Array<Promise<void>> = []
  for (let i = 0; i < workers; i++) {
    const child = spawn(process.execPath, [entry, "worker", "--concurrency", String(concurrency)], {
      env: { ...process.env, ...env, DATABASE_URL: url },
      stdio: ["ignore", "pipe", "pipe"]
    })
    let err = ""
    child.stderr!.on("data", (d: Buffer) => {
      if (err.length < 20_000) err += d.toString()
    })
    child.on("exit", (code, signal) => {
      if (code !== 0 && signal !== "SIGTERM") console.error(`kas worker exited with ${code ?? signal}:\n${err}`)
    })
    // Production workers run all the time: the jobs are enqueued once every worker has started, so that the workers'
    // start-up neither competes with the measured load nor counts towards the jobs' CPU.
    started.push(
      new Promise<void>((resolve, reject) => {
        let out = ""
        const onData = (d: Buffer) => {
          out = (out + d.toString()).slice(-1000)
          if (out.includes("worker started")) {
            child.stdout!.off("data", onData)
            child.stdout!.resume()
            resolve()
          }
        }
        child.stdout!.on("data", onData)
        child.once("exit", () => reject(new Error(`kas worker exited before it started:\n${err}`)))
      })
    )
    procs.push(child)
  }
  await Promise.all(started)
  const used = () => procs.reduce((sum, c) => sum + cpuMs(c.pid), 0)
  return {
    /** CPU time (ms) the worker processes have used so far. */
    cpuMs: used,
    stop: () =>
      Promise.all(
        procs.map(
          (c) =>
            new Promise<void>((resolve) => {
              if (c.exitCode !== null) return resolve()
              c.once("exit", () => resolve())
              c.kill("SIGTERM")
            })
        )
      )
  }
}

const summaryText = (j: JobRecord) =>
  (
    (j.result ?? { summary: [] }) as {
      summary: ReadonlyArray<{ label: string; value: ReadonlyArray<{ label: string; value: number }> }>
    }
  ).summary
    .map((g) => `${g.label}: ${g.value.map((i) => `${i.label} ${i.value}`).join(", ")}`)
    .join("; ")

const seconds = (j: JobRecord) => (j.endedAt!.getTime() - j.startedAt!.getTime()) / 1000

/** What one run of the two jobs gave. */
export interface JobOutcome {
  readonly importSeconds: number
  readonly autoligningSeconds: number
  readonly importSummary: string
  readonly endedAt: number
}

/** Enqueues the census import and the autoligning of `year` together and waits for both; both must finish. */
export const runJobs = (url: string, year: number): Promise<JobOutcome> =>
  against(
    url,
    Effect.gen(function* () {
      const store = yield* JobStore
      const taxYear = yield* (yield* TaxYears).getByYear(year)
      const census = yield* store.enqueue(ImportJobs.ImportMandtalJob, { year }, { createdBy: "bench" })
      const autoligning = yield* store.enqueue(
        AssessmentJobs.AutoligningJob,
        { year_pk: taxYear.id },
        { createdBy: "bench" }
      )
      const jobs = yield* store.awaitEnded([census, autoligning], "100 millis")
      for (const j of jobs) if (j.status !== "finished") throw new Error(`${j.type} ${j.status}: ${j.failure}`)
      const c = jobs.find((j) => j.id === census)!
      const a = jobs.find((j) => j.id === autoligning)!
      return {
        importSeconds: seconds(c),
        autoligningSeconds: seconds(a),
        importSummary: summaryText(c),
        endedAt: Math.max(c.endedAt!.getTime(), a.endedAt!.getTime())
      }
    })
  )

/**
 * The template: migrated; the mock source filled with `persons` census rows of `year` and trimmed to `r75Rows` R75
 * rows; the census and R75 imports run through two workers; then every census row of the year replaced by a new one
 * (a new id, the first address line changed), so that the measured census import has as many rows to take in.
 */
export const prepareTemplate = async (options: {
  readonly url: string
  readonly kasEntry: string
  readonly env: Record<string, string>
  readonly persons: number
  readonly r75Rows: number
  readonly year: number
}) => {
  const { url, year } = options
  // kas web migrates the database and, in development, creates its users (the staff users, and "rest", whom the
  // autoligning needs); it is stopped again before the database is copied.
  await stop(
    await start("kas web", [options.kasEntry, "web"], { ...options.env, DATABASE_URL: url, PORT: "18299" }, probe)
  )
  await against(
    url,
    Effect.gen(function* () {
      const sql = yield* SqlClient.SqlClient
      yield* Migrations.migrate(allMigrationSets)
      // The 18 scenario persons count towards the total.
      yield* MockData.fillMockTables({ persons: options.persons - 18, seed: 1, fromYear: year, toYear: year })
      yield* sql.unsafe(
        `delete from eskat_mock.mock_r75_idx_4500230 where r75_ctl_sekvens_guid not in
        (select r75_ctl_sekvens_guid from eskat_mock.mock_r75_idx_4500230 order by r75_ctl_sekvens_guid limit $1)`,
        [options.r75Rows]
      )
      yield* MockData.ensureTaxYearsAndCompanies([year], year)
      yield* sql`analyze`
    })
  )
  const workers = await startWorkers(options.kasEntry, options.env, url, 2)
  try {
    await against(
      url,
      Effect.gen(function* () {
        const store = yield* JobStore
        const census = yield* store.enqueue(ImportJobs.ImportMandtalJob, { year }, { createdBy: "bench" })
        const r75 = yield* store.enqueue(ImportJobs.ImportR75Job, { year }, { createdBy: "bench", dependsOn: [census] })
        const jobs = yield* store.awaitEnded([census, r75], "100 millis")
        for (const j of jobs) if (j.status !== "finished") throw new Error(`${j.type} ${j.status}: ${j.failure}`)
      })
    )
  } finally {
    await workers.stop()
  }
  await against(
    url,
    Effect.gen(function* () {
      const sql = yield* SqlClient.SqlClient
      yield* sql`update eskat_mock.kas_mandtal
        set pt_census_guid = gen_random_uuid(), adresselinje1 = coalesce(adresselinje1, '') || ' B'
        where skatteaar = ${year}`
      yield* sql`analyze`
    })
  )
}
