import Router from "@koa/router"
import type { AppContext } from "../web/AppContext.js"
import { makeFormat } from "../web/Format.js"
import { requirePermission } from "../web/StaffAuth.js"
import { loadStatistics, statisticsView } from "./statisticsViewModel.js"

/** Statistics (staff-web.md §4): counts per tax year with a chart of persons and policies. */
export const statisticsRoutes = (app: AppContext) => {
  const router = new Router()
  const fmt = makeFormat(app.settings.timezone)
  router.get("/statistics/", requirePermission("persontaxyear.list"), async (ctx) => {
    const data = await app.run(ctx, loadStatistics(app.settings.environment !== "production"))
    await ctx.render("statistics/page", statisticsView(data, fmt))
  })
  return router
}
