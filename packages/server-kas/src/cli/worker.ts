import { KasConfig, Migrations } from "@kas/core"
import { Worker } from "@kas/jobs"
import { Duration, Effect } from "effect"
import { workerLayer } from "../jobs/layer.js"
import { jobMetricsHook } from "../jobs/metrics.js"
import { registryFor } from "../jobs/registry.js"
import { allMigrationSets } from "../migrations.js"
import { type Command, parse, UsageError } from "./Command.js"
import { runUntilSignal } from "./longRunning.js"

const positiveInt = (name: string, value: string | undefined, fallback: number) => {
  if (value === undefined) return fallback
  const n = Number(value)
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`--${name} must be a whole number`)
  return n
}

/** `kas worker`: claims and runs jobs until SIGTERM/SIGINT, then lets running jobs finish within the grace period. */
export const worker: Command = {
  run: async (argv) => {
    const { values } = parse(argv, { concurrency: { type: "string" }, grace: { type: "string" } })
    const settings = KasConfig.loadOrExit("kas worker", KasConfig.BackOfficeConfig.worker)
    const concurrency = Math.max(1, positiveInt("concurrency", values.concurrency, settings.workerConcurrency))
    const grace = positiveInt("grace", values.grace, 30)
    return runUntilSignal(
      "kas worker",
      Effect.gen(function* () {
        yield* Migrations.ensureCurrent(allMigrationSets)
        yield* Worker.start({
          registry: registryFor(settings.environment),
          concurrency,
          defaultTimeout: Duration.seconds(settings.jobTimeoutSeconds),
          gracePeriod: Duration.seconds(grace),
          onJobEnd: jobMetricsHook(settings)
        })
        return yield* Effect.never
      }).pipe(Effect.provide(workerLayer(settings, concurrency + 6)))
    )
  }
}
