import Router from "@koa/router"
import { Schema } from "effect"
import type { AppContext } from "../web/AppContext.js"
import { makeFormat } from "../web/Format.js"
import { decodeParams, PathId } from "../web/Params.js"
import { hasPermission, requirePermission } from "../web/StaffAuth.js"
import {
  loadPersonYearHistory,
  loadPersonYearVersion,
  loadPolicyHistory,
  loadPolicyVersion,
  personYearHistoryView,
  personYearVersionView,
  policyHistoryView,
  policyVersionView
} from "./historyViewModel.js"

const Pk = Schema.Struct({ pk: PathId })
/** A history id (bigint in the database; any safe positive integer). */
const Version = Schema.Struct({
  id: Schema.NumberFromString.pipe(Schema.int(), Schema.positive(), Schema.lessThanOrEqualTo(Number.MAX_SAFE_INTEGER))
})

/** The four history pages (staff-web.md §10). */
export const historyRoutes = (app: AppContext) => {
  const router = new Router()
  const fmt = makeFormat(app.settings.timezone)

  router.get("/persontaxyear/:pk/history/", requirePermission("persontaxyear.view"), async (ctx) => {
    const d = await app.run(ctx, loadPersonYearHistory(decodeParams(Pk, ctx.params).pk))
    await ctx.render("history/list", personYearHistoryView(d, fmt))
  })
  router.get("/persontaxyear/history/:id/", requirePermission("persontaxyear.view"), async (ctx) => {
    const d = await app.run(ctx, loadPersonYearVersion(decodeParams(Version, ctx.params).id))
    const can = (...permissions: Array<string>) => hasPermission(ctx.state.user, ...permissions)
    await ctx.render("history/personYear", personYearVersionView(d, fmt, can))
  })
  router.get("/policytaxyear/:pk/history/", requirePermission("policy.view"), async (ctx) => {
    const d = await app.run(ctx, loadPolicyHistory(decodeParams(Pk, ctx.params).pk))
    await ctx.render("history/list", policyHistoryView(d, fmt))
  })
  router.get("/policytaxyear/history/:id/", requirePermission("policy.view"), async (ctx) => {
    const d = await app.run(ctx, loadPolicyVersion(decodeParams(Version, ctx.params).id))
    await ctx.render("history/policy", policyVersionView(d, fmt))
  })
  return router
}
