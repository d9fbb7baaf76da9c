import Router from "@koa/router"
import { SqlClient } from "@effect/sql"
import { Effect } from "effect"
import { HttpError } from "@kas/core/web"
import { RepresentationTokens } from "../rest/RepresentationTokens.js"
import type { AppContext } from "../web/AppContext.js"
import { requirePermission } from "../web/StaffAuth.js"

/**
 * Representing a citizen (staff-web.md §16): POST `/person/<id>/represent/` creates a one-time token and hands it to
 * self-service with an auto-submitting form; GET `/represent-stop/` deletes the user's tokens.
 */
export const representRoutes = (app: AppContext) => {
  const router = new Router()
  const origin = new URL(app.settings.representationStart).origin

  router.post("/person/:id/represent/", requirePermission("persontaxyear.add"), async (ctx) => {
    const personId = Number(ctx.params.id)
    if (!Number.isSafeInteger(personId)) throw new HttpError(404)
    const userId = ctx.state.user!.id
    const token = await app.run(
      ctx,
      Effect.gen(function* () {
        const sql = yield* SqlClient.SqlClient
        const found = yield* sql`select 1 from kas.person where id = ${personId}`
        if (found.length === 0) return null
        return yield* Effect.flatMap(RepresentationTokens, (r) => r.create(userId, personId))
      })
    )
    if (token === null) throw new HttpError(404)
    // The hand-over form posts to the self-service origin: allow exactly that origin as a form target here.
    const csp = ctx.response.get("Content-Security-Policy")
    ctx.set("Content-Security-Policy", csp.replace(/form-action [^;]*/, `form-action 'self' ${origin}`))
    ctx.set("Cache-Control", "no-store")
    await ctx.render("represent/start", { title: "Repræsentér borger", action: app.settings.representationStart, token })
  })

  router.get("/represent-stop/", requirePermission("persontaxyear.add"), async (ctx) => {
    const userId = ctx.state.user!.id
    const target = await app.run(
      ctx,
      Effect.gen(function* () {
        const personId = yield* Effect.flatMap(RepresentationTokens, (r) => r.stop(userId))
        if (personId === null) return "/"
        const sql = yield* SqlClient.SqlClient
        const [row] = yield* sql<{ year: number }>`select ty.year from kas.person_tax_year pty join kas.tax_year ty on ty.id = pty.tax_year_id
          where pty.person_id = ${personId} order by ty.year desc limit 1`
        return row ? `/tax_year/${row.year}/persons/${personId}/` : "/"
      })
    )
    ctx.redirect(target)
  })
  return router
}
