/** The statuses of a job (issue 3; the spec's `started` is `running` here). */
export type JobStatus = "queued" | "deferred" | "running" | "finished" | "failed" | "cancelled"

/** Every status, in lifecycle order. */
export const statuses: ReadonlyArray<JobStatus> = ["queued", "deferred", "running", "finished", "failed", "cancelled"]

/** Whether a job in this status has ended (it will not run again). */
export const isEnded = (status: JobStatus): boolean =>
  status === "finished" || status === "failed" || status === "cancelled"

/** One job as stored: the queue entry and the record staff see. */
export interface JobRecord {
  readonly id: string
  readonly type: string
  readonly title: string | null
  readonly arguments: unknown
  readonly status: JobStatus
  /** Whole percent, 0–100. */
  readonly progress: number
  readonly currentCount: number | null
  readonly totalCount: number | null
  readonly result: unknown
  /** The failure cause: the pretty-printed Effect Cause with stack, or the reason (lost worker, timeout, …). */
  readonly failure: string
  readonly createdBy: string
  readonly parentId: string | null
  readonly dependsOn: ReadonlyArray<string>
  readonly attempts: number
  readonly maxAttempts: number
  readonly runAt: Date
  readonly createdAt: Date
  readonly startedAt: Date | null
  readonly endedAt: Date | null
  readonly heartbeatAt: Date | null
  readonly workerId: string | null
}

/** A row as the `pg` driver returns it. */
export interface JobRow {
  readonly id: string
  readonly type: string
  readonly title: string | null
  readonly arguments: unknown
  readonly status: string
  readonly progress: number
  readonly current_count: string | null
  readonly total_count: string | null
  readonly result: unknown
  readonly failure: string
  readonly created_by: string
  readonly parent_id: string | null
  readonly depends_on: ReadonlyArray<string> | string
  readonly attempts: number
  readonly max_attempts: number
  readonly run_at: Date
  readonly created_at: Date
  readonly started_at: Date | null
  readonly ended_at: Date | null
  readonly heartbeat_at: Date | null
  readonly worker_id: string | null
}

const count = (v: string | null): number | null => (v === null ? null : Number(v))

const uuidArray = (v: ReadonlyArray<string> | string): ReadonlyArray<string> =>
  typeof v === "string"
    ? v
        .replace(/^\{|\}$/g, "")
        .split(",")
        .filter((s) => s !== "")
    : v

/** Decodes a row (bigint counts arrive as strings; they stay far below 2^53). */
export const fromRow = (r: JobRow): JobRecord => ({
  id: r.id,
  type: r.type,
  title: r.title,
  arguments: r.arguments,
  status: r.status as JobStatus,
  progress: r.progress,
  currentCount: count(r.current_count),
  totalCount: count(r.total_count),
  result: r.result,
  failure: r.failure,
  createdBy: r.created_by,
  parentId: r.parent_id,
  dependsOn: uuidArray(r.depends_on),
  attempts: r.attempts,
  maxAttempts: r.max_attempts,
  runAt: r.run_at,
  createdAt: r.created_at,
  startedAt: r.started_at,
  endedAt: r.ended_at,
  heartbeatAt: r.heartbeat_at,
  workerId: r.worker_id
})
