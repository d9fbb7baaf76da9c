import { PgClient } from "@effect/sql-pg"
import { EboksDispatches, FileStore, FinalStatements, TaxYears } from "@kas/core"
import { JobRegistry, JobStore, Worker } from "@kas/jobs"
import { Effect, Exit, Layer, Redacted, Scope } from "effect"
import { Eboks } from "../../src/eboks/Eboks.js"
import { EboksTiming, specTiming } from "../../src/eboks/EboksSend.js"
import { DispatchFinalSettlementJob } from "../../src/jobs/eboksJobs.js"

/** A worker in the test's process running single dispatches ("Afsend slutopgørelse") with the mock e-Boks. */
export interface DispatchWorker {
  readonly stop: () => Promise<void>
}

/** Starts a dispatch worker on the database at `url` (a started kas web's), polling post-processing quickly. */
export const startDispatchWorker = async (url: string): Promise<DispatchWorker> => {
  const scope = Effect.runSync(Scope.make())
  const layer = Layer.mergeAll(
    JobStore.Default,
    FinalStatements.Default,
    EboksDispatches.Default,
    TaxYears.Default,
    Eboks.layerMock,
    Layer.succeed(EboksTiming, { ...specTiming, pollDelay: "10 millis" })
  ).pipe(
    Layer.provideMerge(FileStore.layerPostgres),
    Layer.provideMerge(PgClient.layer({ url: Redacted.make(url), maxConnections: 4 }))
  )
  const services = await Effect.runPromise(Layer.buildWithScope(layer, scope))
  await Effect.runPromise(
    Worker.start({
      registry: JobRegistry.make([DispatchFinalSettlementJob]),
      pollInterval: "200 millis",
      gracePeriod: "1 second"
    }).pipe(Effect.provide(services), Scope.extend(scope))
  )
  return { stop: () => Effect.runPromise(Scope.close(scope, Exit.void)) }
}
