import type { SqlClient } from "@effect/sql"
import type { Effect } from "effect"
import m0001 from "./0001_jobs_schema.js"
import m0002 from "./0002_jobs_notify_payload.js"
import m0003 from "./0003_jobs_claim_function.js"
import m0004 from "./0004_jobs_cycle_function.js"
import m0005 from "./0005_jobs_resume_start.js"

/** A package's ordered migrations (structurally the `MigrationSet` of @kas/core, which this package does not know). */
export interface JobsMigrationSet {
  readonly name: string
  readonly migrations: Record<string, Effect.Effect<unknown, unknown, SqlClient.SqlClient>>
}

/** The migrations of @kas/jobs (schema `jobs`), in order. Only ever append. */
export const jobsMigrations: JobsMigrationSet = {
  name: "jobs",
  migrations: {
    "0001_jobs_schema": m0001,
    "0002_jobs_notify_payload": m0002,
    "0003_jobs_claim_function": m0003,
    "0004_jobs_cycle_function": m0004,
    "0005_jobs_resume_start": m0005
  }
}
