import Router from "@koa/router"
import { DomainRuleError, TaxYears } from "@kas/core"
import { Effect, Either, Option, Schema } from "effect"
import type { AppContext } from "../web/AppContext.js"
import { setFlash, takeFlash } from "../web/Flash.js"
import { makeFormat } from "../web/Format.js"
import { decodeParams, PathId } from "../web/Params.js"
import { hasPermission, requireAnyPermission, requirePermission } from "../web/StaffAuth.js"
import { createYearView, editYearView, parseTaxYearEdit, parseYear, taxYearsView } from "./taxYearAdminViewModel.js"

const Id = Schema.Struct({ id: PathId })

/** A rule of core refused the change: its rule and message as a Left for the form; other failures pass on. */
const refusal = <A, E, R>(effect: Effect.Effect<A, E | DomainRuleError, R>) =>
  effect.pipe(
    Effect.map((a) => Either.right(a) as Either.Either<A, { readonly rule: string; readonly message: string }>),
    Effect.catchIf(
      (e): e is DomainRuleError => e instanceof DomainRuleError,
      (e) => Effect.succeed(Either.left({ rule: e.rule, message: e.message }))
    )
  )

/**
 * The tax years of "KAS administration" (staff-web.md §18): list, create (only the year; core's `TaxYears.create`
 * opens the first lock) [taxyear.add] and edit of the period and the rate text [taxyear.change]. Never deleted.
 */
export const adminTaxYearRoutes = (app: AppContext) => {
  const router = new Router()
  const fmt = makeFormat(app.settings.timezone)

  router.get("/admin/taxyears/", requireAnyPermission("taxyear.add", "taxyear.change"), async (ctx) => {
    const years = await app.run(
      ctx,
      Effect.gen(function* () {
        const taxYears = yield* TaxYears
        return yield* Effect.forEach(yield* taxYears.list(), (year) =>
          Effect.map(Effect.option(taxYears.currentLock(year.id)), (lock) => ({
            year,
            lock: Option.getOrUndefined(lock)
          }))
        )
      })
    )
    const user = ctx.state.user
    const can = { add: hasPermission(user, "taxyear.add"), change: hasPermission(user, "taxyear.change") }
    await ctx.render("admin/taxYears", taxYearsView(years, fmt, can, takeFlash(ctx)))
  })

  router.get("/admin/taxyears/add/", requirePermission("taxyear.add"), async (ctx) => {
    await ctx.render("admin/taxYearAdd", createYearView({ year: "" }, undefined))
  })

  router.post("/admin/taxyears/add/", requirePermission("taxyear.add"), async (ctx) => {
    const raw = ((ctx.request.body ?? {}) as Record<string, unknown>).year
    const form = { year: typeof raw === "string" ? raw.trim() : "" }
    const parsed = parseYear(raw)
    if ("error" in parsed) return ctx.render("admin/taxYearAdd", createYearView(form, parsed.error), 400)
    const created = await app.run(ctx, refusal(Effect.flatMap(TaxYears, (t) => t.create(parsed.year))))
    if (Either.isLeft(created)) return ctx.render("admin/taxYearAdd", createYearView(form, created.left.message), 400)
    setFlash(ctx, `Skatteår ${created.right.year} er oprettet med en åben lås fra i dag`)
    ctx.redirect("/admin/taxyears/")
  })

  router.get("/admin/taxyears/:id/", requirePermission("taxyear.change"), async (ctx) => {
    const { id } = decodeParams(Id, ctx.params)
    const year = await app.run(
      ctx,
      Effect.flatMap(TaxYears, (t) => t.get(id))
    )
    await ctx.render("admin/taxYearEdit", editYearView(year, year, {}))
  })

  router.post("/admin/taxyears/:id/", requirePermission("taxyear.change"), async (ctx) => {
    const { id } = decodeParams(Id, ctx.params)
    const year = await app.run(
      ctx,
      Effect.flatMap(TaxYears, (t) => t.get(id))
    )
    const parsed = parseTaxYearEdit((ctx.request.body ?? {}) as Record<string, unknown>)
    if (!parsed.valid) return ctx.render("admin/taxYearEdit", editYearView(year, parsed.form, parsed.errors), 400)
    const changes = { year_part: parsed.year_part, rate_text_for_transactions: parsed.form.rate_text_for_transactions }
    const saved = await app.run(ctx, refusal(Effect.flatMap(TaxYears, (t) => t.update(id, changes))))
    if (Either.isLeft(saved)) {
      const field = saved.left.rule === "rate-text" ? "rate_text_for_transactions" : "year_part"
      return ctx.render("admin/taxYearEdit", editYearView(year, parsed.form, { [field]: saved.left.message }), 400)
    }
    setFlash(ctx, `Skatteår ${year.year} er opdateret`)
    ctx.redirect("/admin/taxyears/")
  })
  return router
}
