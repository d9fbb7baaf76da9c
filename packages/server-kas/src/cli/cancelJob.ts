import { KasConfig } from "@kas/core"
import { JobStore } from "@kas/jobs"
import { Effect } from "effect"
import { storeLayer } from "../jobs/layer.js"
import { type Command, parse, UsageError } from "./Command.js"
import { runMain } from "./runMain.js"

/**
 * `kas cancel-job <id> [--by <user>]`: cancels a queued, deferred or running job and its unfinished children (a running
 * one is interrupted by its worker). Exit 0 when cancelled, 1 when the job had already ended, 2 for an unknown id.
 */
export const cancelJob: Command = {
  run: async (argv) => {
    const { positionals, values } = parse(argv, { by: { type: "string" } }, true)
    const id = positionals[0]
    if (!id || positionals.length > 1) throw new UsageError("give exactly one job id")
    const settings = KasConfig.loadOrExit("kas cancel-job", KasConfig.BackOfficeConfig.common)
    let exit = 0
    const code = await runMain(
      Effect.gen(function* () {
        const store = yield* JobStore
        const changed = yield* store.cancel(id, `Annulleret af ${values.by ?? "cli"}`)
        const job = yield* store.get(id)
        if (changed) {
          yield* Effect.sync(() => console.log(`Job ${id} cancelled`))
        } else {
          exit = 1
          yield* Effect.sync(() =>
            process.stderr.write(`kas cancel-job: job ${id} has already ended (${job.status}); nothing was cancelled\n`)
          )
        }
      }).pipe(
        Effect.catchTag("JobNotFound", () =>
          Effect.sync(() => {
            exit = 2
            process.stderr.write(`kas cancel-job: no job with id '${id}'\n`)
          })
        ),
        Effect.provide(storeLayer(settings))
      )
    )
    return code !== 0 ? code : exit
  }
}
