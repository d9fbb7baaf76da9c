import { purgeExpiredSessions } from "@kas/core/web"
import { Effect, Schedule } from "effect"
import { SESSION_TABLE } from "./Sessions.js"

/** When selvbetjening purges its expired citizen sessions (jobs.md §9: the 5th of the month, 22:27 UTC). */
export const SESSION_PURGE_CRON = "27 22 5 * *"

/** One purge of the citizen sessions, logged; a failure is logged and waits for the next run. */
export const purgeCitizenSessions = purgeExpiredSessions(SESSION_TABLE).pipe(
  Effect.tap((n) => Effect.logInfo(`Slettede ${n} udløbne borgersessioner`)),
  Effect.catchAll((e) => Effect.logWarning(`Sletning af udløbne borgersessioner fejlede: ${String(e)}`))
)

/** Runs the purge at every tick of its cron schedule, forever (selvbetjening owns that database, so it runs it). */
export const sessionPurgeSchedule = Effect.schedule(purgeCitizenSessions, Schedule.cron(SESSION_PURGE_CRON, "UTC"))
