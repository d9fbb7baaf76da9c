import Router from "@koa/router"
import type { Context } from "koa"
import type { LoginAttempt } from "../auth/LoginThrottle.js"
import type { StaffUser } from "../auth/StaffUsers.js"

/** The login page (staff-web.md §2); `requirePermission` sends anonymous users here with `?next=`. */
export const LOGIN_PATH = "/accounts/login/"
/** Logging out is a POST (CSRF-protected) to this path (staff-web.md §2, decision). */
export const LOGOUT_PATH = "/accounts/logout/"

/** The messages of the login page. */
export const loginMessages = {
  invalid: "Ugyldigt brugernavn eller adgangskode",
  missing: "Udfyld både brugernavn og adgangskode.",
  locked: (minutes: number) => `For mange mislykkede forsøg på at logge ind. Prøv igen om ${minutes} minutter.`
} as const

/** Only local paths are followed after login (no open redirect). */
const safeNext = (next: unknown): string =>
  typeof next === "string" && next.startsWith("/") && !next.startsWith("//") && !next.startsWith("/\\") ? next : "/"

/** The query string of a request, with its `?` (kept when an old path redirects). */
const search = (ctx: Context) => (ctx.querystring ? `?${ctx.querystring}` : "")

/**
 * `/accounts/login/` and `/accounts/logout/` (staff-web.md §2); `login` is the throttled password check
 * (LoginThrottle around StaffUsers.authenticate, which refuses inactive users). The old paths `/login/` and
 * `/logout/` redirect: a GET permanently, a POST with 308 so that the method and form are kept.
 */
export const authRoutes = (
  login: (username: string, password: string, address: string) => Promise<LoginAttempt<StaffUser>>
) => {
  const router = new Router()
  const render = (ctx: Context, fields: { error: string | null; username: string; next: string }, status = 200) =>
    ctx.render("auth/login", { title: "Log ind", action: LOGIN_PATH, ...fields }, status)

  router.get(LOGIN_PATH, async (ctx) => {
    if (ctx.state.user) return ctx.redirect(safeNext(ctx.query.next))
    await render(ctx, { error: null, username: "", next: safeNext(ctx.query.next) })
  })
  router.post(LOGIN_PATH, async (ctx) => {
    const body = (ctx.request.body ?? {}) as Record<string, unknown>
    const username = typeof body.username === "string" ? body.username.trim() : ""
    const password = typeof body.password === "string" ? body.password : ""
    const next = safeNext(body.next)
    if (!username || !password) return render(ctx, { error: loginMessages.missing, username, next })
    const attempt = await login(username, password, ctx.ip)
    if (attempt._tag === "Locked") {
      const minutes = Math.max(1, Math.ceil((attempt.until.getTime() - Date.now()) / 60_000))
      ctx.set("Retry-After", String(minutes * 60))
      return render(ctx, { error: loginMessages.locked(minutes), username, next }, 429)
    }
    if (attempt._tag === "Failed") return render(ctx, { error: loginMessages.invalid, username, next })
    ctx.session.regenerate()
    ctx.session.data.userId = attempt.user.id
    ctx.session.changed()
    ctx.redirect(next)
  })
  router.post(LOGOUT_PATH, async (ctx) => {
    ctx.session.destroy()
    ctx.redirect(LOGIN_PATH)
  })

  // The old paths.
  router.get("/login/", (ctx) => {
    ctx.status = 301
    ctx.redirect(LOGIN_PATH + search(ctx))
  })
  router.post("/login/", (ctx) => {
    ctx.status = 308
    ctx.redirect(LOGIN_PATH + search(ctx))
  })
  router.get("/logout/", (ctx) => ctx.redirect(LOGIN_PATH))
  router.post("/logout/", (ctx) => {
    ctx.status = 308
    ctx.redirect(LOGOUT_PATH)
  })
  return router
}
