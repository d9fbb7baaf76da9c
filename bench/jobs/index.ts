/**
 * Job runtime benchmark (issue 3): no-op throughput (20 000 jobs) and enqueue-to-start latency (p50/p99) with 1 and
 * 2 worker processes at equal concurrency, for @kas/jobs, graphile-worker and pg-boss on the same PostgreSQL.
 * Options: --jobs <n> (20000), --concurrency <n> (10), --latency-jobs <n> (200), --url <postgres admin url>,
 * --systems kas,graphile,pgboss, --workers 1,2, --cpu-prof <dir> (V8 CPU profiles of the worker processes, for
 * `node --cpu-prof`-style analysis).
 */
import { EmbeddedPostgres, Migrations, Database } from "@kas/core"
import { jobsMigrations } from "@kas/jobs"
import { Effect } from "effect"
import { runMigrations } from "graphile-worker"
import { type ChildProcess, fork } from "node:child_process"
import { randomBytes } from "node:crypto"
import { readFileSync } from "node:fs"
import path from "node:path"
import { fileURLToPath } from "node:url"
import pg from "pg"
import PgBoss from "pg-boss"
import { record } from "../Results.js"

type System = "kas" | "graphile" | "pgboss"
const here = path.dirname(fileURLToPath(import.meta.url))

const option = (argv: ReadonlyArray<string>, name: string, fallback: string) => {
  const i = argv.indexOf(`--${name}`)
  return i >= 0 && argv[i + 1] ? argv[i + 1] : fallback
}

interface WorkerProc {
  readonly child: ChildProcess
  latencies: Array<number>
  count: number
  cpuMs: number
}

const startWorkers = async (system: System, url: string, n: number, concurrency: number, cpuProf: string) => {
  const procs: Array<WorkerProc> = []
  await Promise.all(
    Array.from({ length: n }, async () => {
      const child = fork(path.join(here, "worker.ts"), [system, url, String(concurrency)], {
        execArgv: [
          "--conditions=source",
          "--import",
          "tsx",
          ...(cpuProf ? ["--cpu-prof", `--cpu-prof-dir=${cpuProf}`] : [])
        ],
        stdio: ["ignore", "ignore", "inherit", "ipc"]
      })
      const proc: WorkerProc = { child, latencies: [], count: 0, cpuMs: 0 }
      procs.push(proc)
      await new Promise<void>((resolve, reject) => {
        child.on("message", (m: { ready?: boolean; latencies?: Array<number>; count?: number; cpuMs?: number }) => {
          if (m.ready) resolve()
          if (m.cpuMs) proc.cpuMs = m.cpuMs
          if (m.latencies) proc.latencies.push(...m.latencies)
          if (m.count) proc.count += m.count
        })
        child.on("exit", (code) => reject(new Error(`${system} worker exited with ${code}`)))
      })
    })
  )
  return {
    started: () => procs.reduce((a, p) => a + p.count, 0),
    /** CPU time of all workers so far (reported every 200 ms). */
    cpuMs: () => procs.reduce((a, p) => a + p.cpuMs, 0),
    latencies: () => procs.flatMap((p) => p.latencies),
    stop: () =>
      Promise.all(
        procs.map(
          (p) =>
            new Promise<void>((resolve) => {
              p.child.removeAllListeners("exit")
              p.child.on("exit", () => resolve())
              p.child.send("stop")
              setTimeout(() => p.child.kill("SIGKILL"), 15_000).unref()
            })
        )
      )
  }
}

/**
 * CPU time (ms) of the PostgreSQL backends serving `client`'s database, other than `client`'s own (read from /proc:
 * only for a server on this machine; 0 elsewhere). Backends that exit between two readings are not counted.
 */
const backendCpuMs = async (client: pg.Client) => {
  const { rows } = await client.query<{ pid: number }>(
    "select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()"
  )
  const ticks = rows.map((r) => {
    try {
      const fields = readFileSync(`/proc/${r.pid}/stat`, "utf8")
        .replace(/^.*\) /, "")
        .split(" ")
      return Number(fields[11]) + Number(fields[12]) // utime, stime (fields 14 and 15 of stat)
    } catch {
      return 0
    }
  })
  return new Map(rows.map((r, i) => [r.pid, (ticks[i] * 1000) / 100])) // USER_HZ = 100
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** Enqueue many, and the count of jobs done, per system (all with one SQL statement / client call). */
const adapters = (client: pg.Client, boss: PgBoss | undefined) => ({
  kas: {
    bulk: (n: number) =>
      client.query(
        `insert into jobs.job (type, arguments, created_by)
         select 'BenchNoop', '{}', 'bench' from generate_series(1, $1)`,
        [n]
      ),
    one: (t: number) =>
      client.query(`insert into jobs.job (type, arguments, created_by) values ('BenchNoop', $1, 'bench')`, [
        JSON.stringify({ t })
      ]),
    done: async () =>
      (await client.query<{ n: number }>("select count(*)::int as n from jobs.job where status = 'finished'")).rows[0]
        .n,
    reset: () => client.query("truncate jobs.job cascade")
  },
  graphile: {
    bulk: (n: number) =>
      client.query(
        `select graphile_worker.add_jobs(array(
           select ('noop', '{}'::json, null, null, null, null, null, null)::graphile_worker.job_spec
           from generate_series(1, $1)))`,
        [n]
      ),
    one: (t: number) => client.query(`select graphile_worker.add_job('noop', $1::json)`, [JSON.stringify({ t })]),
    // graphile-worker deletes a job when it completes.
    done: async (total: number) =>
      total -
      (await client.query<{ n: number }>("select count(*)::int as n from graphile_worker._private_jobs")).rows[0].n,
    reset: () => client.query("delete from graphile_worker._private_jobs")
  },
  pgboss: {
    bulk: (n: number) => boss!.insert(Array.from({ length: n }, () => ({ name: "noop", data: {} }))),
    one: (t: number) => boss!.send("noop", { t }),
    done: async () =>
      (
        await client.query<{ n: number }>(
          "select count(*)::int as n from pgboss.job where name = 'noop' and state = 'completed'"
        )
      ).rows[0].n,
    reset: () => client.query("delete from pgboss.job where name = 'noop'")
  }
})

const percentile = (xs: Array<number>, p: number) => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length === 0 ? NaN : s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]
}

export const runJobsBench = async (argv: ReadonlyArray<string>) => {
  const jobs = Number(option(argv, "jobs", "20000"))
  const concurrency = Number(option(argv, "concurrency", "10"))
  const latencyJobs = Number(option(argv, "latency-jobs", "200"))
  const workerCounts = option(argv, "workers", "1,2").split(",").map(Number)
  const cpuProf = option(argv, "cpu-prof", "")
  let adminUrl = option(argv, "url", "")
  let stopServer = async () => {}
  if (!adminUrl) {
    const server = await EmbeddedPostgres.startEmbedded({
      dataDir: `.kas/bench-jobs-${process.pid}`,
      persistent: false
    })
    adminUrl = server.adminUrl
    stopServer = server.stop
  }
  const results: Array<Record<string, string | number>> = []
  try {
    const systems = option(argv, "systems", "kas,graphile,pgboss").split(",") as Array<System>
    for (const system of systems) {
      const url = await EmbeddedPostgres.ensureDatabase(
        adminUrl,
        `bench_jobs_${system}_${randomBytes(3).toString("hex")}`
      )
      if (system === "kas") {
        await Effect.runPromise(
          Migrations.migrate([jobsMigrations]).pipe(
            Effect.provide(Database.layerFromUrl(url, { maxConnections: 2 })),
            Effect.scoped
          )
        )
      } else if (system === "graphile") {
        await runMigrations({ connectionString: url })
      }
      let boss: PgBoss | undefined
      if (system === "pgboss") {
        boss = new PgBoss({ connectionString: url, max: 4 })
        boss.on("error", (e) => console.error(e))
        await boss.start()
        await boss.createQueue("noop")
      }
      const client = new pg.Client({ connectionString: url })
      await client.connect()
      const a = adapters(client, boss)[system]
      for (const workers of workerCounts) {
        // Throughput: idle workers, then `jobs` no-op jobs in one insert; time until all are done.
        await a.reset()
        const w = await startWorkers(system, url, workers, concurrency, cpuProf)
        const t0 = performance.now()
        const cpu0 = w.cpuMs()
        const pg0 = await backendCpuMs(client)
        await a.bulk(jobs)
        // pg-boss polls at most every 0.5 s per worker: give it a minute and report the rate reached.
        const deadline = Date.now() + (system === "pgboss" ? 60_000 : 300_000)
        let done = 0
        // Watch the workers' own counts (no extra queries competing with the queue), then confirm in the database.
        while (w.started() < jobs && Date.now() < deadline) await sleep(20)
        for (;;) {
          done = await a.done(jobs)
          if (done >= jobs || Date.now() >= deadline) break
          await sleep(20)
        }
        const seconds = (performance.now() - t0) / 1000
        await sleep(250) // the workers' last CPU report
        const cpuMs = w.cpuMs() - cpu0
        const pg1 = await backendCpuMs(client)
        const pgCpuMs = [...pg1].reduce((a, [pid, ms]) => a + ms - (pg0.get(pid) ?? 0), 0)
        // Latency: one job at a time, 25 ms apart, measured from just before the insert to the handler's start.
        await a.reset()
        await sleep(500)
        const before = w.latencies().length
        for (let i = 0; i < latencyJobs; i++) {
          await a.one(Date.now())
          await sleep(25)
        }
        const end = Date.now() + 10_000
        while (w.latencies().length - before < latencyJobs && Date.now() < end) await sleep(50)
        await sleep(300)
        const lat = w.latencies()
        await w.stop()
        const row = {
          system,
          workers,
          concurrency,
          jobs: done,
          "jobs/s": Math.round(done / seconds),
          // Worker CPU per job in the throughput run (independent of the machine's load, unlike jobs/s).
          "worker cpu µs/job": Math.round((cpuMs * 1000) / Math.max(1, done)),
          "pg cpu µs/job": Math.round((pgCpuMs * 1000) / Math.max(1, done)),
          "p50 ms": percentile(lat, 50),
          "p99 ms": percentile(lat, 99),
          samples: lat.length
        }
        results.push(row)
        console.log(JSON.stringify(row))
      }
      await client.end()
      await boss?.stop({ graceful: false, wait: true })
    }
  } finally {
    await stopServer().catch(() => undefined)
  }
  console.table(results)
  for (const workers of [1, 2]) {
    const of = (s: System) => results.find((r) => r.system === s && r.workers === workers)
    const k = of("kas")
    const g = of("graphile")
    const b = of("pgboss")
    if (k) record(`kas jobs/s, ${workers} worker(s)`, Number(k["jobs/s"]), "jobs/s")
    if (k && g) {
      const goal = workers === 1 ? ({ op: ">=", target: 1.5 } as const) : undefined
      record(`kas / graphile jobs/s, ${workers} worker(s)`, Number(k["jobs/s"]) / Number(g["jobs/s"]), "×", goal)
    }
    if (k && g && b) {
      console.log(
        `${workers} worker(s): kas/graphile throughput ${(Number(k["jobs/s"]) / Number(g["jobs/s"])).toFixed(2)}, ` +
          `kas/pg-boss ${(Number(k["jobs/s"]) / Number(b["jobs/s"])).toFixed(2)}; p50 kas ${k["p50 ms"]} ms, ` +
          `graphile ${g["p50 ms"]} ms, pg-boss ${b["p50 ms"]} ms`
      )
    }
  }
}
