import type { SqlClient } from "@effect/sql"
import type { Scheduler } from "@kas/jobs"
import { pollEboksSchedule } from "./eboksJobs.js"
import { importMandtalSchedule } from "./importJobs.js"
import { representationTokenCleanup } from "./representationTokenCleanup.js"
import { staffSessionPurge } from "./sessionPurge.js"

/** The scheduled tasks of `kas scheduler` (jobs.md §9), interpreted in UTC. Append new entries here. */
export const kasSchedules: ReadonlyArray<Scheduler.ScheduleEntry<SqlClient.SqlClient>> = [
  importMandtalSchedule,
  representationTokenCleanup,
  pollEboksSchedule,
  staffSessionPurge
]
