/**
 * One worker process of bench/documents: `worker.ts <database url> <concurrency>` (bundled to plain JavaScript by
 * default, as production runs it). Runs the document job types on the worker's own layers (mock e-Boks) and reports
 * over IPC every 200 ms: its peak RSS, its CPU time since it was ready and the time spent rendering final statement
 * PDFs. Stops on the message "stop".
 */
import { Database, KasConfig } from "@kas/core"
import { JobRegistry, JobStore, Worker } from "@kas/jobs"
import { BenchDocuments } from "@kas/server-kas"
import { Effect, Layer } from "effect"
import pg from "pg"

const [url, concurrencyText] = process.argv.slice(2)
const concurrency = Number(concurrencyText)
// Counts the queries this process sends (each is a round trip: node-pg sends the next one after the answer).
let queries = 0
const query = pg.Client.prototype.query
pg.Client.prototype.query = function (this: pg.Client, ...args: Parameters<typeof query>) {
  queries++
  return Reflect.apply(query, this, args)
} as typeof query
let queriesAtReady = 0
let peakRss = 0
let cpuAtReady: NodeJS.CpuUsage | undefined
const report = () => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss)
  const cpu = cpuAtReady === undefined ? undefined : process.cpuUsage(cpuAtReady)
  process.send?.({
    peakRss,
    cpuMs: cpu === undefined ? 0 : (cpu.user + cpu.system) / 1000,
    renderMs: BenchDocuments.renderStats.ms,
    renderCpuMs: BenchDocuments.renderStats.cpuMs,
    rendered: BenchDocuments.renderStats.count,
    queries: cpuAtReady === undefined ? 0 : queries - queriesAtReady
  })
}
const timer = setInterval(report, 200)

const provider = KasConfig.ConfigReport.providerFromEnv({ ENVIRONMENT: "development", DATABASE_URL: url! })
const settings = Effect.runSync(
  KasConfig.load("worker", KasConfig.BackOfficeConfig.worker, provider).pipe(Effect.orDie)
)
const layer = Layer.mergeAll(BenchDocuments.documentServices(settings), JobStore.Default).pipe(
  Layer.provideMerge(Database.layerFromUrl(url!, { maxConnections: concurrency + 4 }))
)
const fiber = Effect.runFork(
  Effect.gen(function* () {
    yield* Worker.start({
      registry: JobRegistry.make(BenchDocuments.jobs),
      concurrency,
      pollInterval: "200 millis",
      gracePeriod: "1 second"
    })
    cpuAtReady = process.cpuUsage()
    queriesAtReady = queries
    process.send?.({ ready: true })
    return yield* Effect.never
  }).pipe(Effect.scoped, Effect.provide(layer), Effect.orDie)
)
process.on("message", (m) => {
  if (m !== "stop") return
  report()
  clearInterval(timer)
  Effect.runPromise(fiber.interruptAsFork(fiber.id()))
    .then(() => Effect.runPromise(fiber.await))
    .finally(() => process.exit(0))
})
