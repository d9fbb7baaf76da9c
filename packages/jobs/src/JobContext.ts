import type { Effect } from "effect"
import type { JobDefinition } from "./JobDefinition.js"
import type { ClaimLost, JobFailed, JobNotFound, JobStoreError } from "./JobError.js"
import type { JobRecord } from "./JobRecord.js"

/** What a running job can see and do. */
export interface JobContext {
  readonly jobId: string
  /** 1 for the first run, 2 for the first retry, … */
  readonly attempt: number
  readonly createdBy: string
  /** Aborted when the job is interrupted (cancel, timeout, lost claim, shutdown): for non-Effect code. */
  readonly signal: AbortSignal
  /**
   * Reports progress: `progress(percent)` or `progress(done, total)`. Cheap to call per item: the worker writes
   * the latest value a few times per second at most.
   */
  readonly progress: {
    (percent: number): Effect.Effect<void>
    (done: number, total: number): Effect.Effect<void>
  }
  /** Sets the job's display title. */
  readonly setTitle: (title: string) => Effect.Effect<void, ClaimLost | JobStoreError>
  /** Enqueues a child job (parent = this job, same creator); returns its id. */
  readonly spawnChild: <P, PI, A, AI, E, R>(
    job: JobDefinition<P, PI, A, AI, E, R>,
    params: P,
    options?: { readonly title?: string; readonly dependsOn?: ReadonlyArray<string> }
  ) => Effect.Effect<string, JobFailed | JobNotFound | JobStoreError>
  /**
   * Waits until the given jobs (e.g. children) have ended, and returns them. The job keeps its slot while it waits:
   * on a worker whose slots are all taken by waiting jobs, the jobs waited for never run. Prefer `resumeAfter`.
   */
  readonly awaitJobs: (ids: ReadonlyArray<string>) => Effect.Effect<ReadonlyArray<JobRecord>, JobStoreError>
  /**
   * Ends this run without a result and frees its slot: the job waits, deferred, until every job in `ids` (e.g. its
   * children) has finished, and is then claimed again and runs from the start, keeping its start time (`children`
   * tells the runs apart). It fails like any dependant when one of them fails or is cancelled (a failed child fails
   * its parent anyway). Its latest progress is kept; the time limit applies to each run.
   */
  readonly resumeAfter: (ids: ReadonlyArray<string>) => Effect.Effect<never, JobStoreError>
  /** This job's children, oldest first (with their results: what a resumed run sums up). */
  readonly children: () => Effect.Effect<ReadonlyArray<JobRecord>, JobStoreError>
}
