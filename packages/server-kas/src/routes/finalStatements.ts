import Router from "@koa/router"
import { DomainRuleError, FileStore, FinalStatements, TaxYears, TenQ } from "@kas/core"
import { contentDisposition, HttpError } from "@kas/core/web"
import { JobStore } from "@kas/jobs"
import { Effect, Either, Schema } from "effect"
import type { Context } from "koa"
import { renderFinalStatement } from "../documents/FinalStatementPdf.js"
import { DispatchFinalSettlementJob } from "../jobs/eboksJobs.js"
import type { AppContext } from "../web/AppContext.js"
import { setFlash } from "../web/Flash.js"
import { makeFormat } from "../web/Format.js"
import { decodeParams, PathId } from "../web/Params.js"
import { hasPermission, requirePermission } from "../web/StaffAuth.js"
import {
  dispatchAllowed,
  fieldOfRule,
  futureProcessingDate,
  type GenerateForm,
  loadStatementsTab,
  parseGenerateForm,
  paymentTextChoices,
  personYearOf,
  statementOf,
  statementsTabView
} from "./finalStatementsViewModel.js"

const Pk = Schema.Struct({ pk: PathId })
const Uuid = Schema.Struct({ uuid: Schema.UUID })

const todayIn = (timeZone: string) => new Intl.DateTimeFormat("en-CA", { timeZone }).format(new Date())

/**
 * Final statements on the staff pages (staff-web.md §11): generate one (§11.1), the tab "Slutopgørelser" (§11.2,
 * loaded into the person-year page), "Vis" (the PDF), invalidation (§11.3) and single dispatch (§11.4).
 */
export const finalStatementRoutes = (app: AppContext) => {
  const router = new Router()
  const fmt = makeFormat(app.settings.timezone)
  const can =
    (ctx: Context) =>
    (...permissions: Array<string>) =>
      hasPermission(ctx.state.user, ...permissions)

  const renderGenerate = async (
    ctx: Context,
    pk: number,
    form: GenerateForm,
    errors: Record<string, string>,
    status = 200
  ) => {
    const d = await app.run(ctx, personYearOf(pk))
    const refused = await app.run(ctx, Effect.either(Effect.flatMap(FinalStatements, (s) => s.checkGenerate(pk))))
    await ctx.render(
      "finalstatement/generate",
      {
        title: "Generer ny slutopgørelse",
        person: `${fmt.cpr(d.person.cpr)} ${d.person.name ?? ""} · ${d.taxYear.year}`,
        back: d.page,
        action: `/final_settlement/generate/${pk}/`,
        refusal: Either.isLeft(refused) ? refused.left.message : null,
        form,
        errors,
        choices: paymentTextChoices
      },
      status
    )
  }

  router.get("/final_settlement/generate/:pk/", requirePermission("finalstatement.add"), async (ctx) => {
    const { pk } = decodeParams(Pk, ctx.params)
    await renderGenerate(ctx, pk, { interest: "0,00", extra: "0", text: "DUE_ON_DATE" }, {})
  })

  router.post("/final_settlement/generate/:pk/", requirePermission("finalstatement.add"), async (ctx) => {
    const { pk } = decodeParams(Pk, ctx.params)
    const input = parseGenerateForm((ctx.request.body ?? {}) as Record<string, unknown>)
    if (!input.valid) return renderGenerate(ctx, pk, input.form, input.errors, 400)
    const user = ctx.state.user!
    const settings = app.settings
    const result = await app.run(
      ctx,
      Effect.either(
        Effect.gen(function* () {
          const taxYears = yield* TaxYears
          const generated = yield* (yield* FinalStatements).generate(pk, input.values, {
            pdf: renderFinalStatement,
            tenQ: TenQ.renderer({ projectId: settings.tenqProjectId }),
            createdById: user.id,
            indifferenceLimit: settings.transactionIndifferenceLimit,
            timeZone: settings.timezone
          })
          const d = yield* personYearOf(pk)
          yield* taxYears.get(d.personYear.tax_year_id)
          return { ...d, generated }
        })
      )
    )
    if (Either.isLeft(result)) {
      const e = result.left
      if (e instanceof DomainRuleError && fieldOfRule[e.rule] !== undefined) {
        return renderGenerate(ctx, pk, input.form, { [fieldOfRule[e.rule]!]: e.message }, 400)
      }
      if (e._tag === "DomainRuleError" || e._tag === "TaxYearPeriodError") {
        return renderGenerate(ctx, pk, input.form, {}, 400)
      }
      throw e
    }
    const d = result.right
    setFlash(ctx, `Ny slutopgørelse genereret for ${d.person.name ?? d.person.cpr} for ${d.taxYear.year}`)
    ctx.redirect(d.page)
  })

  // §11.2: the tab's content, loaded into the person-year page.
  router.get("/person_tax_year/:pk/final_settlements/", requirePermission("persontaxyear.view"), async (ctx) => {
    const { pk } = decodeParams(Pk, ctx.params)
    const data = await app.run(ctx, loadStatementsTab(pk))
    await ctx.render("finalstatement/_tab", statementsTabView(data, fmt, can(ctx)))
  })

  // "Vis": the PDF as {year}_{cpr}.pdf.
  router.get("/final_settlement/:uuid/", requirePermission("finalstatement.view"), async (ctx) => {
    const { uuid } = decodeParams(Uuid, ctx.params)
    const { file, name } = await app.run(
      ctx,
      Effect.gen(function* () {
        const d = yield* statementOf(uuid)
        const file = yield* Effect.flatMap(FileStore, (f) => f.get(d.statement.pdf_file_id))
        return { file, name: `${d.taxYear.year}_${d.person.cpr}.pdf` }
      })
    )
    ctx.type = "application/pdf"
    ctx.set("Content-Disposition", contentDisposition("attachment", name))
    ctx.body = Buffer.from(file.content)
  })

  // §11.3: the confirmation, then the invalidation.
  router.get("/final_settlement/:uuid/invalid/", requirePermission("finalstatement.change"), async (ctx) => {
    const { uuid } = decodeParams(Uuid, ctx.params)
    const d = await app.run(ctx, statementOf(uuid))
    await ctx.render("finalstatement/invalidate", {
      title: "Markér som ugyldig",
      person: `${fmt.cpr(d.person.cpr)} ${d.person.name ?? ""} · ${d.taxYear.year}`,
      created: fmt.dateTime(d.statement.created_at),
      action: `/final_settlement/${uuid}/invalid/`,
      back: d.page
    })
  })
  router.post("/final_settlement/:uuid/invalid/", requirePermission("finalstatement.change"), async (ctx) => {
    const { uuid } = decodeParams(Uuid, ctx.params)
    const page = await app.run(
      ctx,
      Effect.gen(function* () {
        yield* (yield* FinalStatements).invalidate(uuid)
        return (yield* statementOf(uuid)).page
      })
    )
    setFlash(ctx, "Slutopgørelsen er markeret som ugyldig")
    ctx.redirect(page)
  })

  // §11.4: the title and the warning, then the job "Afsendelse af KAS slutopgørelse".
  const openDispatch = async (ctx: Context) => {
    const { uuid } = decodeParams(Uuid, ctx.params)
    const d = await app.run(ctx, statementOf(uuid))
    if (!dispatchAllowed(d)) throw new HttpError(400, "Slutopgørelsen kan ikke afsendes")
    return { uuid, d }
  }
  const renderDispatch = async (
    ctx: Context,
    o: Awaited<ReturnType<typeof openDispatch>>,
    title: string,
    error?: string
  ) => {
    const deadline = await app.run(ctx, futureProcessingDate(o.d.personYear.id, todayIn(app.settings.timezone)))
    await ctx.render(
      "finalstatement/dispatch",
      {
        title: "Afsend slutopgørelse",
        person: `${fmt.cpr(o.d.person.cpr)} ${o.d.person.name ?? ""} · ${o.d.taxYear.year}`,
        action: `/final_settlement/${o.uuid}/dispatch/`,
        back: o.d.page,
        value: title,
        error,
        deadline: deadline === null ? null : fmt.date(deadline)
      },
      error === undefined ? 200 : 400
    )
  }
  router.get("/final_settlement/:uuid/dispatch/", requirePermission("finalstatement.change"), async (ctx) => {
    const o = await openDispatch(ctx)
    await renderDispatch(ctx, o, o.d.statement.title || `Slutopgørelse ${o.d.taxYear.year}`)
  })
  router.post("/final_settlement/:uuid/dispatch/", requirePermission("finalstatement.change"), async (ctx) => {
    const o = await openDispatch(ctx)
    const body = (ctx.request.body ?? {}) as Record<string, unknown>
    const title = typeof body.title === "string" ? body.title.trim() : ""
    if (title === "") return renderDispatch(ctx, o, title, "Dette felt er påkrævet")
    if (title.length > 255) return renderDispatch(ctx, o, title, "Emnet må højst være 255 tegn")
    const username = ctx.state.user!.username
    await app.run(
      ctx,
      Effect.flatMap(JobStore, (s) =>
        s.enqueue(DispatchFinalSettlementJob, { uuid: o.uuid, title }, { createdBy: username })
      )
    )
    const tab = await app.run(ctx, loadStatementsTab(o.d.personYear.id))
    const tx = tab.transactions.find(
      (t) => t.final_statement_uuid === o.uuid && t.type === "prisme10q" && t.status !== "cancelled"
    )
    setFlash(ctx, "Afsendelse af slutopgørelsen er startet")
    ctx.redirect(tx?.prisme10q_batch_id == null ? o.d.page : `/prisme/batch/${tx.prisme10q_batch_id}/send`)
  })
  return router
}
