import Router from "@koa/router"
import { Notes, Persons, TaxYears } from "@kas/core"
import { Effect, Schema } from "effect"
import type { AppContext } from "../web/AppContext.js"
import { takeFlash } from "../web/Flash.js"
import { makeFormat } from "../web/Format.js"
import { decodeParams, PathId } from "../web/Params.js"
import { hasPermission, requirePermission } from "../web/StaffAuth.js"
import { loadPersonYear, personYearView } from "./personYearViewModel.js"

const PageParams = Schema.Struct({ year: PathId, personId: PathId })
const Pk = Schema.Struct({ pk: PathId })

/** The path of a person-year's page. */
export const personYearPath = (year: number, personId: number) => `/tax_year/${year}/persons/${personId}/`

/** The page of a person-year by its id (for actions that redirect back to it). */
export const personYearPathOf = (personTaxYearId: number) =>
  Effect.gen(function* () {
    const personYear = yield* Effect.flatMap(Persons, (p) => p.getPersonTaxYear(personTaxYearId))
    const taxYear = yield* Effect.flatMap(TaxYears, (t) => t.get(personYear.tax_year_id))
    return personYearPath(taxYear.year, personYear.person_id)
  })

/** The person-year page (staff-web.md §6) and its "handled" action (§6.3). */
export const personYearRoutes = (app: AppContext) => {
  const router = new Router()
  const fmt = makeFormat(app.settings.timezone)

  router.get("/tax_year/:year/persons/:personId/", requirePermission("persontaxyear.view"), async (ctx) => {
    const { year, personId } = decodeParams(PageParams, ctx.params)
    const user = ctx.state.user
    const can = (...permissions: Array<string>) => hasPermission(user, ...permissions)
    const data = await app.run(ctx, loadPersonYear(year, personId, { transactions: can("transaction.view") }))
    await ctx.render("personyear/page", { ...personYearView(data, fmt, can), flash: takeFlash(ctx) })
  })

  // §6.3: "Sæt alle bilag og notater som behandlet".
  router.post("/person_tax_year/:pk/handled/", requirePermission("persontaxyear.change"), async (ctx) => {
    const { pk } = decodeParams(Pk, ctx.params)
    const username = ctx.state.user!.username
    const target = await app.run(
      ctx,

      Effect.gen(function* () {
        const path = yield* personYearPathOf(pk)
        yield* Effect.flatMap(Notes, (n) => n.markHandled(pk, username))
        return path
      })
    )
    ctx.redirect(target)
  })
  return router
}
