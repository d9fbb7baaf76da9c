import { PgClient } from "@effect/sql-pg"
import { Deferred, Duration, Effect, Runtime, Schedule, type Scope, Stream } from "effect"
import { hostname } from "node:os"
import { JobStoreError } from "./JobError.js"
import type { JobStatus } from "./JobRecord.js"
import type { JobRegistry } from "./JobRegistry.js"
import { JobStore } from "./JobStore.js"
import * as Connection from "./internal/connection.js"
import * as Query from "./internal/query.js"
import * as Cycle from "./worker/Cycle.js"
import * as JobContexts from "./worker/JobContexts.js"
import * as Lease from "./worker/Lease.js"
import * as RunningJobs from "./worker/RunningJobs.js"

/** How a worker runs. Every duration has a production default; tests shorten them. */
export interface WorkerOptions<R> {
  readonly registry: JobRegistry<R>
  /** Jobs run at the same time (default 1). */
  readonly concurrency?: number
  /** Identifies this process in `worker_id` (default `hostname/pid`: a restarted container recovers its own jobs). */
  readonly workerId?: string
  /** Most jobs claimed by one statement (default: the concurrency). */
  readonly batchSize?: number
  /** How often to look for work when nothing woke the worker (default 2 s). */
  readonly pollInterval?: Duration.DurationInput
  /** How often running jobs' leases are extended (default 10 s). */
  readonly heartbeatInterval?: Duration.DurationInput
  /** How long a job's claim lasts without a heartbeat (default 60 s). */
  readonly lease?: Duration.DurationInput
  /** How often expired leases and deferred jobs are checked (default 30 s). */
  readonly recoveryInterval?: Duration.DurationInput
  /** Least time between two progress writes (default 250 ms). */
  readonly progressInterval?: Duration.DurationInput
  /** Timeout of job types without their own (default 3 hours). */
  readonly defaultTimeout?: Duration.DurationInput
  /** Grace period of the drain that runs when the worker's scope closes (e.g. on SIGTERM; default 30 s). */
  readonly gracePeriod?: Duration.DurationInput
  /** Run only these jobs and their descendants (e.g. `kas execute-job --wait` running one job inline). */
  readonly onlyJobs?: ReadonlyArray<string>
  /** Listen for NOTIFY wake-ups (default true). */
  readonly listen?: boolean
  /** Called after a job ended (finished or failed), e.g. to push a metric; its failures are only logged. */
  readonly onJobEnd?: (job: {
    readonly id: string
    readonly type: string
    readonly status: JobStatus
  }) => Effect.Effect<void>
}

/** A started worker. */
export interface WorkerHandle {
  readonly workerId: string
  /** Jobs running now. */
  readonly active: Effect.Effect<number>
  /**
   * Graceful stop: claims nothing more, lets running jobs finish within `grace`, then interrupts the rest and puts
   * them back in the queue. Completes when every result is written.
   */
  readonly drain: (grace: Duration.DurationInput) => Effect.Effect<void>
}

/** The failure recorded when a worker stopped heartbeating. */
export const WORKER_LOST = Lease.WORKER_LOST

const millis = (d: Duration.DurationInput) => Duration.toMillis(Duration.decode(d))

/**
 * Starts a worker in the current scope; closing the scope drains it (`gracePeriod`). The worker is its parts: the
 * running jobs (`worker/RunningJobs`), the claim/complete cycle (`worker/Cycle`), the leases (`worker/Lease`) and
 * each job's context (`worker/JobContexts`).
 */
export const start = <R>(
  options: WorkerOptions<R>
): Effect.Effect<WorkerHandle, JobStoreError, Scope.Scope | JobStore | PgClient.PgClient | R> =>
  Effect.gen(function* () {
    const store = yield* JobStore
    const pg = yield* PgClient.PgClient
    const query = Query.make(pg)
    const workerId = options.workerId ?? `${hostname()}/${process.pid}`
    const concurrency = Math.max(1, options.concurrency ?? 1)
    const pollMs = millis(options.pollInterval ?? "2 seconds")
    const leaseMs = Math.round(millis(options.lease ?? "60 seconds"))
    const types = options.registry.keys
    const log = (message: string, extra: Record<string, unknown> = {}) =>
      Effect.logInfo(message).pipe(Effect.annotateLogs({ worker: workerId, ...extra }))

    const cycle = yield* Cycle.make({
      store,
      // Made before the drain finalizer below: the connection is given back after the last results are written.
      connection: yield* Connection.make(pg),
      workerId,
      types,
      concurrency,
      batchSize: Math.max(1, options.batchSize ?? concurrency),
      pollMs,
      leaseMs,
      onlyJobs: options.onlyJobs,
      onJobEnd: options.onJobEnd,
      log
    })
    const jobs = RunningJobs.make<R>({
      types: options.registry.types,
      defaultTimeout: Duration.decode(options.defaultTimeout ?? "3 hours"),
      // Job fibers are forked from this runtime: the worker's context and fiber refs (log annotations, spans),
      // interruptible, and without a parent (only `drain` decides when a running job is interrupted and released).
      runFork: Runtime.runFork(yield* Effect.interruptible(Effect.runtime<R>())),
      context: JobContexts.make({ query, store, wake: cycle.wake }),
      complete: cycle.complete,
      freed: cycle.freed,
      log
    })
    const lease = Lease.make({ query, store, jobs, workerId, leaseMs, wake: cycle.wake, log })

    const every = (ms: number, effect: Effect.Effect<void, JobStoreError>, name: string) =>
      effect.pipe(
        Effect.catchAll((e) => Effect.logWarning(`${name} failed`, e.message)),
        Effect.repeat(Schedule.spaced(Duration.millis(ms))),
        Effect.forkScoped
      )

    // A previous life of this worker (same id) may have left jobs running: recover them before claiming anything.
    yield* lease.recover(true)

    yield* every(millis(options.heartbeatInterval ?? "10 seconds"), lease.heartbeatAll, "heartbeat")
    yield* every(millis(options.progressInterval ?? "250 millis"), lease.flushProgress, "progress")
    yield* every(millis(options.recoveryInterval ?? "30 seconds"), lease.recover(false), "recovery")
    if (options.listen ?? true) {
      const listen = (channel: string, f: (payload: string) => Effect.Effect<void, JobStoreError>) =>
        pg.listen(channel).pipe(
          Stream.mapError((e) => new JobStoreError({ reason: "listen", message: e.message, cause: e })),
          Stream.runForEach(f),
          Effect.tapError((e) => Effect.logWarning(`LISTEN ${channel} failed; polling until it is back`, e.message)),
          Effect.retry(Schedule.spaced("5 seconds")),
          Effect.forkScoped
        )
      yield* listen("jobs_wake", () => cycle.wake)
      yield* listen("jobs_cancel", (payload) => {
        const held = payload.split(",").flatMap((id) => {
          const entry = jobs.get(id)
          return entry !== undefined && !entry.done ? [entry] : []
        })
        return lease.heartbeat(held)
      })
    }
    yield* Effect.forkScoped(cycle.run(jobs))
    const drained = yield* Deferred.make<void>()

    const drain = (grace: Duration.DurationInput) =>
      Effect.gen(function* () {
        if (cycle.stopping()) return yield* Deferred.await(drained)
        cycle.stop()
        yield* log(`stopping: ${jobs.active()} job(s) running, grace ${Duration.format(Duration.decode(grace))}`)
        // Polling, not Effect.timeout: drain also runs as a finalizer, where nothing can be interrupted.
        yield* waitUntil(() => jobs.active() === 0, Duration.toMillis(Duration.decode(grace)))
        const rest = jobs.live()
        if (rest.length > 0) {
          yield* jobs.release(rest)
          const released = yield* lease.release(rest).pipe(
            Effect.retry({ schedule: Cycle.dbRetry, times: 5 }),
            Effect.catchAll((e) =>
              Effect.logWarning("releasing jobs failed; their leases will expire", e.message).pipe(Effect.as([]))
            )
          )
          yield* log(`interrupted and released ${released.length} job(s)`)
          if (released.length > 0) yield* pg.notify("jobs_wake", "released").pipe(Effect.ignore)
        }
        // Wait for the results of the jobs that finished to be written.
        yield* waitUntil(() => jobs.size() === 0, 30_000)
        yield* Deferred.succeed(drained, undefined)
      })

    // Runs before the background fibers above are interrupted (finalizers run in reverse order).
    yield* Effect.addFinalizer(() => drain(options.gracePeriod ?? "30 seconds"))
    yield* log(`worker started: concurrency ${concurrency}, types ${types.join(", ")}`)
    return { workerId, active: Effect.sync(() => jobs.active()), drain } satisfies WorkerHandle
  })

const waitUntil = (done: () => boolean, ms: number) =>
  Effect.gen(function* () {
    const end = Date.now() + ms
    while (!done() && Date.now() < end) yield* Effect.sleep("20 millis")
  })
