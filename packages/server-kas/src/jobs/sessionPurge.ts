import type { SqlClient } from "@effect/sql"
import { purgeExpiredSessions } from "@kas/core/web"
import type { Scheduler } from "@kas/jobs"
import { Effect } from "effect"

/** The scheduler's purge of expired staff sessions (jobs.md §9: the 3rd of the month, 22:27 UTC). */
export const staffSessionPurge: Scheduler.ScheduleEntry<SqlClient.SqlClient> = {
  name: "staff-session-purge",
  cron: "27 22 3 * *",
  task: () =>
    purgeExpiredSessions("web.sessions").pipe(
      Effect.tap((n) => Effect.logInfo(`Slettede ${n} udløbne medarbejdersessioner`)),
      Effect.asVoid
    )
}
