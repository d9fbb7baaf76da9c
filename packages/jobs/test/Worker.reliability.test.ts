import { TestDatabase } from "@kas/core/testing"
import pg from "pg"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { eventually, type Proc, start } from "./processes.js"

/** The runtime's promises checked with real worker and scheduler processes on a real PostgreSQL. */

const WORKER = "packages/jobs/test/fixtures/worker.ts"
const SCHEDULER = "packages/jobs/test/fixtures/scheduler.ts"

let db: TestDatabase.TestDb
let client: pg.Client
const procs: Array<Proc> = []

const query = async <R extends object>(text: string, params: Array<unknown> = []) =>
  (await client.query<R>(text, params)).rows

const worker = async (env: Record<string, string> = {}) => {
  const p = start(WORKER, { DATABASE_URL: db.url, ...env })
  procs.push(p)
  await p.waitFor("ready")
  return p
}

const status = async (id: string) =>
  (await query<{ status: string }>("select status from jobs.job where id = $1", [id]))[0].status

/** Enqueues with SQL, as any client may; `maxAttempts` is what the type's `retries` makes it. */
const enqueue = async (type: string, args: object, maxAttempts = 1) =>
  (
    await query<{ id: string }>(
      "insert into jobs.job (type, arguments, created_by, max_attempts) values ($1, $2, 'tester', $3) returning id",
      [type, JSON.stringify(args), maxAttempts]
    )
  )[0].id

const stop = async (p: Proc) => {
  p.child.kill("SIGTERM")
  return p.exited
}

beforeAll(async () => {
  db = await TestDatabase.createTestDatabase()
  client = new pg.Client({ connectionString: db.url })
  await client.connect()
  await client.query("create table public.side_effect (job_id uuid, n int)")
})

afterAll(async () => {
  for (const p of procs) if (p.child.exitCode === null) p.child.kill("SIGKILL")
  await Promise.all(procs.map((p) => p.exited))
  await client?.end()
  await db?.drop()
})

describe("worker processes", () => {
  it("2 workers, 2 000 jobs: every job runs exactly once", async () => {
    await query(`insert into jobs.job (type, arguments, created_by)
      select 'Count', jsonb_build_object('n', g), 'tester' from generate_series(1, 2000) g`)
    const [a, b] = await Promise.all([worker({ CONCURRENCY: "8" }), worker({ CONCURRENCY: "8" })])
    await eventually(async () => {
      const [r] = await query<{ n: number }>(
        "select count(*)::int as n from jobs.job where type = 'Count' and status <> 'finished'"
      )
      return r.n === 0 ? true : undefined
    })
    const [effects] = await query<{ total: number; distinct_jobs: number }>(
      "select count(*)::int as total, count(distinct job_id)::int as distinct_jobs from public.side_effect"
    )
    expect(effects).toEqual({ total: 2000, distinct_jobs: 2000 })
    const [jobs] = await query<{ attempts: number; workers: number }>(
      "select max(attempts)::int as attempts, count(distinct worker_id)::int as workers " +
        "from jobs.job where type = 'Count'"
    )
    expect(jobs.attempts).toBe(1)
    expect(jobs.workers).toBe(2)
    expect(await Promise.all([stop(a), stop(b)])).toEqual([0, 0])
  }, 120_000)

  it("SIGKILL mid-job: the job fails with 'worker lost' once its lease expires, " +
    "or runs again when retries are allowed", async () => {
    await query("truncate public.side_effect")
    const victim = await worker({ LEASE_MS: "2000", HEARTBEAT_MS: "300", WORKER_ID: "victim" })
    const once = await enqueue("Sleep", { ms: 60_000 })
    const retried = await enqueue("SleepRetry", { ms: 1000 }, 2)
    await eventually(async () =>
      (await status(once)) === "running" && (await status(retried)) === "running" ? true : undefined
    )
    victim.child.kill("SIGKILL")
    await victim.exited
    const rescuer = await worker({ RECOVERY_MS: "200", WORKER_ID: "rescuer" })
    const failed = await eventually(async () => {
      const [j] = await query<{ status: string; failure: string; lease: number; ended_at: Date }>(
        `select status, failure, extract(epoch from ended_at - heartbeat_at) * 1000 as lease, ended_at
         from jobs.job where id = $1`,
        [once]
      )
      return j.status === "running" ? undefined : j
    })
    expect(failed.status).toBe("failed")
    expect(failed.failure).toContain("worker lost")
    expect(failed.failure).toContain("worker victim")
    expect(Number(failed.lease)).toBeGreaterThanOrEqual(2000) // not recovered before the lease ran out
    const again = await eventually(async () => {
      const [j] = await query<{ status: string; attempts: number; worker_id: string }>(
        "select status, attempts, worker_id from jobs.job where id = $1",
        [retried]
      )
      return j.status === "finished" ? j : undefined
    })
    expect(again).toEqual({ status: "finished", attempts: 2, worker_id: "rescuer" })
    const effects = await query<{ job_id: string }>("select job_id from public.side_effect")
    expect(effects.map((e) => e.job_id)).toEqual([retried])
    expect(await stop(rescuer)).toBe(0)
  }, 120_000)

  it("a worker whose claim was taken over cannot write progress or finish the job, and stops running it", async () => {
    await query("truncate public.side_effect")
    const w = await worker({ LEASE_MS: "60000", HEARTBEAT_MS: "200" })
    const id = await enqueue("Sleep", { ms: 3000 })
    await eventually(async () => ((await status(id)) === "running" ? true : undefined))
    // Another worker takes the job over (as after an expired lease): a new token, progress reset.
    await query(
      "update jobs.job set claim_token = gen_random_uuid(), worker_id = 'thief', progress = 0, current_count = null " +
        "where id = $1",
      [id]
    )
    await w.waitFor("claim lost", 10_000)
    await new Promise((r) => setTimeout(r, 3500)) // the job would have finished by now
    const [job] = await query<{ status: string; worker_id: string; progress: number; current_count: string | null }>(
      "select status, worker_id, progress, current_count from jobs.job where id = $1",
      [id]
    )
    expect(job).toEqual({ status: "running", worker_id: "thief", progress: 0, current_count: null })
    expect(await query("select 1 from public.side_effect where job_id = $1", [id])).toEqual([])
    expect(await stop(w)).toBe(0)
    await query("update jobs.job set status = 'cancelled', claim_token = null where id = $1", [id])
  }, 60_000)

  it("SIGTERM: running jobs finish within the grace period; the rest are released to the queue", async () => {
    const w = await worker({ CONCURRENCY: "2" })
    const quick = await enqueue("Sleep", { ms: 1000 })
    const slow = await enqueue("Sleep", { ms: 60_000 })
    await eventually(async () =>
      (await status(quick)) === "running" && (await status(slow)) === "running" ? true : undefined
    )
    w.child.kill("SIGTERM")
    const code = await Promise.race([w.exited, new Promise((r) => setTimeout(() => r("hung"), 15_000))])
    expect(code, w.output()).toBe(0)
    expect(w.output()).toContain("drained (0 running)")
    expect(await status(quick)).toBe("finished")
    const [s] = await query<{ status: string; claim_token: string | null; attempts: number }>(
      "select status, claim_token, attempts from jobs.job where id = $1",
      [slow]
    )
    expect(s).toEqual({ status: "queued", claim_token: null, attempts: 0 })
    await query("update jobs.job set status = 'cancelled' where id = $1", [slow])
  }, 60_000)
})

describe("scheduler processes", () => {
  it("3 schedulers with a per-second schedule: each tick is enqueued exactly once", async () => {
    const schedulers = [0, 1, 2].map(() => start(SCHEDULER, { DATABASE_URL: db.url }))
    procs.push(...schedulers)
    await Promise.all(schedulers.map((s) => s.waitFor("ready")))
    await new Promise((r) => setTimeout(r, 5000))
    await Promise.all(schedulers.map(stop))
    const runs = await query<{ fire_time: Date; job_id: string | null }>(
      "select fire_time, job_id from jobs.schedule_run where schedule = 'test-every-second' order by fire_time"
    )
    expect(runs.length).toBeGreaterThanOrEqual(4)
    const jobs = await query<{ id: string; created_by: string }>(
      "select id, created_by from jobs.job where type = 'Noop'"
    )
    // One job per tick, each linked from its tick, all created by the scheduler user.
    expect(jobs.length).toBe(runs.length)
    expect(new Set(runs.map((r) => r.job_id))).toEqual(new Set(jobs.map((j) => j.id)))
    expect(jobs.every((j) => j.created_by === "scheduler")).toBe(true)
    // Consecutive seconds: no tick was lost between the first and the last.
    const seconds = runs.map((r) => r.fire_time.getTime() / 1000)
    expect(seconds[seconds.length - 1] - seconds[0]).toBe(seconds.length - 1)
  }, 60_000)
})
