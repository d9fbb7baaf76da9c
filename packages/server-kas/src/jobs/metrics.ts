import type { KasConfig } from "@kas/core"
import type { Worker } from "@kas/jobs"
import { Effect } from "effect"

/** The push gateway's URL for the metrics of one job type (the grouping key `job=<key>`). */
export const pushUrl = (gateway: string, jobKey: string) => {
  const base = /^https?:\/\//.test(gateway) ? gateway : `http://${gateway}`
  return `${base.replace(/\/+$/, "")}/metrics/job/${encodeURIComponent(jobKey)}`
}

/** When a failed push was last logged: at most one warning per 10 minutes (a missing gateway is not news per job). */
let lastWarning = 0

/**
 * Pushes the gauge `groenland_job` = now (Unix seconds), grouped by `job=<type key>` (jobs.md §11). Failures (the
 * gateway down, a non-2xx answer, 5 s without an answer) are logged (at most every 10 minutes), never raised: a job's
 * outcome does not depend on the metrics.
 */
export const pushJobMetric = (gateway: string, jobKey: string) =>
  Effect.tryPromise({
    try: async (signal) => {
      const res = await fetch(pushUrl(gateway, jobKey), {
        method: "PUT",
        headers: { "content-type": "text/plain; version=0.0.4" },
        body: `# TYPE groenland_job gauge\ngroenland_job ${Date.now() / 1000}\n`,
        signal: AbortSignal.any([signal, AbortSignal.timeout(5000)])
      })
      await res.arrayBuffer()
      if (!res.ok) throw new Error(`HTTP ${res.status}`)
    },
    catch: (e) => (e instanceof Error ? e.message : String(e))
  }).pipe(
    Effect.catchAll((message) => {
      if (Date.now() - lastWarning < 600_000) return Effect.void
      lastWarning = Date.now()
      return Effect.logWarning(`pushing groenland_job to ${gateway} failed: ${message}`).pipe(
        Effect.annotateLogs({ type: jobKey })
      )
    })
  )

/** The worker's `onJobEnd` hook: the metric push for finished jobs, or nothing with `DEBUG` or `DISABLE_METRICS`. */
export const jobMetricsHook = (
  settings: KasConfig.BackOfficeConfig.WorkerSettings
): Worker.WorkerOptions<never>["onJobEnd"] =>
  settings.debug || settings.disableMetrics
    ? undefined
    : (job) => (job.status === "finished" ? pushJobMetric(settings.metricsPushgateway, job.type) : Effect.void)
