import Router from "@koa/router"
import { Policies, PolicyChanges } from "@kas/core"
import { HttpError } from "@kas/core/web"
import { Effect, Either, Schema } from "effect"
import type { Context } from "koa"
import type { AppContext } from "../web/AppContext.js"
import { checkbox } from "../web/FormFields.js"
import { makeFormat } from "../web/Format.js"
import { decodeParams, PathId } from "../web/Params.js"
import { requirePermission } from "../web/StaffAuth.js"
import { uploadsOf } from "../web/Uploads.js"
import {
  chooseCompanyMessage,
  type EditForm,
  editForm,
  loadCompanies,
  type PolicyEdit,
  parseCheckbox,
  parseCompany,
  parseNumber,
  policyEditOpen,
  policyEdits,
  policyEditView
} from "./policyEditsViewModel.js"
import { emptySubforms, hasErrors, parseSubforms, type SubformsView, withAttachments } from "./subformsViewModel.js"
import { loadPolicy, type PolicyData, policyPath } from "./policyViewModel.js"

const Pk = Schema.Struct({ pk: PathId })

/** A core refusal (a rule, or a company that does not exist) as the message of the form's field; others pass on. */
const fieldRefusal = <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<Either.Either<A, string>, E, R> =>
  Effect.catchAll(Effect.map(effect, Either.right), (e) => {
    const tagged = e as { readonly _tag?: unknown; readonly message?: unknown; readonly entity?: unknown }
    if (tagged._tag === "DomainRuleError") return Effect.succeed(Either.left(String(tagged.message)))
    if (tagged._tag === "NotFound" && tagged.entity === "Pensionsselskab") {
      return Effect.succeed(Either.left(chooseCompanyMessage))
    }
    return Effect.fail(e)
  })

const views: Record<PolicyEdit, string> = {
  company: "policy/editCompany",
  number: "policy/editNumber",
  paymentOverride: "policy/editPaymentOverride",
  efterbehandling: "policy/editEfterbehandling"
}

/**
 * The identity and flag edits of a policy (staff-web.md §8.2, §8.3) [policy.change]: "Skift pensionsselskab",
 * "Skift policenummer", "Ret borgerbetaling", the efterbehandling toggle, and POST "Afregistrer"/"Aktivér". Each save
 * is one core call that checks the rule, recalculates what domain.md §4.5 says and writes history with its reason.
 */
export const policyEditRoutes = (app: AppContext) => {
  const router = new Router()
  const fmt = makeFormat(app.settings.timezone)
  const change = requirePermission("policy.change")

  /** The policy of an edit page when the edit is open for it (else 404). */
  const openPolicy = async (ctx: Context, edit: PolicyEdit) => {
    const { pk } = decodeParams(Pk, ctx.params)
    const d = await app.run(ctx, loadPolicy(pk))
    if (!policyEditOpen(d, edit)) throw new HttpError(404)
    return d
  }

  const body = (ctx: Context) => (ctx.request.body ?? {}) as Record<string, unknown>

  /** The page; after a POST with the posted note and file rows (staff-web.md §7), unless `subforms` are given. */
  const render = async (
    ctx: Context,
    d: PolicyData,
    edit: PolicyEdit,
    form: EditForm,
    errors: Record<string, string> = {},
    subforms: SubformsView = ctx.method === "POST" ? parseSubforms(body(ctx), uploadsOf(ctx)).view : emptySubforms()
  ) => {
    const companies = edit === "company" ? await app.run(ctx, loadCompanies) : []
    const status = Object.keys(errors).length > 0 || hasErrors(subforms) ? 400 : undefined
    await ctx.render(views[edit], { ...policyEditView(d, fmt, edit, form, errors, companies), subforms }, status)
  }

  /** Saves through core; a refusal is shown on `field`, success goes back to the policy. */
  const save = async <E>(
    ctx: Context,
    d: PolicyData,
    edit: PolicyEdit,
    form: EditForm,
    field: string,
    effect: Effect.Effect<unknown, E, Policies | PolicyChanges>
  ) => {
    // The form's notes and files (staff-web.md §7) are saved with the edit, in its transaction; any bad row: nothing.
    const sub = parseSubforms(body(ctx), uploadsOf(ctx))
    if (!sub.valid) return render(ctx, d, edit, form, {}, sub.view)
    const saved = await app.run(ctx, fieldRefusal(withAttachments(ctx, d, sub.values, effect)))
    if (Either.isLeft(saved)) return render(ctx, d, edit, form, { [field]: saved.left }, sub.view)
    ctx.redirect(policyPath(d))
  }

  const username = (ctx: Context) => ctx.state.user!.username

  for (const edit of Object.keys(policyEdits) as Array<PolicyEdit>) {
    router.get(policyEdits[edit].route, change, async (ctx) => {
      const d = await openPolicy(ctx, edit)
      await render(ctx, d, edit, editForm(d, edit))
    })
  }

  router.post("/policy/:pk/company/", change, async (ctx) => {
    const d = await openPolicy(ctx, "company")
    const input = parseCompany(body(ctx))
    if (input.id === null) return render(ctx, d, "company", input.form, input.errors)
    const companyId = input.id
    return save(
      ctx,
      d,
      "company",
      input.form,
      "company",
      Effect.flatMap(PolicyChanges, (p) => p.changeCompany(d.policy.id, companyId, username(ctx)))
    )
  })

  router.post("/policy/:pk/number/", change, async (ctx) => {
    const d = await openPolicy(ctx, "number")
    const input = parseNumber(body(ctx))
    return save(
      ctx,
      d,
      "number",
      input.form,
      "policy_number",
      Effect.flatMap(PolicyChanges, (p) =>
        p.changePolicyNumber(d.policy.id, { policyNumber: input.number, renameOtherYears: input.rename }, username(ctx))
      )
    )
  })

  router.post("/policy/:pk/paymentoverride/", change, async (ctx) => {
    const d = await openPolicy(ctx, "paymentOverride")
    const input = parseCheckbox(body(ctx), "citizen_pay_override")
    return save(
      ctx,
      d,
      "paymentOverride",
      input.form,
      "citizen_pay_override",
      Effect.flatMap(Policies, (p) => p.setCitizenPays(d.policy.id, input.value, username(ctx)))
    )
  })

  router.post("/policy/:pk/update_efterbehandling", change, async (ctx) => {
    const d = await openPolicy(ctx, "efterbehandling")
    const input = parseCheckbox(body(ctx), "efterbehandling")
    return save(
      ctx,
      d,
      "efterbehandling",
      input.form,
      "efterbehandling",
      Effect.flatMap(Policies, (p) => p.setEfterbehandling(d.policy.id, input.value, username(ctx)))
    )
  })

  // "Afregistrer" / "Aktivér": `active` is the new state; recalculated with the cascade of domain.md §4.5.
  router.post("/policy/:pk/activate/", change, async (ctx) => {
    const { pk } = decodeParams(Pk, ctx.params)
    const raw = body(ctx).active
    if (raw !== "true" && raw !== "false") throw new HttpError(400, "Ugyldig værdi for aktiv")
    const d = await app.run(ctx, loadPolicy(pk))
    await app.run(
      ctx,
      Effect.flatMap(Policies, (p) => p.setActive(d.policy.id, checkbox(raw), username(ctx)))
    )
    ctx.redirect(policyPath(d))
  })

  return router
}
