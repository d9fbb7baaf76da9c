import { assert, layer } from "@effect/vitest"
import { SqlClient } from "@effect/sql"
import { PgClient } from "@effect/sql-pg"
import { TestDatabase } from "@kas/core/testing"
import { defineJob, JobStore } from "@kas/jobs"
import { Deferred, Duration, Effect, Exit, Layer, Runtime, Schema } from "effect"
import * as Query from "../../src/internal/query.js"
import * as JobContexts from "../../src/worker/JobContexts.js"
import * as Lease from "../../src/worker/Lease.js"
import * as RunningJobs from "../../src/worker/RunningJobs.js"

/** The lease keeper on a real database: heartbeats, lost claims, batched progress, recovery and release. */

const WORKER = "lease-test"
let reported: Deferred.Deferred<void> | undefined
/** Reports 3 of 4 done, then runs until interrupted. */
const Busy = defineJob({
  key: "LeaseBusy",
  label: "Busy",
  params: Schema.Struct({}),
  run: (_, ctx) =>
    ctx
      .progress(3, 4)
      .pipe(
        Effect.zipRight(reported ? Deferred.succeed(reported, undefined) : Effect.void),
        Effect.zipRight(Effect.never)
      )
})

/** Claims the job `id` for `worker` as `jobs.cycle` would (lease 30 s); returns its claim row. */
const claim = (id: string, worker = WORKER) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const [row] = yield* sql<RunningJobs.ClaimRow>`
      update jobs.job set status = 'running', claim_token = gen_random_uuid(), worker_id = ${worker},
        attempts = attempts + 1, started_at = now(), heartbeat_at = now(),
        lease_expires_at = now() + interval '30 seconds'
      where id = ${id}
      returning id, type, arguments, claim_token, attempts, max_attempts, created_by`
    return row!
  })

const rowOf = (id: string) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const [r] = yield* sql<{
      status: string
      claim_token: string | null
      attempts: number
      progress: number
      current_count: string | null
      total_count: string | null
      failure: string
      lease_left_s: number | null
    }>`select status, claim_token, attempts, progress, current_count::text, total_count::text, failure,
         extract(epoch from lease_expires_at - now())::float8 as lease_left_s
       from jobs.job where id = ${id}`
    return r!
  })

/** A registry and a lease keeper as the worker composes them (no cycle: results are not written here). */
const setup = Effect.gen(function* () {
  const store = yield* JobStore
  const pg = yield* PgClient.PgClient
  const query = Query.make(pg)
  const wake = Effect.void
  const jobs = RunningJobs.make<never>({
    types: [Busy],
    defaultTimeout: Duration.hours(1),
    runFork: Runtime.runFork(yield* Effect.runtime<never>()),
    context: JobContexts.make({ query, store, wake }),
    complete: () => undefined,
    freed: () => undefined,
    log: () => Effect.void
  })
  const lease = Lease.make({ query, store, jobs, workerId: WORKER, leaseMs: 60_000, wake, log: () => Effect.void })
  const launch = (id: string) =>
    Effect.gen(function* () {
      reported = yield* Deferred.make<void>()
      jobs.launch(yield* claim(id))
      yield* Deferred.await(reported)
      return jobs.get(id)!
    })
  return { store, jobs, lease, launch }
})

const Live = JobStore.Default.pipe(Layer.provideMerge(TestDatabase.layer))

layer(Live, { excludeTestServices: true, timeout: 60_000 })("Lease (real database)", (it) => {
  it.effect("a heartbeat extends the leases held; a job whose claim is gone is lost and interrupted", () =>
    Effect.gen(function* () {
      const t = yield* setup
      const [a, b] = yield* t.store.enqueueMany(Busy, [{}, {}], "tester")
      const ea = yield* t.launch(a)
      const eb = yield* t.launch(b)
      assert.isBelow((yield* rowOf(a)).lease_left_s!, 31)
      yield* t.store.cancel(b)
      yield* t.lease.heartbeatAll
      assert.isAbove((yield* rowOf(a)).lease_left_s!, 50)
      assert.isTrue(eb.lost)
      yield* eb.fiber!.await
      assert.deepStrictEqual(
        t.jobs.live().map((e) => e.id),
        [a]
      )
      assert.strictEqual((yield* rowOf(b)).status, "cancelled")
      yield* t.jobs.release([ea])
      yield* t.lease.release([ea])
    })
  )

  it.effect("progress is written in one batch from what the jobs reported; a release puts a job back untouched", () =>
    Effect.gen(function* () {
      const t = yield* setup
      const [a] = yield* t.store.enqueueMany(Busy, [{}], "tester")
      const ea = yield* t.launch(a)
      yield* t.lease.flushProgress
      assert.deepInclude(yield* rowOf(a), { progress: 75, current_count: "3", total_count: "4" })
      assert.isUndefined(ea.pendingProgress)
      yield* t.jobs.release([ea])
      const released = yield* t.lease.release([ea])
      assert.deepStrictEqual(
        released.map((r) => r.id),
        [a]
      )
      assert.deepInclude(yield* rowOf(a), { status: "queued", claim_token: null, attempts: 0, progress: 0 })
    })
  )

  it.effect("recovery: this worker's own running jobs at start, and any worker's expired leases", () =>
    Effect.gen(function* () {
      const t = yield* setup
      const sql = yield* SqlClient.SqlClient
      const [own, expired, fresh] = yield* t.store.enqueueMany(Busy, [{}, {}, {}], "tester")
      yield* claim(own)
      yield* claim(expired, "other-worker")
      yield* claim(fresh, "other-worker")
      yield* sql`update jobs.job set lease_expires_at = now() - interval '1 second' where id = ${expired}`
      yield* t.lease.recover(false)
      assert.strictEqual((yield* rowOf(own)).status, "running")
      assert.strictEqual((yield* rowOf(fresh)).status, "running")
      const lost = yield* rowOf(expired)
      assert.strictEqual(lost.status, "failed")
      assert.include(lost.failure, Lease.WORKER_LOST)
      assert.include(lost.failure, "(worker other-worker, last heartbeat ")
      yield* t.lease.recover(true)
      assert.strictEqual((yield* rowOf(own)).status, "failed")
      assert.strictEqual((yield* rowOf(fresh)).status, "running")
      const exit = yield* Effect.exit(t.store.cancel(fresh))
      assert.isTrue(Exit.isSuccess(exit))
    })
  )
})
