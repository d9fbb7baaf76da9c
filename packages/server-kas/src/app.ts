import { bodyParser } from "@koa/bodyparser"
import { Effect } from "effect"
import Koa from "koa"
import path from "node:path"
import {
  allowedHosts,
  csrf,
  errorPages,
  health,
  isMultipart,
  makeRunner,
  parseMultipart,
  packageDir,
  PgPool,
  pgPoolSessionStore,
  requestLog,
  securityHeaders,
  sessions,
  staticFiles,
  views
} from "@kas/core/web"
import { LoginThrottle } from "./auth/LoginThrottle.js"
import { StaffUsers } from "./auth/StaffUsers.js"
import { authRoutes } from "./routes/auth.js"
import { restApi } from "./routes/rest.js"
import { areaRoutes } from "./routes/index.js"
import type { AppContext } from "./web/AppContext.js"
import { makeFormat } from "./web/Format.js"
import { adminLink, navigationFor, showsLink } from "./web/Navigation.js"
import { kasErrors } from "./web/errors.js"
import { JOB_UPLOAD_MAX_BYTES } from "./jobs/registry.js"
import { currentUser, hasPermission } from "./web/StaffAuth.js"
import { staffMultipart } from "./web/Uploads.js"

import type { AppRuntime, AppServices } from "./runtime.js"
import { checkFileStorage, type KasConfig, pingDatabase, RepresentationTokens } from "@kas/core"

/** The EJS views of kas web (beside src/ and dist/ in the package). */
export const VIEWS_DIR = path.join(packageDir(import.meta.url), "views")

/** Builds the kas web Koa app on a ready runtime. */
export const makeApp = (settings: KasConfig.BackOfficeConfig.KasWebSettings, runtime: AppRuntime): Koa => {
  // Behind the one reverse proxy (selvbetjening.md §14.2): the client address is the one it appended to
  // X-Forwarded-For, not what the client wrote there (the login throttle counts per address).
  const app = new Koa({ proxy: settings.environment !== "development", maxIpsCount: 1 })
  const development = settings.environment === "development"
  const run = makeRunner(runtime, kasErrors)
  const appContext: AppContext = { settings, runtime, run }
  const runP = <A, E>(effect: Effect.Effect<A, E, AppServices>) => runtime.runPromise(effect)

  app.use(requestLog("kas-web"))
  app.use(securityHeaders({ secure: !development }))
  app.use(
    views({
      dirs: [VIEWS_DIR],
      cache: !(development && settings.debug), // templates re-read per request only with DEBUG in development
      globals: {
        environment: settings.environment,
        commitTag: settings.commitTag,
        showTestBanner: settings.environment !== "production",
        hasPermission,
        fmt: makeFormat(settings.timezone),
        navigationFor,
        showsLink,
        adminLink
      }
    })
  )
  app.use(errorPages({ apiPrefixes: ["/rest/"], debug: settings.debug }))
  app.use(
    health({
      database: () => runP(pingDatabase),
      storage: () => runP(checkFileStorage)
    })
  )
  app.use(allowedHosts(settings.allowedHosts))
  app.use(staticFiles(path.join(VIEWS_DIR, "..", "static")))
  app.use(bodyParser({ enableTypes: ["json", "form"], formLimit: "1mb", jsonLimit: "5mb" }))
  // Token-authenticated, before sessions: no cookies under /rest/, /token/, /final_settlement/.
  app.use(restApi(appContext))
  app.use(
    sessions({
      // Every page reads its session: a prepared statement on the plain pool (as selvbetjening).
      store: pgPoolSessionStore(runtime.runSync(PgPool), "web.sessions"),
      cookieName: "admin-sessionid",
      idleSeconds: settings.sessionIdleSeconds,
      secure: !development
    })
  )
  // A job start form with a file (jobs.md §5) is read, within the largest file a job type takes, before the CSRF
  // check, which needs the form's fields; only for a logged-in session.
  app.use(async (ctx, next) => {
    if (
      ctx.method === "POST" &&
      ctx.path.startsWith("/worker/jobstart/") &&
      isMultipart(ctx.req) &&
      ctx.session.data.userId !== undefined
    ) {
      const body = await parseMultipart(ctx.req, {
        maxFileBytes: JOB_UPLOAD_MAX_BYTES,
        maxTotalBytes: JOB_UPLOAD_MAX_BYTES + 1024 * 1024,
        maxFiles: 5,
        tooLargeMessage: "Filen er for stor"
      })
      ctx.request.body = Object.fromEntries(Object.entries(body.fields).map(([k, v]) => [k, v[0] ?? ""]))
      ctx.state.uploads = body.files
    }
    await next()
  })
  app.use(staffMultipart)
  app.use(csrf({ exempt: ["/rest/"] }))
  // Every page loads its user and, for the banner (staff-web.md §1, §16), the citizen they represent: both at once, as
  // prepared statements on the plain pool, without an Effect run each.
  const users = runtime.runSync(StaffUsers)
  const representation = runtime.runSync(RepresentationTokens)
  app.use(
    currentUser(
      (id) => users.loadForRequest(id),
      (id) => representation.activeForRequest(id)
    )
  )

  const auth = authRoutes((username, password, address) =>
    runP(
      Effect.flatMap(Effect.all([LoginThrottle, StaffUsers]), ([throttle, users]) =>
        throttle.attempt(username, address, users.authenticate(username, password))
      )
    )
  )
  app.use(auth.routes()).use(auth.allowedMethods())
  for (const make of areaRoutes) {
    const router = make(appContext)
    app.use(router.routes()).use(router.allowedMethods())
  }
  return app
}
