import { Layer, ManagedRuntime } from "effect"
import { Database, type KasConfig } from "@kas/core"

/** The services of selvbetjening, built once at start. Its database holds only sessions and caches. */
export const makeLayer = (settings: KasConfig.SelvbetjeningConfig.SelvbetjeningSettings) => {
  const database = Database.layer({
    environment: settings.environment,
    databaseUrl: settings.databaseUrl,
    databaseWaitSeconds: settings.databaseWaitSeconds,
    database: "selvbetjening"
  })
  return Layer.mergeAll(Layer.empty).pipe(Layer.provideMerge(database))
}

/** Everything a route effect may require. */
export type AppServices = Layer.Layer.Success<ReturnType<typeof makeLayer>>
export type AppRuntime = ManagedRuntime.ManagedRuntime<AppServices, unknown>
