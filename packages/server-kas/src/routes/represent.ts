import Router from "@koa/router"
import { Effect } from "effect"
import { RepresentationTokens } from "@kas/core"
import { HttpError } from "@kas/core/web"
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
      Effect.flatMap(RepresentationTokens, (r) => r.create(userId, personId))
    )
    // The hand-over form posts to the self-service origin: allow exactly that origin as a form target here.
    const csp = ctx.response.get("Content-Security-Policy")
    ctx.set("Content-Security-Policy", csp.replace(/form-action [^;]*/, `form-action 'self' ${origin}`))
    ctx.set("Cache-Control", "no-store")
    await ctx.render("represent/start", {
      title: "Repræsentér borger",
      action: app.settings.representationStart,
      token
    })
  })

  router.get("/represent-stop/", requirePermission("persontaxyear.add"), async (ctx) => {
    const userId = ctx.state.user!.id
    const stopped = await app.run(
      ctx,
      Effect.flatMap(RepresentationTokens, (r) => r.stop(userId))
    )
    ctx.redirect(stopped?.newestYear ? `/tax_year/${stopped.newestYear}/persons/${stopped.personId}/` : "/")
  })
  return router
}
