import { Cause, Duration, Effect, Exit, Queue, Schedule } from "effect"
import { JobStoreError } from "../JobError.js"
import type { JobStatus } from "../JobRecord.js"
import type { JobStore } from "../JobStore.js"
import type * as Connection from "../internal/connection.js"
import { describe, JobTimedOut } from "../internal/failure.js"
import * as Q from "../internal/sql.js"
import type { ClaimRow, Entry, RunningJobs } from "./RunningJobs.js"

/** A run's result, waiting to be written. */
export interface Completion {
  readonly entry: Entry
  readonly status: "finished" | "failed" | "queued"
  readonly result: string | null
  readonly failure: string | null
  readonly delayMs: number
}

/** A result written by `jobs.cycle`. */
export interface DoneRow {
  readonly id: string
  readonly status: JobStatus
  readonly parent_id: string | null
  readonly has_dependants: boolean
}

/** A row of `jobs.cycle`: a result written (`claimed` false) or a job claimed. */
type CycleRow = (DoneRow & { readonly claimed: false }) | (ClaimRow & { readonly claimed: true })

/** Most write-and-claim statements one worker has in flight at once. */
const MAX_IN_FLIGHT = 2

/** Most results written by one statement. */
const MAX_BATCH = 1000

/** What the cycle needs from the worker. */
export interface CycleOptions {
  readonly store: JobStore
  readonly connection: Connection.Connection
  readonly workerId: string
  /** The job types this worker runs. */
  readonly types: ReadonlyArray<string>
  readonly concurrency: number
  readonly batchSize: number
  readonly pollMs: number
  readonly leaseMs: number
  /** Run only these jobs and their descendants. */
  readonly onlyJobs?: ReadonlyArray<string> | undefined
  readonly onJobEnd?:
    | ((job: { readonly id: string; readonly type: string; readonly status: JobStatus }) => Effect.Effect<void>)
    | undefined
  readonly log: (message: string, extra?: Record<string, unknown>) => Effect.Effect<void>
}

/**
 * The claim/complete cycle of a worker: results wait in `pending` until the loop writes them and claims jobs for the
 * free slots in one statement (`jobs.cycle`).
 */
export interface Cycle {
  /** Queues the result of a run that ended on its own (for `RunningJobs`' `complete`). */
  readonly complete: (entry: Entry, row: ClaimRow, exit: Exit.Exit<unknown, unknown>) => void
  /** Wakes the loop: a slot is free (for `RunningJobs`' `freed`). */
  readonly freed: () => void
  /** Wakes the loop and lets it claim: new work may be there (NOTIFY, a child enqueued, a job requeued). */
  readonly wake: Effect.Effect<void>
  /** Claims nothing more; results are still written. */
  readonly stop: () => void
  readonly stopping: () => boolean
  /** The loop (run it forked in the worker's scope): runs `jobs` until interrupted. */
  readonly run: (jobs: Pick<RunningJobs<never>, "active" | "launch" | "remove">) => Effect.Effect<never>
}

/** The retry schedule of database writes that must happen (resolving dependants, releasing jobs). */
export const dbRetry = Schedule.exponential("100 millis", 2).pipe(Schedule.union(Schedule.spaced("5 seconds")))

/**
 * How the end of a run is written: finished with its result, or failed (a timeout as `JobTimedOut`), queued again
 * with a backoff of 2^attempts seconds (at most an hour) while a retry may help and attempts remain.
 */
export const completionOf = (entry: Entry, row: ClaimRow, exit: Exit.Exit<unknown, unknown>): Completion => {
  if (Exit.isSuccess(exit)) {
    return { entry, status: "finished", result: JSON.stringify(exit.value ?? {}), failure: null, delayMs: 0 }
  }
  const f = describe(
    entry.timedOut ? Cause.fail(new JobTimedOut({ seconds: Math.round(entry.timeoutMs / 1000) })) : exit.cause
  )
  const retry = f.retryable && row.attempts < row.max_attempts
  return {
    entry,
    status: retry ? "queued" : "failed",
    result: f.result === undefined ? null : JSON.stringify(f.result),
    failure: f.failure,
    delayMs: retry ? Math.round(Math.min(2 ** row.attempts, 3600) * 1000) : 0
  }
}

/** Makes the cycle of one worker. */
export const make = (options: CycleOptions): Effect.Effect<Cycle> =>
  Effect.gen(function* () {
    const { store, connection, workerId, types, concurrency, batchSize, pollMs, leaseMs, log } = options
    let stopping = false
    /** Results waiting to be written by the loop. */
    let pending: Array<Completion> = []
    /** Whether a claim may find work: false after a claim found fewer jobs than asked, until a wake-up or the poll. */
    let mayHaveWork = true
    /** Wakes the loop: a result to write, a free slot, or (with `wake`) new work. */
    const kick = yield* Queue.sliding<void>(1)
    const wake = Effect.suspend(() => {
      mayHaveWork = true
      return kick.offer(undefined)
    })
    const only = options.onlyJobs ? new Set(options.onlyJobs) : undefined

    const run = (jobs: Pick<RunningJobs<never>, "active" | "launch" | "remove">) => {
      /** After the results in `batch` were written (`rows`): dependants, parents, wake-ups and the end hook. */
      const afterWrite = (batch: ReadonlyArray<Completion>, rows: ReadonlyArray<DoneRow>): Effect.Effect<void> => {
        const after: Array<Effect.Effect<void>> = []
        // Ids are unique: as many rows as results means every result was written.
        const written = rows.length === batch.length ? undefined : new Set(rows.map((r) => r.id))
        for (const c of batch) {
          jobs.remove(c.entry.id)
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
                Effect.forEach(ended, (r) => hook({ id: r.id, type: byId.get(r.id) ?? "", status: r.status }), {
                  discard: true
                }).pipe(Effect.catchAllCause((c) => Effect.logWarning("onJobEnd failed", c)))
              )
            )
          )
        }
        return after.length === 0 ? Effect.void : Effect.all(after, { discard: true })
      }

      /**
       * One round trip: writes the waiting results and claims jobs for the free slots in one statement
       * (graphile-worker needs two round trips per job; this needs one per batch). Uninterruptible: what the database
       * committed is always followed by its bookkeeping here.
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
          const onlyIds = only ? [...only] : null
          const params = [ids, tokens, statuses, results, failures, delays, types, n, workerId, leaseMs, onlyIds]
          return connection
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
              jobs.launch(r)
            }
            if (n > 0 && claimed < n) mayHaveWork = false
            return batch.length > 0 ? afterWrite(batch, done) : Effect.void
          }),
          Effect.uninterruptible
        )

      /**
       * Whenever results wait or slots are free (and the queue may have work), one `cycle`. Results are written until
       * the worker's scope closes, also while draining; claims stop when draining.
       */
      return Effect.gen(function* () {
        let failures = 0
        let lastClaim = Date.now()
        // Two cycles may be in flight (on two connections): while one waits for its commit, the next batch of
        // results and free slots need not wait for it. `reserved`: slots asked for by claims in flight.
        let inFlight = 0
        let reserved = 0
        for (;;) {
          // The poll: look for work every `pollInterval` even without a wake-up (polling is the source of truth).
          if (Date.now() - lastClaim >= pollMs) mayHaveWork = true
          const free = concurrency - jobs.active() - reserved
          const claiming = !stopping && mayHaveWork && free > 0
          if (inFlight >= MAX_IN_FLIGHT || (pending.length === 0 && !claiming)) {
            // A result, a free slot and the end of a cycle each come with a kick.
            if (inFlight >= MAX_IN_FLIGHT || stopping || free <= 0) yield* kick.take
            else yield* kick.take.pipe(Effect.timeout(Math.max(1, pollMs - (Date.now() - lastClaim))), Effect.option)
            continue
          }
          // Let the other jobs finishing in this tick end too: one statement for all of them.
          yield* Effect.yieldNow()
          const batch = pending.splice(0, MAX_BATCH)
          const n = claiming && !stopping ? Math.max(0, Math.min(concurrency - jobs.active() - reserved, batchSize)) : 0
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
                  Effect.zipRight(
                    Effect.logWarning(batch.length > 0 ? "writing results failed; retrying" : "claim failed", e.message)
                  ),
                  Effect.as(false)
                )
              ),
              Effect.flatMap((ok) => {
                failures = ok ? 0 : failures + 1
                return ok
                  ? Effect.void
                  : Effect.sleep(Duration.millis(Math.min(100 * 2 ** (failures - 1), pollMs, 5000)))
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
    }

    return {
      complete: (entry, row, exit) => {
        pending.push(completionOf(entry, row, exit))
      },
      freed: () => {
        kick.unsafeOffer(undefined)
      },
      wake,
      stop: () => {
        stopping = true
      },
      stopping: () => stopping,
      run
    }
  })
