/** @kas/server-kas: the staff web (port 8000), the REST API, the KAS job types and the `kas` CLI. */
export { makeApp } from "./app.js"
export { allMigrationSets } from "./migrations.js"
export { startWeb } from "./main/web.js"
export { main as cli } from "./cli/main.js"
export * as ImportJobs from "./jobs/importJobs.js"
export * as AssessmentJobs from "./jobs/assessmentJobs.js"
export * as BenchDocuments from "./documents/bench.js"
