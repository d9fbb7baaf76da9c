import Router from "@koa/router"
import { Policies } from "@kas/core"
import { Effect, Either, Schema } from "effect"
import type { Context } from "koa"
import type { AppContext } from "../web/AppContext.js"
import { makeFormat } from "../web/Format.js"
import { decodeParams, PathId } from "../web/Params.js"
import { requirePermission } from "../web/StaffAuth.js"
import {
  type CreatePolicyData,
  type CreatePolicyForm,
  createPolicyView,
  emptyCreatePolicyForm,
  loadCreatePolicy,
  parseCreatePolicy
} from "./createPolicyViewModel.js"

const PageParams = Schema.Struct({ year: PathId, personId: PathId })

/**
 * "Opret ny police" (staff-web.md §8.5) [policy.add]: company, number and the self-reported amount; core creates it
 * (number rule, duplicate check, active amount = self-reported) and recalculates it in one transaction.
 */
export const createPolicyRoutes = (app: AppContext) => {
  const router = new Router()
  const fmt = makeFormat(app.settings.timezone)
  const add = requirePermission("policy.add")
  const path = "/tax_year/:year/persons/:personId/policy/"

  const load = (ctx: Context) => {
    const { year, personId } = decodeParams(PageParams, ctx.params)
    return app.run(ctx, loadCreatePolicy(year, personId))
  }
  const render = (ctx: Context, d: CreatePolicyData, form: CreatePolicyForm, errors: Record<string, string>) =>
    ctx.render(
      "policy/create",
      createPolicyView(d, fmt, form, errors),
      Object.keys(errors).length > 0 ? 400 : undefined
    )

  router.get(path, add, async (ctx) => {
    await render(ctx, await load(ctx), emptyCreatePolicyForm, {})
  })

  router.post(path, add, async (ctx) => {
    const d = await load(ctx)
    const parsed = parseCreatePolicy(d, (ctx.request.body ?? {}) as Record<string, unknown>)
    if (!parsed.valid) return render(ctx, d, parsed.form, parsed.errors)
    const username = ctx.state.user!.username
    const created = await app.run(
      ctx,
      Effect.flatMap(Policies, (p) => p.create(parsed.input, username)).pipe(
        Effect.map((policy) => Either.right(policy)),
        Effect.catchTag("DomainRuleError", (e) => Effect.succeed(Either.left(e.message)))
      )
    )
    if (Either.isLeft(created)) return render(ctx, d, parsed.form, { policy_number: created.left })
    ctx.redirect(`/tax_year/${d.year}/persons/${d.person.id}/policies/#policy_${created.right.id}`)
  })
  return router
}
