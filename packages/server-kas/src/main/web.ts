import { Effect, ManagedRuntime, Option, Redacted } from "effect"
import { KasConfig, Migrations } from "@kas/core"
import { listen, ListenError, shutdownOnSignals } from "@kas/core/web"
import { makeApp } from "../app.js"
import { StaffUsers } from "../auth/StaffUsers.js"
import { allMigrationSets } from "../migrations.js"
import { makeLayer } from "../runtime.js"
import { buildRuntimeOrExit, startupStep } from "./startup.js"

/**
 * Starts kas web: configuration first (exit 78 with every problem before connecting), then the database (wait,
 * migrate when MIGRATE, else refuse a database that is behind), seed users and groups, listen, and shut down
 * gracefully on SIGTERM/SIGINT.
 */
export const startWeb = async (): Promise<void> => {
  const settings = KasConfig.loadOrExit("kas web", KasConfig.BackOfficeConfig.kasWeb)
  const runtime = ManagedRuntime.make(makeLayer(settings))
  await buildRuntimeOrExit("kas web", runtime)
  await startupStep(
    "kas web",
    runtime,
    Effect.gen(function* () {
      if (settings.migrate) yield* Migrations.migrate(allMigrationSets)
      else yield* Migrations.ensureCurrent(allMigrationSets)
      const users = yield* StaffUsers
      yield* users.seed({
        development: settings.environment === "development",
        adminPassword: Option.map(settings.adminPassword, Redacted.value),
        restToken: Redacted.value(settings.restToken)
      })
    })
  )
  const app = makeApp(settings, runtime)
  try {
    const server = await listen(app, settings.port)
    console.log(`kas web listening on http://localhost:${settings.port}/`)
    shutdownOnSignals(server, () => runtime.dispose())
  } catch (e) {
    process.stderr.write(`kas web: ${e instanceof ListenError ? e.message : String(e)}\n`)
    await runtime.dispose().catch(() => undefined)
    process.exit(1)
  }
}
