import { bodyParser } from "@koa/bodyparser"
import Router from "@koa/router"
import type { Effect } from "effect"
import Koa from "koa"
import path from "node:path"
import { CprMask, I18n, type KasConfig, pingDatabase, Rest } from "@kas/core"
import {
  allowedHosts,
  csrf,
  errorPages,
  health,
  HttpError,
  isMultipart,
  packageDir,
  parseMultipart,
  requestLog,
  securityHeaders,
  sessions,
  staticFiles,
  views
} from "@kas/core/web"
import { checkSessionStorage } from "./database/checks.js"
import { editRoutes } from "./routes/edit.js"
import { loginRoutes } from "./routes/login.js"
import { mitidTestRoutes } from "./routes/mitid.js"
import { policyRoutes } from "./routes/policy.js"
import { keepRepresentation, representRoutes } from "./routes/represent.js"
import type { AppRuntime, AppServices } from "./runtime.js"
import type { SamlLogin } from "./saml/SamlLogin.js"
import { citizenOf, displayName, language, requireCitizen } from "./web/Citizen.js"
import { makeRest, makeRestNow } from "./web/Portal.js"
import { CitizenSessions } from "./web/Sessions.js"

/** The EJS views of selvbetjening. */
export const VIEWS_DIR = path.join(packageDir(import.meta.url), "views")

/** Builds the selvbetjening Koa app on a ready runtime; `saml` is the service provider when LOGIN_PROVIDER=saml. */
export const makeApp = (
  settings: KasConfig.SelvbetjeningConfig.SelvbetjeningSettings,
  runtime: AppRuntime,
  options: { readonly saml?: SamlLogin | null; readonly log?: (m: string) => void } = {}
): Koa => {
  const development = settings.environment === "development"
  const sink = options.log ?? ((m: string) => process.stdout.write(`selvbetjening: ${m}\n`))
  const log = (m: string) => sink(CprMask.maskCprs(m)) // every line this app logs, back-office failures included
  const app = new Koa({ proxy: !development })
  const runP = <A, E>(effect: Effect.Effect<A, E, AppServices>) => runtime.runPromise(effect)
  const rest = makeRest(runtime, log)
  const restNow = makeRestNow(runtime, log)
  app.use(requestLog("selvbetjening"))
  app.use(securityHeaders({ secure: !development }))
  app.use(language)
  app.use(
    views({
      dirs: [VIEWS_DIR],
      cache: !(development && settings.debug), // templates re-read per request only with DEBUG in development
      globals: {
        environment: settings.environment,
        commitTag: settings.commitTag,
        formatAmount: I18n.formatAmount,
        displayName
      }
    })
  )
  app.use(errorPages({}))
  app.use(
    health({
      database: () => runP(pingDatabase),
      storage: () => runP(checkSessionStorage)
    })
  )
  app.use(allowedHosts(settings.allowedHosts))
  app.use(staticFiles(path.join(VIEWS_DIR, "..", "static")))
  app.use(bodyParser({ enableTypes: ["form", "json"], formLimit: "1mb" }))
  app.use(
    sessions({
      store: runtime.runSync(CitizenSessions),
      cookieName: "sessionid",
      idleSeconds: settings.sessionExpireSeconds,
      secure: !development
    })
  )
  app.use(requireCitizen)
  app.use(keepRepresentation(settings, rest))
  // The form's files are read (with the §8 limits) before the CSRF check, which needs the form's fields.
  app.use(async (ctx, next) => {
    if (ctx.method === "POST" && ctx.path === "/policy/edit/" && isMultipart(ctx.req) && citizenOf(ctx)) {
      const body = await parseMultipart(ctx.req, {
        maxFileBytes: Rest.Uploads.MAX_FILE_BYTES,
        maxTotalBytes: Rest.Uploads.MAX_REQUEST_BYTES,
        tooLargeMessage: ctx.state.t!("requestTooLarge")
      })
      ctx.request.body = Object.fromEntries(Object.entries(body.fields).map(([k, v]) => [k, v[0] ?? ""]))
      ctx.state.uploads = body.files
    }
    await next()
  })
  app.use(csrf({ exempt: ["/represent-start/", "/login/callback/", "/logout/callback/"] }))
  const routers = [
    loginRoutes({
      saml: options.saml ?? null,
      development,
      bypass: { enabled: settings.loginBypassEnabled, defaultCpr: settings.defaultCpr },
      log
    }),
    // §14.4: never in production, even if the settings were built without the configuration's check.
    ...(settings.mitidTestEnabled && settings.environment !== "production"
      ? [mitidTestRoutes({ saml: options.saml ?? null })]
      : []),
    representRoutes(settings, rest),
    editRoutes(settings, rest, log),
    policyRoutes(settings, rest, restNow)
  ]
  // One router holding every area's routes, in this order (koa-router copies a mounted router's routes): one match,
  // one Host check and one allowedMethods per request instead of one per area.
  const router = new Router()
  for (const area of routers) router.use(area.routes())
  app.use(router.routes()).use(router.allowedMethods())
  app.use(() => {
    throw new HttpError(404)
  })
  return app
}
