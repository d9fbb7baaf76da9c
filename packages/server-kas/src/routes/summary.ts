import Router from "@koa/router"
import { Companies, SummaryFiles, type SummaryFileKind, TaxYears } from "@kas/core"
import { contentDisposition } from "@kas/core/web"
import { JobStore } from "@kas/jobs"
import { Effect, Schema } from "effect"
import type { Context } from "koa"
import { GeneratePensionCompanySummaryJob, GenerateTotalPensionCompanySummaryJob } from "../jobs/summaryJobs.js"
import type { AppContext } from "../web/AppContext.js"
import { setFlash, takeFlash } from "../web/Flash.js"
import { makeFormat } from "../web/Format.js"
import { decodeParams, PathId } from "../web/Params.js"
import { hasPermission, requirePermission } from "../web/StaffAuth.js"
import { loadSummaryPage, summaryMessages, summaryPath, summaryView } from "./summaryViewModel.js"

const YearParam = Schema.Struct({ year: PathId })
const FileParams = Schema.Struct({ year: PathId, pk: PathId })

/**
 * Policy summaries (staff-web.md §15) [summaryfile.add; downloads summaryfile.view]: the page per year with its
 * generated files and running jobs, the two generate actions (jobs.md §8.8), and the downloads, each logged with
 * user, time and client address.
 */
export const summaryRoutes = (app: AppContext) => {
  const router = new Router()
  const fmt = makeFormat(app.settings.timezone)
  const add = requirePermission("summaryfile.add")
  const view = requirePermission("summaryfile.view")

  /** The newest tax year, or undefined when there is none. */
  const newestYear = (ctx: Context) =>
    app.run(ctx, Effect.flatMap(TaxYears, (t) => t.list()).pipe(Effect.map((ys) => ys[0]?.year)))

  const toNewest = async (ctx: Context) => {
    const newest = await newestYear(ctx)
    if (newest === undefined) return ctx.render("summary/noyears", { title: "Policeopsummering" })
    ctx.redirect(summaryPath(newest))
  }

  // "Skift år" posts nothing: its form asks for `?year=`, which leads to that year's page.
  router.get("/tax_year/latest/company-summary/", add, async (ctx) => {
    const asked = typeof ctx.query.year === "string" && /^\d{4}$/.test(ctx.query.year) ? Number(ctx.query.year) : null
    if (asked !== null) return ctx.redirect(summaryPath(asked))
    await toNewest(ctx)
  })

  const renderPage = async (
    ctx: Context,
    year: number,
    form?: { readonly pension_company: string; readonly error?: string }
  ) => {
    const data = await app.run(ctx, loadSummaryPage(year))
    const can = hasPermission(ctx.state.user, "summaryfile.view")
    await ctx.render(
      "summary/page",
      { ...summaryView(data, fmt, can, form), flash: takeFlash(ctx) },
      form?.error === undefined ? undefined : 400
    )
  }

  router.get("/tax_year/:year/company-summary/", add, async (ctx) => {
    const { year } = decodeParams(YearParam, ctx.params)
    await renderPage(ctx, year)
  })

  // "Generér" for one company.
  router.post("/tax_year/:year/company-summary/", add, async (ctx) => {
    const { year } = decodeParams(YearParam, ctx.params)
    const raw = (ctx.request.body as Record<string, unknown> | undefined)?.pension_company
    const value = typeof raw === "string" ? raw.trim() : ""
    const id = /^\d{1,9}$/.test(value) ? Number(value) : undefined
    if (id === undefined) return renderPage(ctx, year, { pension_company: value, error: summaryMessages.company })
    const exists = await app.run(
      ctx,
      Effect.flatMap(Companies, (c) => c.getMany([id])).pipe(Effect.map((cs) => cs.length > 0))
    )
    if (!exists) return renderPage(ctx, year, { pension_company: value, error: summaryMessages.unknownCompany })
    await app.run(
      ctx,
      Effect.gen(function* () {
        yield* Effect.flatMap(TaxYears, (t) => t.getByYear(year))
        yield* Effect.flatMap(JobStore, (s) =>
          s.submit(
            GeneratePensionCompanySummaryJob,
            { pension_company: id, year },
            { createdBy: ctx.state.user!.username }
          )
        )
      })
    )
    setFlash(ctx, "Generering af årssummationsfilen er startet.")
    ctx.redirect(summaryPath(year))
  })

  // "Generér årssummationsfil" (all companies); an unknown year leads to the newest year.
  router.get("/tax_year/:year/generate-company-summary/", add, async (ctx) => {
    const { year } = decodeParams(YearParam, ctx.params)
    const known = await app.run(
      ctx,
      Effect.flatMap(TaxYears, (t) => t.list()).pipe(Effect.map((ys) => ys.some((y) => y.year === year)))
    )
    if (!known) return toNewest(ctx)
    await app.run(
      ctx,
      Effect.flatMap(JobStore, (s) =>
        s.submit(GenerateTotalPensionCompanySummaryJob, { year }, { createdBy: ctx.state.user!.username })
      )
    )
    setFlash(ctx, "Generering af årssummationsfilen for alle pensionsselskaber er startet.")
    ctx.redirect(summaryPath(year))
  })

  const download = (kind: SummaryFileKind) => async (ctx: Context) => {
    const { year, pk } = decodeParams(FileParams, ctx.params)
    const user = ctx.state.user!
    const file = await app.run(
      ctx,
      Effect.gen(function* () {
        const taxYear = yield* Effect.flatMap(TaxYears, (t) => t.getByYear(year))
        return yield* Effect.flatMap(SummaryFiles, (s) =>
          s.download(kind, pk, taxYear.id, { userId: user.id, ipAddress: ctx.ip })
        )
      })
    )
    ctx.type = file.contentType
    ctx.set("Content-Disposition", contentDisposition("attachment", file.name))
    ctx.set("Cache-Control", "no-store")
    ctx.body = Buffer.from(file.content)
  }

  router.get("/tax_year/:year/company-summary/:pk/", view, download("company"))
  router.get("/tax_year/:year/total-company-summary/:pk/", view, download("total"))

  return router
}
