import { Option } from "effect"
import type { Context, Middleware, Next } from "koa"
import { HttpError } from "@kas/core/web"
import type { StaffUser } from "../auth/StaffUsers.js"
import { LOGIN_PATH } from "../routes/auth.js"

declare module "koa" {
  interface DefaultState {
    /** The logged-in staff user, when there is one. */
    user?: StaffUser
  }
}

declare module "koa" {
  interface DefaultState {
    /** The CPR of the citizen the logged-in user represents in self-service (the banner), or null. */
    representing?: string | null
  }
}

/**
 * Loads the logged-in user from the session into ctx.state.user (an inactive or deleted user is logged out) and,
 * with `representing`, the citizen they represent into ctx.state.representing (staff-web.md §1, §16: every page shows
 * the banner). Both are asked at once: each page waits for one round trip, not two.
 */
export const currentUser =
  (
    load: (id: number) => Promise<Option.Option<StaffUser>>,
    representing?: (id: number) => Promise<string | null>
  ): Middleware =>
  async (ctx, next) => {
    const id = ctx.session.data.userId
    if (typeof id === "number") {
      const [user, cpr] = await Promise.all([
        load(id),
        representing && !ctx.path.startsWith("/static/") ? representing(id) : undefined
      ])
      if (Option.isSome(user)) {
        ctx.state.user = user.value
        if (cpr !== undefined) ctx.state.representing = cpr
      } else ctx.session.destroy()
    }
    await next()
  }

/** Whether the user has every one of `permissions` (a superuser has all). */
export const hasPermission = (user: StaffUser | undefined, ...permissions: ReadonlyArray<string>): boolean =>
  user !== undefined && (user.isSuperuser || permissions.every((p) => user.permissions.has(p)))

const toLogin = (ctx: Context) => {
  const next = encodeURIComponent(ctx.originalUrl)
  if (ctx.get("HX-Request")) {
    ctx.set("HX-Redirect", `${LOGIN_PATH}?next=${next}`)
    ctx.status = 401
    return
  }
  ctx.redirect(`${LOGIN_PATH}?next=${next}`)
}

/**
 * The check every staff page uses: anonymous → the login page (with `next`), logged in without the
 * permissions → 403.
 */
export const requirePermission =
  (...permissions: ReadonlyArray<string>): Middleware =>
  async (ctx: Context, next: Next) => {
    if (!ctx.state.user) return toLogin(ctx)
    if (!hasPermission(ctx.state.user, ...permissions)) throw new HttpError(403)
    await next()
  }

/** Login only, no particular permission (the front page). */
export const requireLogin: Middleware = requirePermission()

/** Like requirePermission, but any one of `permissions` is enough (the admin area: `user.view` or `taxyear.add`). */
export const requireAnyPermission =
  (...permissions: ReadonlyArray<string>): Middleware =>
  async (ctx: Context, next: Next) => {
    if (!ctx.state.user) return toLogin(ctx)
    if (!permissions.some((p) => hasPermission(ctx.state.user, p))) throw new HttpError(403)
    await next()
  }
