import Router from "@koa/router"
import { Schema } from "effect"
import type { AppContext } from "../web/AppContext.js"
import { setFlash } from "../web/Flash.js"
import { decodeParams, PathId } from "../web/Params.js"
import { requirePermission } from "../web/StaffAuth.js"
import {
  censusMessages,
  censusOutcome,
  censusWaitView,
  loadCensusJob,
  startCensusRefresh
} from "./censusRefreshViewModel.js"

const Pk = Schema.Struct({ pk: PathId })
const JobId = Schema.Struct({ uuid: Schema.UUID })

/**
 * "Opdater data fra mandtal" (staff-web.md §6.2) [persontaxyear.change]: starts "Import af mandtal" for the person's
 * CPR and year and shows the waiting page, which htmx polls every 2 seconds (as /worker/ does) until the job has
 * finished (back with "Mandtal opdateret"), failed (back with "Opdatering af mandtal fejlede") or 60 seconds passed
 * ("Tidsfrist udløbet").
 */
export const censusRefreshRoutes = (app: AppContext) => {
  const router = new Router()
  const change = requirePermission("persontaxyear.change")

  router.post("/persontaxyear/:pk/update_mandtal/", change, async (ctx) => {
    const { pk } = decodeParams(Pk, ctx.params)
    const jobId = await app.run(ctx, startCensusRefresh(pk, ctx.state.user!.username))
    ctx.redirect(`/wait_for_mandtal_update/${jobId}/`)
  })

  router.get("/wait_for_mandtal_update/:uuid/", change, async (ctx) => {
    const { uuid } = decodeParams(JobId, ctx.params)
    const { job, back } = await app.run(ctx, loadCensusJob(uuid))
    const outcome = censusOutcome(job, new Date())
    const poll = ctx.query.poll === "1"
    if (outcome === "finished" || outcome === "failed") {
      setFlash(ctx, censusMessages[outcome])
      if (poll) {
        ctx.set("HX-Redirect", back)
        ctx.body = ""
      } else ctx.redirect(back)
      return
    }
    const view = censusWaitView(uuid, back, outcome)
    if (poll && outcome === "timeout") {
      ctx.set("HX-Redirect", view.self)
      ctx.body = ""
      return
    }
    ctx.set("Cache-Control", "no-store")
    await ctx.render(poll ? "personyear/censusPoll" : "personyear/censusWait", view)
  })
  return router
}
