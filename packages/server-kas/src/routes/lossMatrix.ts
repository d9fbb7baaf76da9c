import Router from "@koa/router"
import { Policies } from "@kas/core"
import { HttpError } from "@kas/core/web"
import { Effect, Schema } from "effect"
import type { Context } from "koa"
import type { AppContext } from "../web/AppContext.js"
import { setFlash } from "../web/Flash.js"
import { makeFormat } from "../web/Format.js"
import { decodeParams, PathId } from "../web/Params.js"
import { requirePermission } from "../web/StaffAuth.js"
import {
  type CellData,
  cellForm,
  cellHistoryView,
  cellView,
  loadCell,
  loadCellHistory,
  parseCell
} from "./lossMatrixViewModel.js"
import { policyPath } from "./policyViewModel.js"

const CellParams = Schema.Struct({ pk: PathId, from: PathId, to: PathId })

/** The loss matrix's cell form and cell history (staff-web.md §9); the tab is on the policies page. */
export const lossMatrixRoutes = (app: AppContext) => {
  const router = new Router()
  const fmt = makeFormat(app.settings.timezone)

  /** The cell of the path; a to-year not after the from-year is a bad request (400). */
  const cellOf = (ctx: Context) => {
    const p = decodeParams(CellParams, ctx.params)
    if (p.to <= p.from) throw new HttpError(400, "Året der anvender skal være efter året med negativt afkast")
    return p
  }
  const back = (d: CellData) => policyPath(d, "negativt_afkast")
  const path = "/policy/:pk/negativepayoutdefined/:from/:to/"

  router.get(path, requirePermission("policy.change"), async (ctx) => {
    const p = cellOf(ctx)
    const d = await app.run(ctx, loadCell(p.pk, p.from, p.to))
    await ctx.render("lossmatrix/cell", cellView(d, fmt, cellForm(d), {}, back(d)))
  })

  router.post(path, requirePermission("policy.change"), async (ctx) => {
    const p = cellOf(ctx)
    const d = await app.run(ctx, loadCell(p.pk, p.from, p.to))
    const input = parseCell((ctx.request.body ?? {}) as Record<string, unknown>)
    if (!input.valid) return ctx.render("lossmatrix/cell", cellView(d, fmt, input.form, input.errors, back(d)), 400)
    const refused = await app.run(
      ctx,
      Effect.flatMap(Policies, (s) =>
        s.saveCell(
          {
            usedFromId: d.cell.usedFromId,
            usedForId: d.cell.usedForId,
            value: input.value,
            protect: input.form.protect
          },
          ctx.state.user!.username
        )
      ).pipe(
        Effect.as(null),
        Effect.catchTag("DomainRuleError", (e) => Effect.succeed(e.message))
      )
    )
    if (refused !== null)
      return ctx.render("lossmatrix/cell", cellView(d, fmt, input.form, { value: refused }, back(d)), 400)
    setFlash(ctx, `Anvendt negativt afkast fra ${p.from} i ${p.to} er gemt`)
    ctx.redirect(back(d))
  })

  router.get(`${path}history/`, requirePermission("policy.view"), async (ctx) => {
    const p = cellOf(ctx)
    const d = await app.run(ctx, loadCellHistory(p.pk, p.from, p.to))
    if (d.entries.length === 0) throw new HttpError(404)
    await ctx.render("lossmatrix/history", cellHistoryView(d, fmt, back(d)))
  })
  return router
}
