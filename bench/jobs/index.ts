/**
 * Job runtime benchmark (issue 3): no-op throughput (20 000 jobs) and enqueue-to-start latency (p50/p99) with 1 and
 * 2 worker processes at equal concurrency, for @kas/jobs, graphile-worker and pg-boss on the same PostgreSQL.
 * Options: --jobs <n> (20000), --concurrency <n> (10), --latency-jobs <n> (200), --url <postgres admin url>,
 * --systems kas,graphile,pgboss, --workers 1,2, --repeat <n> (3: rounds of throughput runs, the systems taking
 * turns in each; medians are reported, as one run's ratio swings widely on a shared 2-core machine), --cpu-prof <dir>
 * (V8 CPU profiles of the worker processes, for `node --cpu-prof`-style analysis).
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
import { sql } from "../Processes.js"
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

interface Prepared {
  readonly system: System
  readonly url: string
  readonly client: pg.Client
  readonly boss: PgBoss | undefined
  readonly adapter: ReturnType<typeof adapters>[System]
}

/** A database for `system` with its schema installed, a client on it and the system's adapter. */
const prepare = async (adminUrl: string, system: System): Promise<Prepared> => {
  const url = await EmbeddedPostgres.ensureDatabase(adminUrl, `bench_jobs_${system}_${randomBytes(3).toString("hex")}`)
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
  return { system, url, client, boss, adapter: adapters(client, boss)[system] }
}

/**
 * One throughput run: idle workers, then `jobs` no-op jobs in one insert; the time until all are done, and the CPU
 * the workers and the database's backends spent on them. With `latencyJobs` > 0, then the enqueue-to-start latency:
 * one job at a time, 25 ms apart, measured from just before the insert to the handler's start.
 */
const measure = async (
  p: Prepared,
  options: { workers: number; concurrency: number; jobs: number; latencyJobs: number; cpuProf: string }
) => {
  const { workers, concurrency, jobs, latencyJobs } = options
  const a = p.adapter
  await a.reset()
  const w = await startWorkers(p.system, p.url, workers, concurrency, options.cpuProf)
  const t0 = performance.now()
  const cpu0 = w.cpuMs()
  const pg0 = await backendCpuMs(p.client)
  await a.bulk(jobs)
  // pg-boss polls at most every 0.5 s per worker: give it a minute and report the rate reached.
  const deadline = Date.now() + (p.system === "pgboss" ? 60_000 : 300_000)
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
  const pg1 = await backendCpuMs(p.client)
  const pgCpuMs = [...pg1].reduce((a, [pid, ms]) => a + ms - (pg0.get(pid) ?? 0), 0)
  let lat: Array<number> = []
  if (latencyJobs > 0) {
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
    lat = w.latencies()
  }
  await w.stop()
  return {
    system: p.system,
    workers,
    concurrency,
    jobs: done,
    "jobs/s": Math.round(done / seconds),
    // Worker CPU per job in the throughput run (independent of the machine's load, unlike jobs/s).
    "worker cpu µs/job": Math.round((cpuMs * 1000) / Math.max(1, done)),
    "pg cpu µs/job": Math.round((pgCpuMs * 1000) / Math.max(1, done)),
    "p50 ms": latencyJobs > 0 ? percentile(lat, 50) : "",
    "p99 ms": latencyJobs > 0 ? percentile(lat, 99) : "",
    samples: lat.length
  }
}

const median = (xs: ReadonlyArray<number>) => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2
}

export const runJobsBench = async (argv: ReadonlyArray<string>) => {
  const jobs = Number(option(argv, "jobs", "20000"))
  const concurrency = Number(option(argv, "concurrency", "10"))
  const latencyJobs = Number(option(argv, "latency-jobs", "200"))
  const workerCounts = option(argv, "workers", "1,2").split(",").map(Number)
  const repeat = Math.max(1, Number(option(argv, "repeat", "3")))
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
  const results: Array<Awaited<ReturnType<typeof measure>>> = []
  const prepared: Array<Prepared> = []
  try {
    const systems = option(argv, "systems", "kas,graphile,pgboss").split(",") as Array<System>
    for (const system of systems) prepared.push(await prepare(adminUrl, system))
    // The systems take turns in every round, so that a change in the machine's load falls on all of them alike; the
    // latencies are taken in the first round only.
    for (let round = 0; round < repeat; round++) {
      for (const workers of workerCounts) {
        for (const p of prepared) {
          const row = await measure(p, {
            workers,
            concurrency,
            jobs,
            latencyJobs: round === 0 ? latencyJobs : 0,
            cpuProf
          })
          results.push(row)
          console.log(JSON.stringify({ round: round + 1, ...row }))
        }
      }
    }
  } finally {
    for (const p of prepared) {
      await p.client.end().catch(() => undefined)
      await p.boss?.stop({ graceful: false, wait: true }).catch(() => undefined)
      const name = new URL(p.url).pathname.slice(1)
      await sql(adminUrl, `drop database if exists ${name}`).catch(() => undefined)
    }
    await stopServer().catch(() => undefined)
  }
  console.table(results)
  for (const workers of workerCounts) {
    const of = (s: System) => results.filter((r) => r.system === s && r.workers === workers)
    const rate = (s: System) => median(of(s).map((r) => r["jobs/s"]))
    const cpu = (s: System) => median(of(s).map((r) => r["worker cpu µs/job"] + r["pg cpu µs/job"]))
    const k = of("kas")
    const g = of("graphile")
    const b = of("pgboss")
    if (k.length > 0) record(`kas jobs/s, ${workers} worker(s), median of ${k.length}`, rate("kas"), "jobs/s")
    if (k.length > 0 && g.length > 0) {
      const goal = workers === 1 ? ({ op: ">=", target: 1.5 } as const) : undefined
      const ratios = k.map((r, i) => r["jobs/s"] / (g[i]?.["jobs/s"] ?? NaN))
      record(`kas / graphile jobs/s, ${workers} worker(s), median`, rate("kas") / rate("graphile"), "×", goal)
      record(`graphile / kas CPU per job, ${workers} worker(s), median`, cpu("graphile") / cpu("kas"), "×")
      console.log(
        `${workers} worker(s): kas/graphile per round ${ratios.map((x) => x.toFixed(2)).join(", ")}; medians ` +
          `kas ${rate("kas")} jobs/s, graphile ${rate("graphile")} jobs/s; CPU per job (worker + PostgreSQL) kas ` +
          `${cpu("kas")} µs, graphile ${cpu("graphile")} µs`
      )
    }
    if (k.length > 0 && g.length > 0 && b.length > 0) {
      console.log(
        `${workers} worker(s): kas/pg-boss throughput ${(rate("kas") / rate("pgboss")).toFixed(2)}; p50 kas ` +
          `${k[0]!["p50 ms"]} ms, graphile ${g[0]!["p50 ms"]} ms, pg-boss ${b[0]!["p50 ms"]} ms`
      )
    }
  }
}
