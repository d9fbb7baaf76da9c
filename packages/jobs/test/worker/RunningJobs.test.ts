import { assert, describe, it } from "@effect/vitest"
import { defineJob, type JobContext } from "@kas/jobs"
import { Deferred, Duration, Effect, Exit, HashMap, List, Logger, Runtime, Schema } from "effect"
import * as RunningJobs from "../../src/worker/RunningJobs.js"

/** The running-jobs registry on its own: fibers, ends, timeouts, lost and released jobs (no database involved). */

const Echo = defineJob({
  key: "Echo",
  label: "Echo",
  params: Schema.Struct({ n: Schema.Number }),
  run: ({ n }) => Effect.logInfo("echo").pipe(Effect.as({ n }))
})
const Forever = defineJob({ key: "Forever", label: "Forever", params: Schema.Struct({}), run: () => Effect.never })
const Slow = defineJob({
  key: "Slow",
  label: "Slow",
  params: Schema.Struct({}),
  timeout: "100 millis",
  run: () => Effect.never
})

const row = (id: string, type: string, args: unknown = {}): RunningJobs.ClaimRow => ({
  id,
  type,
  arguments: args,
  claim_token: `token-${id}`,
  attempts: 1,
  max_attempts: 1,
  created_by: "tester"
})

/** The registry with its ends recorded; the jobs' signals are the context's only part these jobs use. */
const setup = Effect.gen(function* () {
  const logs: Array<{ message: unknown; annotations: Record<string, unknown> }> = []
  const logger = Logger.make(({ message, annotations }) => {
    logs.push({
      message: List.isList(message) ? List.toArray(message) : message,
      annotations: Object.fromEntries(HashMap.toEntries(annotations))
    })
  })
  const runtime = yield* Effect.runtime<never>().pipe(Effect.provide(Logger.replace(Logger.defaultLogger, logger)))
  const completed: Array<{ id: string; exit: Exit.Exit<unknown, unknown>; timedOut: boolean }> = []
  const ended = yield* Deferred.make<void>()
  let freed = 0
  const signals = new Map<string, AbortSignal>()
  const jobs = RunningJobs.make<never>({
    types: [Echo, Forever, Slow],
    defaultTimeout: Duration.hours(3),
    runFork: Runtime.runFork(runtime),
    context: (entry) => {
      entry.controller ??= new AbortController()
      signals.set(entry.id, entry.controller.signal)
      return { jobId: entry.id, signal: entry.controller.signal } as JobContext
    },
    complete: (entry, _row, exit) => {
      completed.push({ id: entry.id, exit, timedOut: entry.timedOut })
      Deferred.unsafeDone(ended, Exit.void)
    },
    freed: () => {
      freed++
    },
    log: (message) => Effect.logInfo(message)
  })
  return { jobs, logs, completed, ended, signals, freed: () => freed }
})

describe("RunningJobs", () => {
  it.live("a launched job runs in its own fiber, logs with its id and type, and hands its result over on its end", () =>
    Effect.gen(function* () {
      const t = yield* setup
      t.jobs.launch(row("a", "Echo", { n: 7 }))
      yield* Deferred.await(t.ended)
      assert.strictEqual(t.completed.length, 1)
      const [c] = t.completed
      assert.strictEqual(c.id, "a")
      assert.deepStrictEqual(Exit.isSuccess(c.exit) && c.exit.value, { n: 7 })
      assert.strictEqual(t.jobs.active(), 0)
      assert.strictEqual(t.freed(), 1)
      // Its result is not written yet: the registry still knows it, but it is no longer live.
      assert.strictEqual(t.jobs.size(), 1)
      assert.deepStrictEqual(t.jobs.live(), [])
      t.jobs.remove("a")
      assert.strictEqual(t.jobs.size(), 0)
      const echo = t.logs.find((l) => JSON.stringify(l.message).includes("echo"))
      assert.deepStrictEqual(echo?.annotations, { job: "a", type: "Echo" })
    })
  )

  it.live("a lost job is interrupted and forgotten: its signal aborts, no result is handed over", () =>
    Effect.gen(function* () {
      const t = yield* setup
      t.jobs.launch(row("b", "Forever"))
      t.jobs.launch(row("c", "Forever"))
      assert.strictEqual(t.jobs.active(), 2)
      assert.deepStrictEqual(
        t.jobs
          .live()
          .map((e) => e.id)
          .sort(),
        ["b", "c"]
      )
      yield* t.jobs.lose(["b", "unknown"])
      yield* Effect.async<void>((resume) => {
        const signal = t.signals.get("b")!
        if (signal.aborted) resume(Effect.void)
        else signal.addEventListener("abort", () => resume(Effect.void))
      })
      assert.deepStrictEqual(t.completed, [])
      assert.strictEqual(t.jobs.get("b"), undefined)
      assert.deepStrictEqual(
        t.jobs.live().map((e) => e.id),
        ["c"]
      )
      assert.strictEqual(t.jobs.active(), 1)
      yield* t.jobs.release(t.jobs.live())
    })
  )

  it.live("the type's timeout interrupts the job, which ends as timed out", () =>
    Effect.gen(function* () {
      const t = yield* setup
      t.jobs.launch(row("d", "Slow"))
      yield* Deferred.await(t.ended)
      const [c] = t.completed
      assert.strictEqual(c.id, "d")
      assert.isTrue(Exit.isFailure(c.exit))
      assert.isTrue(c.timedOut)
      assert.strictEqual(t.jobs.active(), 0)
    })
  )

  it.live("release interrupts the running jobs and waits for them; none hands a result over", () =>
    Effect.gen(function* () {
      const t = yield* setup
      t.jobs.launch(row("e", "Forever"))
      t.jobs.launch(row("f", "Forever"))
      yield* t.jobs.release(t.jobs.live())
      assert.strictEqual(t.jobs.active(), 0)
      assert.strictEqual(t.jobs.size(), 0)
      assert.deepStrictEqual(t.completed, [])
      assert.strictEqual(t.freed(), 2)
      assert.isTrue(t.signals.get("e")!.aborted)
    })
  )
})
