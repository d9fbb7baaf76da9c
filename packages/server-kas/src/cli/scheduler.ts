import { KasConfig, Migrations } from "@kas/core"
import { Scheduler } from "@kas/jobs"
import { Effect } from "effect"
import { storeLayer } from "../jobs/layer.js"
import { kasSchedules } from "../jobs/schedules.js"
import { allMigrationSets } from "../migrations.js"
import { type Command, parse } from "./Command.js"
import { runUntilSignal } from "./longRunning.js"

/** `kas scheduler`: enqueues the cron-scheduled jobs (jobs.md §9) until SIGTERM/SIGINT. Never runs jobs itself. */
export const scheduler: Command = {
  run: async (argv) => {
    parse(argv, {})
    const settings = KasConfig.loadOrExit("kas scheduler", KasConfig.BackOfficeConfig.scheduler)
    return runUntilSignal(
      "kas scheduler",
      Effect.gen(function* () {
        yield* Migrations.ensureCurrent(allMigrationSets)
        yield* Scheduler.start({ schedules: kasSchedules, timezone: "UTC" })
        return yield* Effect.never
      }).pipe(Effect.provide(storeLayer(settings)))
    )
  }
}
