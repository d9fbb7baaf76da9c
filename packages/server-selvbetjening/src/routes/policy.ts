import Router from "@koa/router"
import type { Context } from "koa"
import { contentDisposition, HttpError } from "@kas/core/web"
import { type KasConfig, SelfServicePeriod } from "@kas/core"
import { companyNames, type RestNowRunner, type RestRunner, sortPolicies, summaryOf, tabsOf } from "../web/Portal.js"

/**
 * The citizen's read-only pages (selvbetjening.md §6, §9–§11): year overview and older years, receipt, closed,
 * missing data and the final statement download. Every call to the back office carries the session's CPR.
 */
export const policyRoutes = (
  settings: KasConfig.SelvbetjeningConfig.SelvbetjeningSettings,
  rest: RestRunner,
  restNow: RestNowRunner
) => {
  const router = new Router()
  const editYear = () => SelfServicePeriod.editYear(SelfServicePeriod.today(settings.timezone))

  const overview = (prior: boolean) => async (ctx: Context & { params: Record<string, string | undefined> }) => {
    const year = Number(ctx.params.year)
    if (!/^\d{4}$/.test(String(ctx.params.year))) throw new HttpError(404)
    const cpr = ctx.state.citizen!.cpr
    // One back-office call for the citizen's data (`/rest/overview/`: years, the tax year, active policies, the
    // companies of those policies, statement); the companies a citizen may see differ per citizen (issue 13).
    const {
      person_tax_years: years,
      tax_year: taxYear,
      policies,
      pension_companies: companies,
      final_statement_exists: hasStatement
    } = await restNow(ctx, (c) => c.overviewNow(cpr, year))
    if (years.length === 0) return ctx.render("policy/unknown", { title: ctx.state.t!("notKnown") })
    const pty = years.find((y) => y.tax_year === year)
    if (!pty) throw new HttpError(404)
    const names = companyNames(companies)
    const canEdit = SelfServicePeriod.canEdit(
      year,
      taxYear?.year_part,
      settings,
      SelfServicePeriod.today(settings.timezone)
    )
    await ctx.render("policy/overview", {
      title: `${year}`,
      year,
      pty,
      isPrior: prior,
      ...tabsOf(years.map((y) => y.tax_year)),
      policies: sortPolicies(policies, names),
      names,
      canEdit,
      hasStatement,
      summary: summaryOf(policies)
    })
  }

  router.get("/", (ctx) => ctx.redirect("/policy/edit/"))
  router.get("/policy/submitted/", async (ctx) => ctx.render("policy/submitted", { title: ctx.state.t!("submitted") }))
  router.get("/policy/closed/", async (ctx) =>
    ctx.render("policy/closed", { title: ctx.state.t!("closed"), editYear: editYear() })
  )
  router.get("/policy/no_person_data/", async (ctx) =>
    ctx.render("message", { title: ctx.state.t!("noPersonData"), text: ctx.state.t!("noPersonData") })
  )
  router.get("/policy/prior/", (ctx) =>
    ctx.redirect(/^\d{4}$/.test(String(ctx.query.year)) ? `/policy/prior/${String(ctx.query.year)}/` : "/")
  )
  router.get("/policy/prior/:year/", overview(true))
  router.get("/policy/:year/", async (ctx, next) =>
    /^\d+$/.test(ctx.params.year ?? "") ? overview(false)(ctx) : next()
  )

  router.get("/final_settlement/:year/", async (ctx) => {
    const year = Number(ctx.params.year)
    if (!Number.isSafeInteger(year)) throw new HttpError(404)
    const cpr = ctx.state.citizen!.cpr
    const pdf = await rest(ctx, (c) => c.finalStatement(cpr, year))
    if (pdf._tag === "None") throw new HttpError(404, ctx.state.t!("noStatement"))
    ctx.type = "application/pdf"
    ctx.set("Content-Disposition", contentDisposition("inline", `${year}_${cpr}.pdf`))
    ctx.body = Buffer.from(pdf.value)
  })
  return router
}
