import type { Scheduler } from "@kas/jobs"
import { importMandtalSchedule } from "./importJobs.js"

/** The scheduled tasks of `kas scheduler` (jobs.md §9), interpreted in UTC. Append new entries here. */
export const kasSchedules: ReadonlyArray<Scheduler.ScheduleEntry<never>> = [importMandtalSchedule]
