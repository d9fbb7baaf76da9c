import { Fiber, ManagedRuntime } from "effect"
import { KasConfig, Migrations } from "@kas/core"
import { listen, ListenError, shutdownOnSignals } from "@kas/core/web"
import { makeApp } from "../app.js"
import { selvbetjeningMigrations } from "../database/migrations/index.js"
import { makeLayer } from "../runtime.js"
import { buildSaml } from "../saml/RequestStore.js"
import { sessionPurgeSchedule } from "../web/SessionPurge.js"

/** Starts selvbetjening: configuration (every problem at once, before connecting), database, listen, graceful stop. */
export const startSelvbetjening = async (): Promise<void> => {
  const settings = KasConfig.loadOrExit("selvbetjening", KasConfig.SelvbetjeningConfig.selvbetjening)
  const runtime = ManagedRuntime.make(makeLayer(settings))
  const fail = async (message: string) => {
    process.stderr.write(`selvbetjening: could not start: ${message}\n`)
    await runtime.dispose().catch(() => undefined)
    process.exit(1)
  }
  try {
    await runtime.runtime()
  } catch (e) {
    return fail(messageOf(e))
  }
  const migrate = settings.migrate
    ? Migrations.migrate([selvbetjeningMigrations])
    : Migrations.ensureCurrent([selvbetjeningMigrations])
  const exit = await runtime.runPromiseExit(migrate)
  if (exit._tag === "Failure") return fail(messageOf(exit.cause))
  try {
    const saml = await buildSaml(settings, runtime)
    const server = await listen(makeApp(settings, runtime, { saml }), settings.port)
    console.log(`selvbetjening listening on http://localhost:${settings.port}/`)
    const purge = runtime.runFork(sessionPurgeSchedule)
    shutdownOnSignals(server, async () => {
      await runtime.runPromise(Fiber.interrupt(purge))
      await runtime.dispose()
    })
  } catch (e) {
    return fail(e instanceof ListenError ? e.message : String(e))
  }
}

const messageOf = (e: unknown): string => {
  const m = (e as { message?: unknown })?.message
  return typeof m === "string" ? m : String(e)
}
