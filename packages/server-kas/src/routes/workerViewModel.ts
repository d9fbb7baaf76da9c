import type { JobRecord, JobStatus } from "@kas/jobs"
import type { KasJobType } from "../jobs/registry.js"

/** How the job pages show a job (jobs.md §2 derived values, §3.1 labels). */

export const statusLabels: Record<JobStatus, string> = {
  queued: "Sat i kø",
  deferred: "Afventer",
  running: "Igang",
  finished: "Færdig",
  failed: "Fejlet",
  cancelled: "Annulleret"
}

/** Bootstrap colour classes of the progress bar and status: yellow waiting, green (animated) running, red failed. */
export const colourOf = (status: JobStatus, activeChildren: boolean): string => {
  if (status === "failed") return "bg-danger"
  if (status === "cancelled") return "bg-secondary"
  if (status === "running" || activeChildren) return "bg-success progress-bar-striped progress-bar-animated"
  if (status === "finished") return "bg-success"
  return "bg-warning"
}

/** "x dage, y timer, z minutter, s sekunder" (jobs.md §6). */
export const formatDuration = (ms: number): string => {
  const total = Math.max(0, Math.floor(ms / 1000))
  const d = Math.floor(total / 86400)
  const h = Math.floor((total % 86400) / 3600)
  const m = Math.floor((total % 3600) / 60)
  const s = total % 60
  return `${d} dage, ${h} timer, ${m} minutter, ${s} sekunder`
}

export const durationOf = (job: JobRecord, now: Date = new Date()): string | undefined =>
  job.startedAt ? formatDuration((job.endedAt ?? now).getTime() - job.startedAt.getTime()) : undefined

/** A short Danish date-time in the configured time zone. */
export const dateTimeFormatter = (timeZone: string) => {
  const f = new Intl.DateTimeFormat("da-DK", { timeZone, dateStyle: "short", timeStyle: "medium" })
  return (d: Date | null) => (d ? f.format(d) : "")
}

/** One row of the job list or a child on the detail page. */
export interface JobRow {
  readonly id: string
  readonly title: string
  readonly typeLabel: string
  readonly createdBy: string
  readonly createdAt: string
  readonly progress: number
  readonly status: JobStatus
  readonly statusLabel: string
  readonly colour: string
  readonly ended: boolean
}

export const rowOf = (
  job: JobRecord,
  type: KasJobType | undefined,
  activeChildren: boolean,
  formatDate: (d: Date | null) => string
): JobRow => {
  const label = type?.job.label ?? job.type
  return {
    id: job.id,
    title: job.title && job.title !== "" ? job.title : label,
    typeLabel: label,
    createdBy: job.createdBy,
    createdAt: formatDate(job.createdAt),
    progress: job.progress,
    status: job.status,
    statusLabel: statusLabels[job.status],
    colour: colourOf(job.status, activeChildren),
    ended: job.status === "finished" || job.status === "failed" || job.status === "cancelled"
  }
}
