/**
 * One benchmark worker process: `worker.ts <kas|graphile|pgboss> <database url> <concurrency>`.
 * Runs no-op jobs whose payload `t` is the enqueue time (ms); sends the enqueue-to-start latencies to the parent
 * and its CPU time so far over IPC every 200 ms, and stops on the message "stop".
 */
import { PgClient } from "@effect/sql-pg"
import { defineJob, JobRegistry, JobStore, Worker } from "@kas/jobs"
import { Effect, Layer, Redacted, Schema } from "effect"
import { Logger, run as graphileRun } from "graphile-worker"
import PgBoss from "pg-boss"

const [system, url, concurrencyText] = process.argv.slice(2)
const concurrency = Number(concurrencyText)
let latencies: Array<number> = []
let count = 0
const started = (t: number | undefined) => {
  count++
  if (typeof t === "number") latencies.push(Date.now() - t)
}
const report = () => {
  const cpu = process.cpuUsage()
  process.send?.({ latencies, count, cpuMs: (cpu.user + cpu.system) / 1000 })
  latencies = []
  count = 0
}
const timer = setInterval(report, 200)

const BenchNoop = defineJob({
  key: "BenchNoop",
  label: "Benchmark no-op",
  params: Schema.Struct({ t: Schema.optional(Schema.Number) }),
  run: ({ t }) => Effect.sync(() => started(t)).pipe(Effect.as({ ok: true }))
})

let stop: () => Promise<void>
if (system === "kas") {
  const layer = JobStore.Default.pipe(
    Layer.provideMerge(PgClient.layer({ url: Redacted.make(url), maxConnections: 6 }))
  )
  const fiber = Effect.runFork(
    Effect.gen(function* () {
      yield* Worker.start({
        registry: JobRegistry.make([BenchNoop]),
        concurrency,
        pollInterval: "2 seconds",
        gracePeriod: "1 second"
      })
      process.send?.({ ready: true })
      return yield* Effect.never
    }).pipe(Effect.scoped, Effect.provide(layer), Effect.withLogSpan("bench"), Effect.orDie)
  )
  stop = () =>
    Effect.runPromise(fiber.interruptAsFork(fiber.id()))
      .then(() => Effect.runPromise(fiber.await))
      .then(() => undefined)
} else if (system === "graphile") {
  const runner = await graphileRun({
    connectionString: url,
    concurrency,
    noHandleSignals: true,
    pollInterval: 2000,
    logger: new Logger(() => () => undefined),
    taskList: {
      noop: async (payload) => {
        started((payload as { t?: number }).t)
      }
    }
  })
  process.send?.({ ready: true })
  stop = () => runner.stop()
} else {
  const boss = new PgBoss({ connectionString: url, max: 6 })
  boss.on("error", (e) => console.error(e))
  await boss.start()
  await boss.createQueue("noop")
  await boss.work<{ t?: number }>("noop", { batchSize: concurrency, pollingIntervalSeconds: 0.5 }, async (jobs) => {
    await Promise.all(jobs.map(async (j) => started(j.data.t)))
  })
  process.send?.({ ready: true })
  stop = () => boss.stop({ graceful: true, wait: true })
}

process.on("message", async (m) => {
  if (m !== "stop") return
  await stop()
  clearInterval(timer)
  report()
  process.exit(0)
})
