/**
 * The worker process of bench/summaries: runs the two policy-summary job types until SIGTERM, then prints its peak
 * resident set size as `PEAK_RSS_KB <n>` and exits. The benchmark bundles it to plain JavaScript first (as production
 * runs built code, not TypeScript through tsx) and starts a fresh one per job, so each peak is that job's.
 */
import { Companies, Database, SummaryFiles, TaxYears } from "@kas/core"
import { JobRegistry, JobStore, Worker } from "@kas/jobs"
// The job module itself, not the package index: a worker needs the job types, not the staff web app.
import * as SummaryJobs from "../../packages/server-kas/src/jobs/summaryJobs.js"
import { Effect, Layer } from "effect"

const url = process.argv[2]
if (!url) throw new Error("usage: worker.ts <database url>")

const registry = JobRegistry.make<SummaryFiles | Companies | TaxYears>([
  SummaryJobs.GeneratePensionCompanySummaryJob,
  SummaryJobs.GenerateTotalPensionCompanySummaryJob
])
const layer = Layer.mergeAll(SummaryFiles.Default, Companies.Default, TaxYears.Default, JobStore.Default).pipe(
  Layer.provideMerge(Database.layerFromUrl(url, { maxConnections: 4 }))
)

const memory = () => {
  const m = process.memoryUsage()
  const mb = (n: number) => `${Math.round(n / 1048576)} MB`
  return `rss ${mb(m.rss)}, heap used ${mb(m.heapUsed)} of ${mb(m.heapTotal)}, external ${mb(m.external)}`
}

const program = Effect.gen(function* () {
  yield* Worker.start({ registry, pollInterval: "50 millis", progressInterval: "500 millis" })
  yield* Effect.sync(() => console.log(`MEMORY_READY ${memory()}\nWORKER_READY`))
  yield* Effect.never
}).pipe(Effect.scoped, Effect.provide(layer))

process.on("SIGTERM", () => {
  console.log(`PEAK_RSS_KB ${process.resourceUsage().maxRSS}`)
  console.log(`MEMORY_NOW ${memory()}`)
  process.exit(0)
})
Effect.runPromise(program).catch((e) => {
  console.error(e)
  process.exit(1)
})
