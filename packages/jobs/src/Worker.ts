import { PgClient } from "@effect/sql-pg"
import {
  Cause,
  Deferred,
  Duration,
  Effect,
  Exit,
  Fiber,
  FiberId,
  FiberRef,
  FiberRefs,
  HashMap,
  Queue,
  Runtime,
  Schedule,
  type Scope,
  Stream
} from "effect"
import { hostname } from "node:os"
import type { JobContext } from "./JobContext.js"
import type { JobType } from "./JobDefinition.js"
import { ClaimLost, JobStoreError } from "./JobError.js"
import type { JobStatus } from "./JobRecord.js"
import type { JobRegistry } from "./JobRegistry.js"
import { JobStore } from "./JobStore.js"
import { describe, JobTimedOut } from "./internal/failure.js"
import * as Connection from "./internal/connection.js"
import * as Query from "./internal/query.js"
import * as Q from "./internal/sql.js"

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
  readonly onJobEnd?: (job: { readonly id: string; readonly type: string; readonly status: JobStatus }) => Effect.Effect<void>
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

/** Most write-and-claim statements one worker has in flight at once. */
const MAX_IN_FLIGHT = 2

/** The failure recorded when a worker stopped heartbeating. */
export const WORKER_LOST = "Jobbet blev afbrudt, fordi arbejdsprocessen stoppede uventet (worker lost)"

interface Entry<R = unknown> {
  readonly id: string
  readonly token: string
  readonly key: string
  readonly timeoutMs: number
  /** Runs in the job's fiber, forked from the worker's runtime (with `R`). */
  readonly execute: (args: unknown, ctx: JobContext) => Effect.Effect<unknown, unknown, R>
  /** Made when the job first asks for its `signal`. */
  controller: AbortController | undefined
  fiber: Fiber.RuntimeFiber<unknown, unknown> | undefined
  timer: ReturnType<typeof setTimeout> | undefined
  /** The timer interrupted the job. */
  timedOut: boolean
  /** The run returned; its completion is queued. */
  done: boolean
  lost: boolean
  released: boolean
  pendingProgress: { progress: number; done: number | null; total: number | null } | undefined
}

interface Completion {
  readonly entry: Entry
  readonly status: "finished" | "failed" | "queued"
  readonly result: string | null
  readonly failure: string | null
  readonly delayMs: number
}

interface DoneRow {
  readonly id: string
  readonly status: JobStatus
  readonly parent_id: string | null
  readonly has_dependants: boolean
}

interface ClaimRow {
  readonly id: string
  readonly type: string
  readonly arguments: unknown
  readonly claim_token: string
  readonly attempts: number
  readonly max_attempts: number
  readonly created_by: string
}

/** A row of `jobs.cycle`: a result written (`claimed` false) or a job claimed. */
type CycleRow = (DoneRow & { readonly claimed: false }) | (ClaimRow & { readonly claimed: true })

const millis = (d: Duration.DurationInput) => Duration.toMillis(Duration.decode(d))

/** Starts a worker in the current scope; closing the scope drains it (`gracePeriod`). */
export const start = <R>(
  options: WorkerOptions<R>
): Effect.Effect<WorkerHandle, JobStoreError, Scope.Scope | JobStore | PgClient.PgClient | R> =>
  Effect.gen(function* () {
    const store = yield* JobStore
    const pg = yield* PgClient.PgClient
    const q = Query.make(pg)
    const workerId = options.workerId ?? `${hostname()}/${process.pid}`
    const concurrency = Math.max(1, options.concurrency ?? 1)
    const batchSize = Math.max(1, options.batchSize ?? concurrency)
    const pollMs = millis(options.pollInterval ?? "2 seconds")
    const heartbeatMs = millis(options.heartbeatInterval ?? "10 seconds")
    const leaseMs = Math.round(millis(options.lease ?? "60 seconds"))
    const recoveryMs = millis(options.recoveryInterval ?? "30 seconds")
    const progressMs = millis(options.progressInterval ?? "250 millis")
    const defaultTimeout = Duration.decode(options.defaultTimeout ?? "3 hours")
    const types = options.registry.keys
    // Made before the drain finalizer below: the connection is given back after the last results are written.
    const cycleConnection = yield* Connection.make(pg)
    const typeByKey = new Map(options.registry.types.map((t) => [t.key, t]))
    // Job fibers are forked from this runtime: the worker's context and fiber refs (log annotations, spans),
    // interruptible, and without a parent (only `drain` decides when a running job is interrupted and released).
    const runFork = Runtime.runFork(yield* Effect.interruptible(Effect.runtime<R>()))

    const entries = new Map<string, Entry<R>>()
    let active = 0
    let stopping = false
    /** Results waiting to be written by the cycle loop. */
    let pending: Array<Completion> = []
    /** Whether a claim may find work: false after a claim found fewer jobs than asked, until a wake-up or the poll. */
    let mayHaveWork = true
    /** Wakes the cycle loop: a result to write, a free slot, or (with `wake`) new work. */
    const kick = yield* Queue.sliding<void>(1)
    const wake = Effect.suspend(() => {
      mayHaveWork = true
      return kick.offer(undefined)
    })
    const log = (message: string, extra: Record<string, unknown> = {}) =>
      Effect.logInfo(message).pipe(Effect.annotateLogs({ worker: workerId, ...extra }))
    const dbRetry = Schedule.exponential("100 millis", 2).pipe(Schedule.union(Schedule.spaced("5 seconds")))

    /** Marks jobs whose claim is gone and interrupts them (their rows belong to someone else now). */
    const lose = (ids: ReadonlyArray<string>) =>
      Effect.forEach(ids, (id) => {
        const entry = entries.get(id)
        if (!entry || entry.done || entry.lost || entry.released) return Effect.void
        entry.lost = true
        return log("claim lost: interrupting the job", { job: id }).pipe(
          Effect.zipRight(entry.fiber ? Fiber.interruptFork(entry.fiber) : Effect.void)
        )
      }, { discard: true })

    /** Runs a token-guarded batch write for `list`; the entries not returned have lost their claim. */
    const guarded = (list: ReadonlyArray<Entry>, write: Effect.Effect<ReadonlyArray<{ id: string }>, JobStoreError>) =>
      write.pipe(
        Effect.flatMap((rows) => {
          const held = new Set(rows.map((r) => r.id))
          return lose(list.filter((e) => !held.has(e.id)).map((e) => e.id))
        })
      )

    const live = () => [...entries.values()].filter((e) => !e.done && !e.lost && !e.released)

    const heartbeat = (list: ReadonlyArray<Entry>) =>
      list.length === 0
        ? Effect.void
        : guarded(list, q<{ id: string }>(Q.heartbeat, [list.map((e) => e.id), list.map((e) => e.token), leaseMs]))

    const flushProgress = Effect.suspend(() => {
      const list = live().filter((e) => e.pendingProgress !== undefined)
      if (list.length === 0) return Effect.void
      const values = list.map((e) => {
        const p = e.pendingProgress!
        e.pendingProgress = undefined
        return p
      })
      return guarded(
        list,
        q<{ id: string }>(Q.progress, [
          list.map((e) => e.id),
          list.map((e) => e.token),
          values.map((v) => v.progress),
          values.map((v) => v.done),
          values.map((v) => v.total)
        ])
      )
    })

    const makeContext = (entry: Entry, row: ClaimRow): JobContext => {
      const progress = (a: number, b?: number): Effect.Effect<void> =>
        Effect.sync(() => {
          if (b === undefined) {
            entry.pendingProgress = { progress: clampPercent(a), done: null, total: null }
          } else {
            const total = Math.max(0, Math.floor(b))
            const done = Math.max(0, Math.floor(a))
            entry.pendingProgress = { progress: total === 0 ? 0 : clampPercent((done / total) * 100), done, total }
          }
        })
      return {
        jobId: entry.id,
        attempt: row.attempts,
        createdBy: row.created_by,
        get signal() {
          entry.controller ??= new AbortController()
          return entry.controller.signal
        },
        progress,
        setTitle: (title) =>
          q<{ id: string }>(Q.setTitle, [entry.id, entry.token, title.slice(0, 255)]).pipe(
            Effect.flatMap((rows) => (rows.length === 0 ? Effect.fail(new ClaimLost({ jobId: entry.id })) : Effect.void))
          ),
        spawnChild: (job, params, opts) =>
          job.encodeParams(params).pipe(
            Effect.flatMap((args) =>
              store.insert(
                job,
                args,
                { createdBy: row.created_by, title: opts?.title, dependsOn: opts?.dependsOn },
                { parentId: entry.id, token: entry.token }
              )
            ),
            Effect.tap(() => wake)
          ),
        awaitJobs: (ids) => store.awaitEnded(ids)
      }
    }

    /** The completion of a run that was not interrupted from outside (lost claim, drain). */
    const completionOf = (entry: Entry, row: ClaimRow, exit: Exit.Exit<unknown, unknown>): Completion => {
      if (Exit.isSuccess(exit)) {
        return { entry, status: "finished", result: JSON.stringify(exit.value ?? {}), failure: null, delayMs: 0 }
      }
      const f = describe(entry.timedOut ? Cause.fail(new JobTimedOut({ seconds: Math.round(entry.timeoutMs / 1000) })) : exit.cause)
      const retry = f.retryable && row.attempts < row.max_attempts
      return {
        entry,
        status: retry ? "queued" : "failed",
        result: f.result === undefined ? null : JSON.stringify(f.result),
        failure: f.failure,
        delayMs: retry ? Math.round(Math.min(2 ** row.attempts, 3600) * 1000) : 0
      }
    }

    /** The end of a job's fiber (its observer, called synchronously when the fiber exits). */
    const finish = (entry: Entry<R>, row: ClaimRow, exit: Exit.Exit<unknown, unknown>) => {
      if (entry.timer !== undefined) clearTimeout(entry.timer)
      active--
      if (Exit.isFailure(exit) && Cause.isInterruptedOnly(exit.cause)) entry.controller?.abort()
      if (entry.lost || entry.released) {
        entries.delete(entry.id) // interrupted from outside: the row is not ours to write, no completion will come
      } else {
        entry.done = true
        pending.push(completionOf(entry, row, exit))
      }
      kick.unsafeOffer(undefined)
    }

    /**
     * Starts a claimed job in its own fiber, which starts running at once (a no-op job ends before `runFork`
     * returns). Its timeout is a plain timer that interrupts the fiber (`Effect.timeout` forks a fiber and a race
     * per job); `finish` then records the timeout as the failure.
     */
    const launch = (row: ClaimRow) => {
      const type = typeByKey.get(row.type)
      if (type === undefined) return // filtered by the claim; cannot happen
      const entry: Entry<R> = {
        id: row.id,
        token: row.claim_token,
        key: type.key,
        timeoutMs: Duration.toMillis(type.timeout ?? defaultTimeout),
        execute: type.execute,
        controller: undefined,
        fiber: undefined,
        timer: undefined,
        timedOut: false,
        done: false,
        lost: false,
        released: false,
        pendingProgress: undefined
      }
      entries.set(entry.id, entry)
      active++
      // The job's logs are annotated with its id and type: set in the new fiber's refs (no `annotateLogs` per job).
      const fiber = runFork(entry.execute(row.arguments, makeContext(entry, row)), {
        updateRefs: (refs, fiberId) =>
          FiberRefs.updateAs(refs, {
            fiberId,
            fiberRef: FiberRef.currentLogAnnotations,
            value: HashMap.set(
              HashMap.set(FiberRefs.getOrDefault(refs, FiberRef.currentLogAnnotations), "job", entry.id),
              "type",
              entry.key
            )
          })
      })
      entry.fiber = fiber
      fiber.addObserver((exit) => finish(entry, row, exit))
      // Longer than setTimeout allows (24.8 days): no timeout.
      if (entry.timeoutMs <= 2_147_483_647 && !entry.done) {
        entry.timer = setTimeout(() => {
          if (entry.done || entry.lost || entry.released) return
          entry.timedOut = true
          fiber.unsafeInterruptAsFork(FiberId.none)
        }, entry.timeoutMs)
        entry.timer.unref()
      }
    }

    const only = options.onlyJobs ? new Set(options.onlyJobs) : undefined

    /** After the results in `batch` were written (`rows`): dependants, parents, wake-ups and the end hook. */
    const afterWrite = (batch: ReadonlyArray<Completion>, rows: ReadonlyArray<DoneRow>): Effect.Effect<void> => {
      const after: Array<Effect.Effect<void>> = []
      // Ids are unique: as many rows as results means every result was written.
      const written = rows.length === batch.length ? undefined : new Set(rows.map((r) => r.id))
      for (const c of batch) {
        entries.delete(c.entry.id)
        if (written !== undefined && !written.has(c.entry.id)) {
          after.push(log("result not written: the claim was lost (cancelled or taken over)", { job: c.entry.id }))
        }
      }
      const failedChildren: Array<string> = []
      let dependants = false
      let requeued = false
      for (const r of rows) {
        if (r.status === "failed" && r.parent_id !== null) failedChildren.push(r.id)
        if (r.has_dependants) dependants = true
        if (r.status === "queued") requeued = true
      }
      if (failedChildren.length > 0 || dependants) {
        after.push(
          store.resolve(failedChildren).pipe(
            Effect.tapError((e) => Effect.logWarning("resolving dependants failed; retrying", e.message)),
            Effect.retry(dbRetry),
            Effect.orDie
          )
        )
      }
      if (requeued) after.push(wake)
      if (options.onJobEnd) {
        const hook = options.onJobEnd
        const ended = rows.filter((r) => r.status !== "queued")
        const byId = new Map(batch.map((c) => [c.entry.id, c.entry.key]))
        after.push(
          Effect.asVoid(
            Effect.forkDaemon(
              Effect.forEach(ended, (r) => hook({ id: r.id, type: byId.get(r.id) ?? "", status: r.status }), { discard: true }).pipe(
                Effect.catchAllCause((c) => Effect.logWarning("onJobEnd failed", c))
              )
            )
          )
        )
      }
      return after.length === 0 ? Effect.void : Effect.all(after, { discard: true })
    }

    /**
     * One round trip: writes the waiting results and claims jobs for the free slots in one statement (graphile-worker
     * needs two round trips per job; this needs one per batch). Uninterruptible: what the database committed is
     * always followed by its bookkeeping here.
     */
    const cycle = (batch: ReadonlyArray<Completion>, n: number) =>
      Effect.suspend(() => {
        const ids: Array<string> = []
        const tokens: Array<string> = []
        const statuses: Array<string> = []
        const results: Array<string | null> = []
        const failures: Array<string | null> = []
        const delays: Array<number> = []
        for (const c of batch) {
          ids.push(c.entry.id)
          tokens.push(c.entry.token)
          statuses.push(c.status)
          results.push(c.result)
          failures.push(c.failure)
          delays.push(c.delayMs)
        }
        const params = [ids, tokens, statuses, results, failures, delays, types, n, workerId, leaseMs, only ? [...only] : null]
        return cycleConnection
          .execute<CycleRow>(Q.cycle, params)
          .pipe(Effect.mapError((e) => new JobStoreError({ reason: "query", message: e.message, cause: e })))
      }).pipe(
        Effect.flatMap((rows) => {
          const done: Array<DoneRow> = []
          let claimed = 0
          for (const r of rows) {
            if (!r.claimed) {
              done.push(r)
              continue
            }
            claimed++
            if (only) only.add(r.id)
            launch(r)
          }
          if (n > 0 && claimed < n) mayHaveWork = false
          return batch.length > 0 ? afterWrite(batch, done) : Effect.void
        }),
        Effect.uninterruptible
      )

    /**
     * The worker's loop: whenever results wait or slots are free (and the queue may have work), one `cycle`.
     * Results are written until the worker's scope closes, also while draining; claims stop when draining.
     */
    const cycleLoop = Effect.gen(function* () {
      let failures = 0
      let lastClaim = Date.now()
      // Two cycles may be in flight (on two connections): while one waits for its commit, the next batch of results
      // and free slots need not wait for it. `reserved`: slots asked for by claims in flight.
      let inFlight = 0
      let reserved = 0
      for (;;) {
        // The poll: look for work every `pollInterval` even without a wake-up (polling is the source of truth).
        if (Date.now() - lastClaim >= pollMs) mayHaveWork = true
        const free = concurrency - active - reserved
        const claiming = !stopping && mayHaveWork && free > 0
        if (inFlight >= MAX_IN_FLIGHT || (pending.length === 0 && !claiming)) {
          // A result, a free slot and the end of a cycle each come with a kick.
          if (inFlight >= MAX_IN_FLIGHT || stopping || free <= 0) yield* kick.take
          else yield* kick.take.pipe(Effect.timeout(Math.max(1, pollMs - (Date.now() - lastClaim))), Effect.option)
          continue
        }
        // Let the other jobs finishing in this tick end too: one statement for all of them.
        yield* Effect.yieldNow()
        const batch = pending.splice(0, 1000)
        const n = claiming && !stopping ? Math.max(0, Math.min(concurrency - active - reserved, batchSize)) : 0
        if (n > 0) lastClaim = Date.now()
        if (batch.length === 0 && n === 0) continue
        inFlight++
        reserved += n
        yield* Effect.fork(
          cycle(batch, n).pipe(
            Effect.as(true),
            Effect.catchAll((e) =>
              Effect.sync(() => {
                pending = batch.concat(pending) // nothing was written: try again
              }).pipe(
                Effect.zipRight(Effect.logWarning(batch.length > 0 ? "writing results failed; retrying" : "claim failed", e.message)),
                Effect.as(false)
              )
            ),
            Effect.flatMap((ok) => {
              failures = ok ? 0 : failures + 1
              return ok ? Effect.void : Effect.sleep(Duration.millis(Math.min(100 * 2 ** (failures - 1), pollMs, 5000)))
            }),
            Effect.ensuring(
              Effect.suspend(() => {
                inFlight--
                reserved -= n
                return kick.offer(undefined)
              })
            )
          )
        )
      }
    })

    const recover = (own: boolean) =>
      q<{ id: string; status: JobStatus; parent_id: string | null }>(Q.recoverExpired, [WORKER_LOST, own ? workerId : null]).pipe(
        Effect.tap((rows) =>
          rows.length === 0
            ? Effect.void
            : log(`recovered ${rows.length} job(s) whose worker was lost`, { jobs: rows.map((r) => `${r.id}:${r.status}`).join(",") })
        ),
        Effect.flatMap((rows) =>
          store.resolve(rows.filter((r) => r.status === "failed" && r.parent_id !== null).map((r) => r.id)).pipe(
            Effect.zipRight(rows.some((r) => r.status === "queued") ? wake : Effect.void)
          )
        )
      )

    const every = (ms: number, effect: Effect.Effect<void, JobStoreError>, name: string) =>
      effect.pipe(
        Effect.catchAll((e) => Effect.logWarning(`${name} failed`, e.message)),
        Effect.repeat(Schedule.spaced(Duration.millis(ms))),
        Effect.forkScoped
      )

    // A previous life of this worker (same id) may have left jobs running: recover them before claiming anything.
    yield* recover(true)

    yield* every(heartbeatMs, Effect.suspend(() => heartbeat(live())), "heartbeat")
    yield* every(progressMs, flushProgress, "progress")
    yield* every(recoveryMs, recover(false), "recovery")
    if (options.listen ?? true) {
      const listen = (channel: string, f: (payload: string) => Effect.Effect<void, JobStoreError>) =>
        pg.listen(channel).pipe(
          Stream.mapError((e) => new JobStoreError({ reason: "listen", message: e.message, cause: e })),
          Stream.runForEach(f),
          Effect.tapError((e) => Effect.logWarning(`LISTEN ${channel} failed; polling until it is back`, e.message)),
          Effect.retry(Schedule.spaced("5 seconds")),
          Effect.forkScoped
        )
      yield* listen("jobs_wake", () => wake)
      yield* listen("jobs_cancel", (payload) => {
        const ids = payload.split(",").filter((id) => entries.has(id))
        return heartbeat(ids.map((id) => entries.get(id)!).filter((e) => !e.done))
      })
    }
    yield* Effect.forkScoped(cycleLoop)
    const drained = yield* Deferred.make<void>()

    const drain = (grace: Duration.DurationInput) =>
      Effect.gen(function* () {
        if (stopping) return yield* Deferred.await(drained)
        stopping = true
        yield* log(`stopping: ${active} job(s) running, grace ${Duration.format(Duration.decode(grace))}`)
        // Polling, not Effect.timeout: drain also runs as a finalizer, where nothing can be interrupted.
        yield* waitUntil(() => active === 0, Duration.toMillis(Duration.decode(grace)))
        const rest = live()
        if (rest.length > 0) {
          for (const e of rest) e.released = true
          yield* Effect.forEach(rest, (e) => (e.fiber ? Fiber.interrupt(e.fiber) : Effect.void), { discard: true })
          const released = yield* q<{ id: string }>(Q.release, [rest.map((e) => e.id), rest.map((e) => e.token)]).pipe(
            Effect.retry({ schedule: dbRetry, times: 5 }),
            Effect.catchAll((e) => Effect.logWarning("releasing jobs failed; their leases will expire", e.message).pipe(Effect.as([])))
          )
          yield* log(`interrupted and released ${released.length} job(s)`)
          if (released.length > 0) yield* pg.notify("jobs_wake", "released").pipe(Effect.ignore)
        }
        // Wait for the results of the jobs that finished to be written.
        yield* waitUntil(() => entries.size === 0, 30_000)
        yield* Deferred.succeed(drained, undefined)
      })

    // Runs before the background fibers above are interrupted (finalizers run in reverse order).
    yield* Effect.addFinalizer(() => drain(options.gracePeriod ?? "30 seconds"))
    yield* log(`worker started: concurrency ${concurrency}, types ${types.join(", ")}`)
    return { workerId, active: Effect.sync(() => active), drain } satisfies WorkerHandle
  })

const waitUntil = (done: () => boolean, ms: number) =>
  Effect.gen(function* () {
    const end = Date.now() + ms
    while (!done() && Date.now() < end) yield* Effect.sleep("20 millis")
  })

const clampPercent = (p: number) => Math.max(0, Math.min(100, Math.trunc(Number.isFinite(p) ? p : 0)))
