import { Layer, type ManagedRuntime, Option } from "effect"
import { readFileSync } from "node:fs"
import { CprMask, Database, type KasConfig, Rest } from "@kas/core"
import { PgPool } from "@kas/core/web"
import { CitizenSessions } from "./web/Sessions.js"

/**
 * The services of selvbetjening, built once at start: its own database (sessions, caches; a plain pool for the session
 * reads, and the session cache listening on it) and the REST client.
 */
export const makeLayer = (settings: KasConfig.SelvbetjeningConfig.SelvbetjeningSettings) => {
  const database = Database.layer({
    environment: settings.environment,
    databaseUrl: settings.databaseUrl,
    database: "selvbetjening"
  })
  const rest = Rest.KasRestClient.layer({
    baseUrl: settings.restHost,
    token: settings.restToken,
    timeoutSeconds: settings.restRequestTimeoutSeconds,
    ca: Option.getOrUndefined(Option.map(settings.restCaCert, (file) => readFileSync(file, "utf8")))
  })
  const pool = PgPool.layer()
  return Layer.mergeAll(rest, CitizenSessions.layer.pipe(Layer.provideMerge(pool)), CprMask.logger).pipe(
    Layer.provideMerge(database)
  )
}

/** Everything a route effect may require. */
export type AppServices = Layer.Layer.Success<ReturnType<typeof makeLayer>>
export type AppRuntime = ManagedRuntime.ManagedRuntime<AppServices, unknown>
