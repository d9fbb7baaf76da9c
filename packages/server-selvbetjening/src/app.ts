import { SqlClient } from "@effect/sql"
import { bodyParser } from "@koa/bodyparser"
import Router from "@koa/router"
import { Effect } from "effect"
import Koa from "koa"
import path from "node:path"
import type { KasConfig } from "@kas/core"
import { allowedHosts, csrf, errorPages, health, packageDir, pgSessionStore, requestLog, securityHeaders, sessions, staticFiles, views } from "@kas/core/web"
import type { AppRuntime, AppServices } from "./runtime.js"


/** The EJS views of selvbetjening. */
export const VIEWS_DIR = path.join(packageDir(import.meta.url), "views")

/** Builds the selvbetjening Koa app on a ready runtime. */
export const makeApp = (settings: KasConfig.SelvbetjeningConfig.SelvbetjeningSettings, runtime: AppRuntime): Koa => {
  const development = settings.environment === "development"
  const app = new Koa({ proxy: !development })
  const runP = <A, E>(effect: Effect.Effect<A, E, AppServices>) => runtime.runPromise(effect)
  app.use(requestLog("selvbetjening"))
  app.use(securityHeaders({ secure: !development }))
  app.use(
    views({
      dirs: [VIEWS_DIR],
      cache: !development,
      globals: { environment: settings.environment, commitTag: settings.commitTag }
    })
  )
  app.use(errorPages({}))
  app.use(
    health({
      database: () => runP(Effect.flatMap(SqlClient.SqlClient, (sql) => sql`select 1`)).then(() => undefined),
      storage: () => runP(Effect.flatMap(SqlClient.SqlClient, (sql) => sql`select 1 from selvbetjening.sessions limit 1`)).then(() => undefined)
    })
  )
  app.use(allowedHosts(settings.allowedHosts))
  app.use(staticFiles(path.join(VIEWS_DIR, "..", "static")))
  app.use(bodyParser({ enableTypes: ["form", "json"], formLimit: "1mb" }))
  app.use(
    sessions({
      store: pgSessionStore(runtime, "selvbetjening.sessions"),
      cookieName: "selvbetjening_sessionid",
      idleSeconds: settings.sessionExpireSeconds,
      secure: !development
    })
  )
  app.use(csrf())
  const router = new Router()
  router.get("/", async (ctx) => {
    await ctx.render("index", { title: "Kapitalafkastskat" })
  })
  app.use(router.routes()).use(router.allowedMethods())
  return app
}
