/**
 * bench/import: the census and R75 imports end to end through the job runtime (issue 5).
 * Fills the mock tables with 60 000 persons × 1 year (census) and trims R75 to 100 000 rows, starts a worker process,
 * enqueues "Import af mandtal" then "Import af data fra R75" and times them; then times a bare `INSERT … SELECT` of
 * the same rows into empty copies of the target tables, and a re-import of the unchanged data. Reports rows/s, total
 * time and the worker's peak RSS. Options: --persons N (default 60 000), --r75 N (default 100 000), --seed S,
 * --profile (the worker prints the time per span and SQL statement after each import), --source (run the worker's
 * TypeScript through tsx instead of a bundle), --worker-heap MB (the worker's --max-old-space-size), --cpu-prof (a V8
 * CPU profile of the worker in .kas/bench-import-cpu-prof/).
 */
import { SqlClient } from "@effect/sql"
import { Companies, Database, EmbeddedPostgres, Migrations, TaxYears } from "@kas/core"
import { MockData } from "@kas/eskat"
import { JobStore, type JobRecord } from "@kas/jobs"
import { allMigrationSets, ImportJobs } from "@kas/server-kas"
import { Effect, Layer } from "effect"
import { spawn } from "node:child_process"
import { randomBytes } from "node:crypto"
import { rm } from "node:fs/promises"
import path from "node:path"
import { fileURLToPath } from "node:url"
import { bareCopy } from "./baseline.js"
import { backendCpuBetween, backendCpuSeconds, cpuSecondsOf, serverCpuSeconds } from "./cpu.js"
import { bundleEntry } from "../bundle.js"
import { record } from "../Results.js"

const YEAR = 2024
const here = path.dirname(fileURLToPath(import.meta.url))

const option = (argv: ReadonlyArray<string>, name: string, fallback: number): number => {
  const i = argv.indexOf(`--${name}`)
  const n = i >= 0 ? Number(argv[i + 1]) : fallback
  return Number.isFinite(n) ? n : fallback
}

const root = path.resolve(here, "../..")

/**
 * The worker as production runs it: plain JavaScript under node (the Dockerfile runs the tsup build). The worker and
 * the @kas packages are bundled into one module under `.kas/`; other packages stay imports from node_modules. Under
 * tsx the same process needs some 100 MB more just to load (the transformer and the TypeScript sources), which would
 * hide what the import itself uses. `--source` runs worker.ts through tsx instead.
 */
const bundleWorker = (): Promise<string> =>
  bundleEntry(path.join(here, "worker.ts"), path.join(root, ".kas", `bench-import-worker-${process.pid}.mjs`))

const startWorker = (
  url: string,
  options: {
    readonly profile: boolean
    readonly bundle: string | null
    readonly heapMb: number | null
    readonly cpuProf: boolean
  }
) => {
  const args = [url, ...(options.profile ? ["--profile"] : [])]
  const node = [
    ...(options.heapMb === null ? [] : [`--max-old-space-size=${options.heapMb}`]),
    ...(options.cpuProf ? ["--cpu-prof", `--cpu-prof-dir=${path.join(root, ".kas", "bench-import-cpu-prof")}`] : [])
  ]
  const command =
    options.bundle === null
      ? [...node, "--conditions=source", "--import", "tsx", path.join(here, "worker.ts"), ...args]
      : [...node, options.bundle, ...args]
  const child = spawn(process.execPath, command, { cwd: root, stdio: ["ignore", "pipe", "inherit"] })
  let out = ""
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString()
      if (out.includes("WORKER_READY")) {
        console.log(`worker at start: ${/MEMORY_READY (.*)/.exec(out)?.[1] ?? "?"}`)
        resolve()
      }
    })
    child.on("exit", (code) => reject(new Error(`worker exited with ${code}: ${out}`)))
  })
  const stop = () =>
    new Promise<number>((resolve) => {
      child.on("exit", () => {
        console.log(`worker at exit: ${/MEMORY_NOW (.*)/.exec(out)?.[1] ?? "?"}`)
        console.log(`worker CPU (user + system, both imports twice): ${/CPU_SECONDS (.*)/.exec(out)?.[1] ?? "?"} s`)
        resolve(Number(/PEAK_RSS_KB (\d+)/.exec(out)?.[1] ?? NaN))
      })
      child.kill("SIGTERM")
    })
  /** With --profile: has the worker print its span times since the last call (to the inherited stderr). */
  const printProfile = () =>
    new Promise<void>((resolve) => {
      child.kill("SIGUSR2")
      setTimeout(resolve, 500)
    })
  return { ready, stop, printProfile, cpuSeconds: () => cpuSecondsOf(child.pid ?? NaN) }
}

/** The two jobs, timed; with the CPU seconds the database server and the worker spent meanwhile. */
const runJobs = (dataDir: string, database: string, workerCpu: () => number) =>
  Effect.gen(function* () {
    const store = yield* JobStore
    const cpu0 = {
      server: serverCpuSeconds(dataDir),
      backends: backendCpuSeconds(dataDir, database),
      worker: workerCpu()
    }
    const start = process.hrtime.bigint()
    const census = yield* store.enqueue(ImportJobs.ImportMandtalJob, { year: YEAR }, { createdBy: "bench" })
    const r75 = yield* store.enqueue(
      ImportJobs.ImportR75Job,
      { year: YEAR },
      { createdBy: "bench", dependsOn: [census] }
    )
    const jobs = (yield* store.awaitEnded([census, r75], "100 millis")) as ReadonlyArray<JobRecord>
    const total = Number(process.hrtime.bigint() - start) / 1e9
    const cpu = {
      server: serverCpuSeconds(dataDir) - cpu0.server,
      backends: backendCpuBetween(cpu0.backends, backendCpuSeconds(dataDir, database)),
      worker: workerCpu() - cpu0.worker
    }
    for (const j of jobs) if (j.status !== "finished") throw new Error(`${j.type} ${j.status}: ${j.failure}`)
    const secs = (j: JobRecord) => (j.endedAt!.getTime() - j.startedAt!.getTime()) / 1000
    const c = jobs.find((j) => j.id === census)!
    const r = jobs.find((j) => j.id === r75)!
    return { total, cpu, census: c, r75: r, censusSeconds: secs(c), r75Seconds: secs(r) }
  })

const summary = (j: JobRecord) =>
  (
    j.result as { summary: ReadonlyArray<{ label: string; value: ReadonlyArray<{ label: string; value: number }> }> }
  ).summary
    .map((g) => `${g.label}: ${g.value.map((i) => `${i.label} ${i.value}`).join(", ")}`)
    .join("; ")

/** Runs the benchmark and prints its figures. */
export const runImportBench = async (argv: ReadonlyArray<string>): Promise<void> => {
  const persons = option(argv, "persons", 60_000)
  const r75Rows = option(argv, "r75", 100_000)
  const seed = option(argv, "seed", 1)
  const profile = argv.includes("--profile")
  const heapMb = argv.includes("--worker-heap") ? option(argv, "worker-heap", 0) : null
  const bundle = argv.includes("--source") ? null : await bundleWorker()
  const dataDir = path.resolve(`.kas/bench-${process.pid}`)
  const server = await EmbeddedPostgres.startEmbedded({ dataDir, persistent: false })
  const database = `kas_bench_import_${randomBytes(3).toString("hex")}`
  const url = await EmbeddedPostgres.ensureDatabase(server.adminUrl, database)
  const layer = Layer.mergeAll(JobStore.Default, TaxYears.Default, Companies.Default).pipe(
    Layer.provideMerge(Database.layerFromUrl(url, { maxConnections: 4 }))
  )
  try {
    const program = Effect.gen(function* () {
      const sql = yield* SqlClient.SqlClient
      yield* Migrations.migrate(allMigrationSets)
      const t0 = process.hrtime.bigint()
      // The 18 scenario persons count towards the total.
      const filled = yield* MockData.fillMockTables({ persons: persons - 18, seed, fromYear: YEAR, toYear: YEAR })
      yield* sql.unsafe(
        `delete from eskat_mock.mock_r75_idx_4500230 where r75_ctl_sekvens_guid not in
        (select r75_ctl_sekvens_guid from eskat_mock.mock_r75_idx_4500230 order by r75_ctl_sekvens_guid limit $1)`,
        [r75Rows]
      )
      yield* MockData.ensureTaxYearsAndCompanies([YEAR], YEAR)
      yield* sql`analyze`
      const [{ c, r }] = yield* sql<{
        c: number
        r: number
      }>`select (select count(*)::int from eskat_mock.kas_mandtal) as c,
        (select count(*)::int from eskat_mock.mock_r75_idx_4500230) as r`
      const fillSeconds = (Number(process.hrtime.bigint() - t0) / 1e9).toFixed(1)
      console.log(`mock data: ${filled.persons} persons, ${c} census rows, ${r} R75 rows in ${fillSeconds} s`)

      const worker = startWorker(url, { profile, bundle, heapMb, cpuProf: argv.includes("--cpu-prof") })
      yield* Effect.promise(() => worker.ready)
      const first = yield* runJobs(dataDir, database, worker.cpuSeconds)
      if (profile) yield* Effect.promise(() => worker.printProfile())
      yield* sql`analyze`
      const again = yield* runJobs(dataDir, database, worker.cpuSeconds)
      if (profile) yield* Effect.promise(() => worker.printProfile())
      const rss = yield* Effect.promise(() => worker.stop())
      const { seconds: bare, cpu: bareCpu } = yield* bareCopy(YEAR)

      const rows = c + r
      console.log(
        `first import:  census ${first.censusSeconds.toFixed(1)} s, R75 ${first.r75Seconds.toFixed(1)} s, ` +
          `total ${first.total.toFixed(1)} s (enqueue → both ended), ${Math.round(rows / first.total)} rows/s`
      )
      console.log(`  ${summary(first.census)}`)
      console.log(`  ${summary(first.r75)}`)
      console.log(
        `re-import:     census ${again.censusSeconds.toFixed(1)} s, R75 ${again.r75Seconds.toFixed(1)} s, ` +
          `total ${again.total.toFixed(1)} s = ${((again.total / first.total) * 100).toFixed(0)} % of the first`
      )
      console.log(`  ${summary(again.census)}`)
      console.log(`  ${summary(again.r75)}`)
      console.log(
        `bare INSERT … SELECT of the same rows: ${bare.toFixed(2)} s; import/bare = ${(first.total / bare).toFixed(1)}×`
      )
      // Whole server: autovacuum after the import's writes included; backends: the statements of the connections only.
      console.log(
        `CPU seconds (less swayed by the load of others than wall time): PostgreSQL first import ` +
          `${first.cpu.server.toFixed(1)} (its backends ${first.cpu.backends.toFixed(1)}), re-import ` +
          `${again.cpu.server.toFixed(1)} (${again.cpu.backends.toFixed(1)}), bare copy ${bareCpu.toFixed(1)} ` +
          `(import backends/bare ${(first.cpu.backends / bareCpu).toFixed(1)}×); worker first import ` +
          `${first.cpu.worker.toFixed(1)}, re-import ${again.cpu.worker.toFixed(1)}`
      )
      console.log(`worker peak RSS: ${(rss / 1024).toFixed(0)} MB`)
      record("import, census + R75", first.total, "s", { op: "<", target: 30 })
      record("import / bare INSERT … SELECT", first.total / bare, "×", { op: "<", target: 5 })
      record("import CPU (backends) / bare", first.cpu.backends / bareCpu, "×")
      // With the worker's own CPU: on a quiet 2-core machine the import is bound by the CPU of both processes.
      record("import CPU (backends + worker) / bare", (first.cpu.backends + first.cpu.worker) / bareCpu, "×")
      record("worker peak RSS", rss / 1024, "MB", { op: "<", target: 300 })
      record("re-import / first import", again.total / first.total, "×", { op: "<", target: 0.5 })
      console.log(
        `goals: total < 30 s ${first.total < 30 ? "✓" : "✗"}, < 5× bare ${first.total < 5 * bare ? "✓" : "✗"}, ` +
          `RSS < 300 MB ${rss / 1024 < 300 ? "✓" : "✗"}, re-import < half ${again.total < first.total / 2 ? "✓" : "✗"}`
      )
    })
    await Effect.runPromise(program.pipe(Effect.provide(layer), Effect.scoped))
  } finally {
    if (bundle !== null) await rm(bundle, { force: true })
    await server.stop().catch(() => undefined)
  }
}
