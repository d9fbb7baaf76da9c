import Router from "@koa/router"
import { Policies } from "@kas/core"
import { HttpError } from "@kas/core/web"
import { Effect, Either, Schema } from "effect"
import type { Context } from "koa"
import type { AppContext } from "../web/AppContext.js"
import { takeFlash } from "../web/Flash.js"
import { uploadsOf } from "../web/Uploads.js"
import { makeFormat } from "../web/Format.js"
import { decodeParams, PathId } from "../web/Params.js"
import { hasPermission, requirePermission } from "../web/StaffAuth.js"
import { loadMatrices } from "./lossMatrixViewModel.js"
import { emptySubforms, hasErrors, parseSubforms, type SubformsView, withAttachments } from "./subformsViewModel.js"
import { loadPersonYear } from "./personYearViewModel.js"
import {
  type AmountForm,
  type amountEdits,
  amountsForm,
  editOpen,
  editView,
  loadPolicy,
  type PolicyData,
  parseAmounts,
  parseSelfReported,
  policiesView,
  policyPath,
  loadPolicyYears,
  selectedSubTab,
  selfReportedForm,
  withPolicyYears
} from "./policyViewModel.js"
import { loadCalculations, withCalculations } from "./calculationViewModel.js"

const PageParams = Schema.Struct({ year: PathId, personId: PathId })
const Pk = Schema.Struct({ pk: PathId })

/** A refusal of a core service (a rule or the period) as a message on the form; other failures pass on. */
const refusal = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.either(
    Effect.catchIf(
      effect,
      (e): e is E => {
        const tag = (e as { _tag?: unknown })._tag
        return tag === "DomainRuleError" || tag === "TaxYearPeriodError"
      },
      (e) => Effect.fail((e as { message: string }).message)
    ) as Effect.Effect<A, string, R>
  )

/** The policies page (staff-web.md §8.1, §8.2) and the amount edits of §8.3. */
export const policyRoutes = (app: AppContext) => {
  const router = new Router()
  const fmt = makeFormat(app.settings.timezone)
  const view = requirePermission("policy.view")
  const change = requirePermission("policy.change")

  router.get("/tax_year/:year/persons/:personId/policies/", view, async (ctx) => {
    const { year, personId } = decodeParams(PageParams, ctx.params)
    const can = (...permissions: Array<string>) => hasPermission(ctx.state.user, ...permissions)
    const data = await app.run(ctx, loadPersonYear(year, personId, { transactions: false }))
    const matrices = await app.run(ctx, loadMatrices(data.policies))
    const calculations = await app.run(ctx, loadCalculations(data.personYear.id))
    const years = await app.run(ctx, loadPolicyYears(data.personYear.id))
    const page = withPolicyYears(policiesView(data, fmt, can, ctx.query.tab, matrices), years)
    await ctx.render("policy/tabs", { ...withCalculations(page, calculations, fmt), flash: takeFlash(ctx) })
  })

  router.get("/policy/:pk/", view, async (ctx) => {
    const { pk } = decodeParams(Pk, ctx.params)
    ctx.redirect(policyPath(await app.run(ctx, loadPolicy(pk)), selectedSubTab(ctx.query.tab)))
  })

  /** The policy of an edit form, when the edit is open for it (else 404, staff-web.md §8.3). */
  const openPolicy = async (ctx: Context, edit: keyof typeof amountEdits) => {
    const { pk } = decodeParams(Pk, ctx.params)
    const d = await app.run(ctx, loadPolicy(pk))
    if (!editOpen(d, edit)) throw new HttpError(404)
    return d
  }

  /** An amount edit's page, with its note and file rows (staff-web.md §7; empty unless given). */
  const renderEdit = (
    ctx: Context,
    d: PolicyData,
    edit: keyof typeof amountEdits,
    form: AmountForm,
    errors: Record<string, string>,
    error?: string,
    subforms: SubformsView = emptySubforms()
  ) =>
    ctx.render(
      edit === "amounts" ? "policy/editAmounts" : "policy/editSelfReported",
      { ...editView(d, fmt, edit, form, errors, error), subforms },
      Object.keys(errors).length > 0 || error !== undefined || hasErrors(subforms) ? 400 : undefined
    )

  router.get("/change/editamounts/:pk/", change, async (ctx) => {
    const d = await openPolicy(ctx, "amounts")
    await renderEdit(ctx, d, "amounts", amountsForm(d), {})
  })

  router.post("/change/editamounts/:pk/", change, async (ctx) => {
    const d = await openPolicy(ctx, "amounts")
    const input = parseAmounts((ctx.request.body ?? {}) as Record<string, unknown>)
    const sub = parseSubforms((ctx.request.body ?? {}) as Record<string, unknown>, uploadsOf(ctx))
    const form = input.form
    if (!input.valid || !sub.valid) return renderEdit(ctx, d, "amounts", form, input.errors, undefined, sub.view)
    const username = ctx.state.user!.username
    const saved = await app.run(
      ctx,
      refusal(
        withAttachments(
          ctx,
          d,
          sub.values,
          Effect.flatMap(Policies, (p) =>
            p.editAmounts(
              d.policy.id,
              {
                prefilled_amount_edited: input.values.prefilled_amount_edited,
                self_reported_amount: input.values.self_reported_amount,
                assessed_amount: input.values.assessed_amount,
                next_processing_date: input.values.next_processing_date,
                slutlignet: input.slutlignet,
                foreign_paid_amount_actual: d.policy.foreign_paid_amount_actual,
                preliminary_paid_amount: d.policy.preliminary_paid_amount
              },
              username
            )
          )
        )
      )
    )
    if (Either.isLeft(saved)) return renderEdit(ctx, d, "amounts", form, {}, saved.left, sub.view)
    ctx.redirect(policyPath(d))
  })

  router.get("/change/selfreportedamount/:pk/", change, async (ctx) => {
    const d = await openPolicy(ctx, "selfReported")
    await renderEdit(ctx, d, "selfReported", selfReportedForm(d), {})
  })

  router.post("/change/selfreportedamount/:pk/", change, async (ctx) => {
    const d = await openPolicy(ctx, "selfReported")
    const input = parseSelfReported((ctx.request.body ?? {}) as Record<string, unknown>)
    const sub = parseSubforms((ctx.request.body ?? {}) as Record<string, unknown>, uploadsOf(ctx))
    const form = input.form
    if (!input.valid || !sub.valid) return renderEdit(ctx, d, "selfReported", form, input.errors, undefined, sub.view)
    const username = ctx.state.user!.username
    const saved = await app.run(
      ctx,
      refusal(
        withAttachments(
          ctx,
          d,
          sub.values,
          Effect.flatMap(Policies, (p) =>
            p.editSelfReported(
              d.policy.id,
              input.values.self_reported_amount,
              username,
              input.values.next_processing_date
            )
          )
        )
      )
    )
    if (Either.isLeft(saved)) return renderEdit(ctx, d, "selfReported", form, {}, saved.left, sub.view)
    ctx.redirect(policyPath(d))
  })
  return router
}
