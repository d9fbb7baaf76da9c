import Router from "@koa/router"
import { HttpError } from "@kas/core/web"
import type { AppContext } from "../web/AppContext.js"
import { requirePermission } from "../web/StaffAuth.js"
import { featureFlagsView } from "./featureFlagsViewModel.js"

/**
 * `GET /feature_flags/` [featureflag.view] (staff-web.md §17): the flags of the configuration and their values, when
 * `enable_feature_flag_list` is on; otherwise the page does not exist (404).
 */
export const featureFlagRoutes = (app: AppContext) => {
  const router = new Router()
  router.get("/feature_flags/", requirePermission("featureflag.view"), async (ctx) => {
    const flags = app.settings.featureFlags
    if (!flags.enable_feature_flag_list) throw new HttpError(404)
    await ctx.render("featureflags/list", featureFlagsView(flags))
  })
  return router
}
