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
  /** Waits until the given jobs (e.g. children) have ended, and returns them. */
  readonly awaitJobs: (ids: ReadonlyArray<string>) => Effect.Effect<ReadonlyArray<JobRecord>, JobStoreError>
}
