import Router from "@koa/router"
import type { AppContext } from "../web/AppContext.js"
import { requireLogin } from "../web/StaffAuth.js"
import { representRoutes } from "./represent.js"
import { workerRoutes } from "./worker.js"

/** The front page: the areas this user may open. */
const home = () => {
  const router = new Router()
  router.get("/", requireLogin, async (ctx) => {
    await ctx.render("index", { title: "Kapitalafkastskat" })
  })
  return router
}

/**
 * Every route module of kas web. An area adds its factory here (it gets the AppContext and returns a Router
 * whose routes each use `requirePermission`).
 */
export const areaRoutes: ReadonlyArray<(app: AppContext) => Router> = [home, representRoutes, workerRoutes]
