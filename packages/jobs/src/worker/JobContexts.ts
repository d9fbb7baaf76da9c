import { Effect } from "effect"
import type { JobContext } from "../JobContext.js"
import { ClaimLost, type JobStoreError } from "../JobError.js"
import type { JobStore } from "../JobStore.js"
import type { Query } from "../internal/query.js"
import * as Q from "../internal/sql.js"
import type { ClaimRow, Entry } from "./RunningJobs.js"

/** What a job's context needs from the worker. */
export interface JobContextsOptions {
  readonly query: Query
  readonly store: JobStore
  /** Lets the worker claim at once (a child was enqueued). */
  readonly wake: Effect.Effect<void>
}

/**
 * The `JobContext` of each running job: progress is kept on the entry for the lease keeper's next flush; the title
 * and children are written only while the job's claim token is held.
 */
export const make = ({ query: q, store, wake }: JobContextsOptions) => {
  /**
   * `resumeAfter`: the row is handed back (deferred on `ids`, with the progress not yet flushed) and the fiber ends
   * interrupted; `lost` first, so that no heartbeat, progress flush or result of this run touches the row again.
   */
  const resumeAfter = (entry: Entry, ids: ReadonlyArray<string>): Effect.Effect<never, JobStoreError> =>
    Effect.suspend(() => {
      const p = entry.pendingProgress
      entry.lost = true
      entry.pendingProgress = undefined
      return q<{ id: string }>(Q.deferUntil, [
        entry.id,
        entry.token,
        [...new Set(ids)],
        p?.progress ?? null,
        p?.done ?? null,
        p?.total ?? null
      ]).pipe(
        Effect.tapError(() =>
          Effect.sync(() => {
            entry.lost = false
            entry.pendingProgress ??= p
          })
        ),
        // The jobs may all have ended before the row was deferred: resolve now (the recovery sweep would, later).
        Effect.zipRight(store.resolve().pipe(Effect.ignore)),
        Effect.zipRight(wake),
        Effect.zipRight(Effect.interrupt)
      )
    })

  return (entry: Entry, row: ClaimRow): JobContext => {
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
      awaitJobs: (ids) => store.awaitEnded(ids),
      resumeAfter: (ids) => resumeAfter(entry, ids),
      children: () => store.children(entry.id)
    }
  }
}

/** A percentage as stored: an integer from 0 to 100 (0 for NaN). */
export const clampPercent = (p: number) => Math.max(0, Math.min(100, Math.trunc(Number.isFinite(p) ? p : 0)))
