import { assert, describe, it, layer } from "@effect/vitest"
import { PgClient } from "@effect/sql-pg"
import { TestDatabase } from "@kas/core/testing"
import { defineJob, JobFailed, JobStore } from "@kas/jobs"
import { Deferred, Duration, Effect, Exit, FiberId, Layer, Runtime, Schema } from "effect"
import * as Connection from "../../src/internal/connection.js"
import * as Query from "../../src/internal/query.js"
import * as Cycle from "../../src/worker/Cycle.js"
import * as JobContexts from "../../src/worker/JobContexts.js"
import * as RunningJobs from "../../src/worker/RunningJobs.js"

/**
 * The claim/complete cycle: how a run's end is written, and the loop on a real database with the running-jobs registry.
 */

const Noop = defineJob({
  key: "CycleNoop",
  label: "No-op",
  params: Schema.Struct({}),
  run: () => Effect.succeed({ ok: true })
})
let gate: Deferred.Deferred<void> | undefined
const Gated = defineJob({
  key: "CycleGated",
  label: "Gated",
  params: Schema.Struct({}),
  run: () => (gate ? Deferred.await(gate) : Effect.void).pipe(Effect.as({ opened: true }))
})

const entry = (timedOut = false) => ({ id: "j", token: "t", key: "K", timeoutMs: 2000, timedOut }) as RunningJobs.Entry
const claim = (attempts: number, max: number) =>
  ({
    id: "j",
    type: "K",
    arguments: {},
    claim_token: "t",
    attempts,
    max_attempts: max,
    created_by: "x"
  }) as RunningJobs.ClaimRow

describe("Cycle.completionOf", () => {
  it("a success is finished with its value as JSON", () => {
    const c = Cycle.completionOf(entry(), claim(1, 1), Exit.succeed({ n: 1 }))
    assert.deepInclude(c, { status: "finished", result: '{"n":1}', failure: null, delayMs: 0 })
  })
  it("a deliberate failure is failed at once with its message and result, whatever attempts remain", () => {
    const c = Cycle.completionOf(entry(), claim(1, 3), Exit.fail(new JobFailed({ message: "nej", result: { a: 1 } })))
    assert.deepInclude(c, { status: "failed", result: '{"a":1}', failure: "nej", delayMs: 0 })
  })
  it("a defect is queued again after 2^attempts seconds while attempts remain, then failed", () => {
    const boom = Exit.die(new Error("boom"))
    assert.deepInclude(Cycle.completionOf(entry(), claim(2, 3), boom), { status: "queued", delayMs: 4000 })
    const last = Cycle.completionOf(entry(), claim(3, 3), boom)
    assert.strictEqual(last.status, "failed")
    assert.include(last.failure, "boom")
  })
  it("a run interrupted by its timer is recorded as the timeout", () => {
    const c = Cycle.completionOf(entry(true), claim(1, 1), Exit.interrupt(FiberId.none))
    assert.deepInclude(c, { status: "failed", failure: "Jobbet overskred tidsgrænsen på 2 sekunder" })
  })
})

const Live = JobStore.Default.pipe(Layer.provideMerge(TestDatabase.layer))

/** A cycle and a registry as the worker composes them (no leases), run in the current scope. */
const startCycle = (options: { readonly concurrency: number; readonly onlyJobs?: ReadonlyArray<string> }) =>
  Effect.gen(function* () {
    const store = yield* JobStore
    const pg = yield* PgClient.PgClient
    const ended: Array<string> = []
    const cycle = yield* Cycle.make({
      store,
      connection: yield* Connection.make(pg),
      workerId: "cycle-test",
      types: [Noop.key, Gated.key],
      concurrency: options.concurrency,
      batchSize: options.concurrency,
      pollMs: 100,
      leaseMs: 60_000,
      onlyJobs: options.onlyJobs,
      onJobEnd: (job) => Effect.sync(() => ended.push(`${job.type}:${job.status}`)),
      log: () => Effect.void
    })
    const jobs = RunningJobs.make<never>({
      types: [Noop, Gated],
      defaultTimeout: Duration.hours(1),
      runFork: Runtime.runFork(yield* Effect.runtime<never>()),
      context: JobContexts.make({ query: Query.make(pg), store, wake: cycle.wake }),
      complete: cycle.complete,
      freed: cycle.freed,
      log: () => Effect.void
    })
    yield* Effect.forkScoped(cycle.run(jobs))
    return { cycle, jobs, ended }
  })

layer(Live, { excludeTestServices: true, timeout: 60_000 })("Cycle (real database)", (it) => {
  it.effect("claims jobs for its free slots, runs them and writes their results; onJobEnd hears of each", () =>
    Effect.gen(function* () {
      const store = yield* JobStore
      const ids = yield* store.enqueueMany(Noop, [{}, {}, {}, {}, {}], "tester")
      const t = yield* startCycle({ concurrency: 2 })
      const done = yield* store.awaitEnded(ids, "20 millis")
      assert.deepStrictEqual(
        done.map((j) => [j.status, j.workerId, j.result]),
        ids.map(() => ["finished", "cycle-test", { ok: true }])
      )
      yield* Effect.gen(function* () {
        while (t.ended.length < 5 || t.jobs.size() > 0) yield* Effect.sleep("10 millis")
      })
      assert.deepStrictEqual(
        t.ended,
        ids.map(() => "CycleNoop:finished")
      )
    }).pipe(Effect.scoped)
  )

  it.effect("with onlyJobs, only those jobs (and their children) are claimed", () =>
    Effect.gen(function* () {
      const store = yield* JobStore
      const [mine, other] = yield* store.enqueueMany(Noop, [{}, {}], "tester")
      yield* startCycle({ concurrency: 2, onlyJobs: [mine] })
      const [job] = yield* store.awaitEnded([mine], "20 millis")
      assert.strictEqual(job.status, "finished")
      assert.strictEqual((yield* store.get(other)).status, "queued")
      yield* store.cancel(other)
    }).pipe(Effect.scoped)
  )

  it.effect("stopped, it claims nothing more but still writes the results of the jobs that were running", () =>
    Effect.gen(function* () {
      const store = yield* JobStore
      gate = yield* Deferred.make<void>()
      const [running] = yield* store.enqueueMany(Gated, [{}], "tester")
      const t = yield* startCycle({ concurrency: 2 })
      while ((yield* store.get(running)).status !== "running") yield* Effect.sleep("10 millis")
      t.cycle.stop()
      const [later] = yield* store.enqueueMany(Noop, [{}], "tester")
      yield* t.cycle.wake
      yield* Deferred.succeed(gate, undefined)
      const [job] = yield* store.awaitEnded([running], "20 millis")
      assert.deepStrictEqual([job.status, job.result], ["finished", { opened: true }])
      assert.strictEqual((yield* store.get(later)).status, "queued")
      yield* store.cancel(later)
    }).pipe(Effect.scoped)
  )
})
