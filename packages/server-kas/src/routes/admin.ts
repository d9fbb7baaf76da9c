import Router from "@koa/router"
import { Effect, Either, Schema } from "effect"
import type { Context } from "koa"
import { UserAdmin, UserAdminRefused, type UserRecord } from "../auth/UserAdmin.js"
import type { AppContext } from "../web/AppContext.js"
import { setFlash, takeFlash } from "../web/Flash.js"
import { makeFormat } from "../web/Format.js"
import { pagingOf, requestedPage } from "../web/Paging.js"
import { decodeParams, PathId } from "../web/Params.js"
import { hasPermission, requireAnyPermission, requirePermission } from "../web/StaffAuth.js"
import { adminIndexView } from "./adminViewModel.js"
import {
  changeLogView,
  emptyForm,
  formOf,
  modeFor,
  parseUser,
  type UserForm,
  type UserFormMode,
  userFormView,
  usersView
} from "./userAdminViewModel.js"

const Id = Schema.Struct({ id: PathId })
const PageQuery = Schema.Struct({
  page: Schema.optional(Schema.NumberFromString.pipe(Schema.int(), Schema.positive())),
  user: Schema.optional(PathId)
})
const pageQuery = (query: unknown) =>
  Either.getOrElse(Schema.decodeUnknownEither(PageQuery)(query, { onExcessProperty: "ignore" }), () => ({
    page: undefined,
    user: undefined
  }))

/** A refusal of the administration as a Left for the form; other failures pass on (NotFound → 404). */
const refusal = <A, E, R>(effect: Effect.Effect<A, E | UserAdminRefused, R>) =>
  effect.pipe(
    Effect.map((a) => Either.right(a) as Either.Either<A, UserAdminRefused>),
    Effect.catchIf(
      (e): e is UserAdminRefused => e instanceof UserAdminRefused,
      (e) => Effect.succeed(Either.left(e))
    )
  )

/** How many of a user's latest changes the edit page shows. */
const RECENT_CHANGES = 10

/**
 * "KAS administration" (staff-web.md §18) at `/admin/`: the index, and the users — list, create with groups, edit
 * (a non-superuser may change only `is_active` and the groups), never delete — with the user-change log. The tax
 * years are in `adminTaxYears.ts`.
 */
export const adminRoutes = (app: AppContext) => {
  const router = new Router()
  const fmt = makeFormat(app.settings.timezone)
  const withAdmin = <A, E>(f: (a: UserAdmin) => Effect.Effect<A, E>) => Effect.flatMap(UserAdmin, f)

  router.get("/admin/", requireAnyPermission("user.view", "taxyear.add"), async (ctx) => {
    await ctx.render("admin/index", {
      ...adminIndexView(ctx.state.user!, app.settings.featureFlags.enable_feature_flag_list),
      flash: takeFlash(ctx)
    })
  })

  router.get("/admin/users/", requirePermission("user.view"), async (ctx) => {
    const requested = pageQuery(ctx.query).page ?? 1
    const found = await app.run(
      ctx,
      withAdmin((a) => a.list(requestedPage(requested)))
    )
    const paging = pagingOf(requested, found.total)
    const rows =
      found.rows.length > 0 || found.total === 0
        ? found.rows
        : (
            await app.run(
              ctx,
              withAdmin((a) => a.list(paging))
            )
          ).rows
    const user = ctx.state.user
    const can = { add: hasPermission(user, "user.add"), change: hasPermission(user, "user.change") }
    await ctx.render("admin/users", usersView(rows, paging, fmt, can, takeFlash(ctx)))
  })

  const renderForm = async (
    ctx: Context,
    input: {
      user: UserRecord | undefined
      form: UserForm
      mode: UserFormMode
      errors?: Record<string, string>
      error?: string
    }
  ) => {
    const changes =
      input.user === undefined
        ? []
        : (
            await app.run(
              ctx,
              withAdmin((a) => a.changes({ userId: input.user!.id }, { offset: 0, limit: RECENT_CHANGES }))
            )
          ).rows
    const errors = input.errors ?? {}
    const invalid = Object.keys(errors).length > 0 || input.error !== undefined
    await ctx.render(
      "admin/userForm",
      userFormView({ ...input, errors, error: input.error, changes, fmt, flash: takeFlash(ctx) }),
      invalid ? 400 : undefined
    )
  }

  router.get("/admin/users/add/", requirePermission("user.add"), async (ctx) => {
    await renderForm(ctx, { user: undefined, form: emptyForm, mode: modeFor(ctx.state.user!, true) })
  })

  router.post("/admin/users/add/", requirePermission("user.add"), async (ctx) => {
    const editor = ctx.state.user!
    const mode = modeFor(editor, true)
    const parsed = parseUser((ctx.request.body ?? {}) as Record<string, unknown>, undefined, mode)
    if (!parsed.valid) return renderForm(ctx, { user: undefined, form: parsed.form, mode, errors: parsed.errors })
    const created = await app.run(
      ctx,
      refusal(withAdmin((a) => a.create({ ...parsed.values, password: parsed.password ?? "" }, editor)))
    )
    if (Either.isLeft(created)) {
      const e = created.left
      const errors = e.field === null ? {} : { [e.field]: e.message }
      return renderForm(ctx, {
        user: undefined,
        form: parsed.form,
        mode,
        errors,
        error: e.field ? undefined : e.message
      })
    }
    setFlash(ctx, `Brugeren ${parsed.values.username} er oprettet`)
    ctx.redirect(`/admin/users/${created.right}/`)
  })

  router.get("/admin/users/log/", requirePermission("user.view"), async (ctx) => {
    const q = pageQuery(ctx.query)
    const requested = q.page ?? 1
    const user =
      q.user === undefined
        ? undefined
        : await app.run(
            ctx,
            withAdmin((a) => a.get(q.user!))
          )
    const found = await app.run(
      ctx,
      withAdmin((a) => a.changes({ userId: q.user }, requestedPage(requested)))
    )
    const paging = pagingOf(requested, found.total)
    const rows =
      found.rows.length > 0 || found.total === 0
        ? found.rows
        : (
            await app.run(
              ctx,
              withAdmin((a) => a.changes({ userId: q.user }, paging))
            )
          ).rows
    await ctx.render("admin/userLog", changeLogView(rows, paging, fmt, user))
  })

  router.get("/admin/users/:id/", requirePermission("user.view"), async (ctx) => {
    const { id } = decodeParams(Id, ctx.params)
    const user = await app.run(
      ctx,
      withAdmin((a) => a.get(id))
    )
    const mode = modeFor(ctx.state.user!, hasPermission(ctx.state.user, "user.change"))
    await renderForm(ctx, { user, form: formOf(user), mode })
  })

  router.post("/admin/users/:id/", requirePermission("user.change"), async (ctx) => {
    const { id } = decodeParams(Id, ctx.params)
    const editor = ctx.state.user!
    const user = await app.run(
      ctx,
      withAdmin((a) => a.get(id))
    )
    const mode = modeFor(editor, true)
    const parsed = parseUser((ctx.request.body ?? {}) as Record<string, unknown>, user, mode)
    if (!parsed.valid) return renderForm(ctx, { user, form: parsed.form, mode, errors: parsed.errors })
    const saved = await app.run(
      ctx,
      refusal(withAdmin((a) => a.update(id, { ...parsed.values, password: parsed.password }, editor)))
    )
    if (Either.isLeft(saved)) {
      const e = saved.left
      const errors = e.field === null ? {} : { [e.field]: e.message }
      return renderForm(ctx, { user, form: parsed.form, mode, errors, error: e.field ? undefined : e.message })
    }
    setFlash(ctx, `Brugeren ${saved.right.username} er opdateret`)
    ctx.redirect(`/admin/users/${id}/`)
  })
  return router
}
