/**
 * The worker process of bench/import: runs the two import job types against the mock source until SIGTERM, then
 * prints its peak resident set size as `PEAK_RSS_KB <n>` and exits. The benchmark bundles it to plain JavaScript
 * first (as production runs built code, not TypeScript through tsx).
 */
import { Database } from "@kas/core"
import { ImportMandtal, ImportR75, layerMock } from "@kas/eskat"
import { JobRegistry, JobStore, Worker } from "@kas/jobs"
// The job module itself, not the package index: a worker needs the job types, not the staff web app.
import * as ImportJobs from "../../packages/server-kas/src/jobs/importJobs.js"
import { Effect, Layer } from "effect"
import { layerProfiler, report } from "./profile.js"

const url = process.argv[2]
if (!url) throw new Error("usage: worker.ts <database url> [--profile]")
const profile = process.argv.includes("--profile")

const registry = JobRegistry.make<ImportMandtal | ImportR75>([ImportJobs.ImportMandtalJob, ImportJobs.ImportR75Job])
const layer = Layer.mergeAll(ImportMandtal.Default, ImportR75.Default, JobStore.Default).pipe(
  Layer.provideMerge(layerMock),
  Layer.provideMerge(Database.layerFromUrl(url, { maxConnections: 4 })),
  Layer.provideMerge(profile ? layerProfiler : Layer.empty)
)

function memory() {
  const m = process.memoryUsage()
  const mb = (n: number) => `${Math.round(n / 1048576)} MB`
  return `rss ${mb(m.rss)}, heap used ${mb(m.heapUsed)} of ${mb(m.heapTotal)}, external ${mb(m.external)}`
}

const program = Effect.gen(function* () {
  yield* Worker.start({ registry, pollInterval: "50 millis", progressInterval: "500 millis" })
  yield* Effect.sync(() => console.log(`MEMORY_READY ${memory()}\nWORKER_READY`))
  yield* Effect.never
}).pipe(Effect.scoped, Effect.provide(layer))

// --profile: SIGUSR2 prints where the time went since the last report (to stderr, which the bench inherits).
process.on("SIGUSR2", () =>
  console.error(["where the time went (inclusive, summed over spans):", ...report()].join("\n"))
)
process.on("SIGTERM", () => {
  const usage = process.resourceUsage()
  console.log(`PEAK_RSS_KB ${usage.maxRSS}`)
  console.log(`CPU_SECONDS ${((usage.userCPUTime + usage.systemCPUTime) / 1e6).toFixed(1)}`)
  console.log(`MEMORY_NOW ${memory()}`)
  process.exit(0)
})
Effect.runPromise(program).catch((e) => {
  console.error(e)
  process.exit(1)
})
