import { Effect } from "effect"
import type { JobStoreError } from "../JobError.js"
import type { JobStatus } from "../JobRecord.js"
import type { JobStore } from "../JobStore.js"
import type { Query } from "../internal/query.js"
import * as Q from "../internal/sql.js"
import type { Entry, RunningJobs } from "./RunningJobs.js"

/** The failure recorded when a worker stopped heartbeating. */
export const WORKER_LOST = "Jobbet blev afbrudt, fordi arbejdsprocessen stoppede uventet (worker lost)"

/** What the lease keeper needs from the worker. */
export interface LeaseOptions<R> {
  readonly query: Query
  readonly store: JobStore
  readonly jobs: RunningJobs<R>
  readonly workerId: string
  readonly leaseMs: number
  /** New work may be there (a recovered job was queued again). */
  readonly wake: Effect.Effect<void>
  readonly log: (message: string, extra?: Record<string, unknown>) => Effect.Effect<void>
}

/**
 * The token-guarded writes that keep a worker's claims: heartbeats extend the leases, progress is written in batches,
 * a job whose token no longer matches is lost (interrupted); expired leases of any worker are recovered; a drain
 * releases what it interrupted.
 */
export interface Lease<R> {
  /** Extends the leases of `list`; the jobs whose claim is gone are lost. */
  readonly heartbeat: (list: ReadonlyArray<Entry<R>>) => Effect.Effect<void, JobStoreError>
  /** Extends the leases of every live job. */
  readonly heartbeatAll: Effect.Effect<void, JobStoreError>
  /** Writes the latest progress the live jobs reported since the last flush. */
  readonly flushProgress: Effect.Effect<void, JobStoreError>
  /**
   * Recovers running jobs whose lease expired (with `own`, every running job of this worker id: a previous life of
   * this process), then resolves their dependants and parents.
   */
  readonly recover: (own: boolean) => Effect.Effect<void, JobStoreError>
  /** Puts interrupted jobs back in the queue untouched; returns the ids released. */
  readonly release: (list: ReadonlyArray<Entry<R>>) => Effect.Effect<ReadonlyArray<{ id: string }>, JobStoreError>
}

/** Makes the lease keeper of one worker. */
export const make = <R>(options: LeaseOptions<R>): Lease<R> => {
  const { query: q, store, jobs, workerId, leaseMs, wake, log } = options

  /** Runs a token-guarded batch write for `list`; the entries not returned have lost their claim. */
  const guarded = (list: ReadonlyArray<Entry<R>>, write: Effect.Effect<ReadonlyArray<{ id: string }>, JobStoreError>) =>
    write.pipe(
      Effect.flatMap((rows) => {
        const held = new Set(rows.map((r) => r.id))
        return jobs.lose(list.filter((e) => !held.has(e.id)).map((e) => e.id))
      })
    )

  const heartbeat = (list: ReadonlyArray<Entry<R>>) =>
    list.length === 0
      ? Effect.void
      : guarded(list, q<{ id: string }>(Q.heartbeat, [list.map((e) => e.id), list.map((e) => e.token), leaseMs]))

  const flushProgress = Effect.suspend(() => {
    const list = jobs.live().filter((e) => e.pendingProgress !== undefined)
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

  const recover = (own: boolean) =>
    q<{ id: string; status: JobStatus; parent_id: string | null }>(Q.recoverExpired, [
      WORKER_LOST,
      own ? workerId : null
    ]).pipe(
      Effect.tap((rows) =>
        rows.length === 0
          ? Effect.void
          : log(`recovered ${rows.length} job(s) whose worker was lost`, {
              jobs: rows.map((r) => `${r.id}:${r.status}`).join(",")
            })
      ),
      Effect.flatMap((rows) =>
        store
          .resolve(rows.filter((r) => r.status === "failed" && r.parent_id !== null).map((r) => r.id))
          .pipe(Effect.zipRight(rows.some((r) => r.status === "queued") ? wake : Effect.void))
      )
    )

  const release = (list: ReadonlyArray<Entry<R>>) =>
    q<{ id: string }>(Q.release, [list.map((e) => e.id), list.map((e) => e.token)])

  return {
    heartbeat,
    heartbeatAll: Effect.suspend(() => heartbeat(jobs.live())),
    flushProgress,
    recover,
    release
  }
}
