import Router from "@koa/router"
import type { LoginAttempt } from "../auth/LoginThrottle.js"
import type { StaffUser } from "../auth/StaffUsers.js"

/** Only local paths are followed after login (no open redirect). */
const safeNext = (next: unknown): string =>
  typeof next === "string" && next.startsWith("/") && !next.startsWith("//") && !next.startsWith("/\\") ? next : "/"

/** /login/ and /logout/; `login` is the throttled password check (LoginThrottle around StaffUsers.authenticate). */
export const authRoutes = (
  login: (username: string, password: string, address: string) => Promise<LoginAttempt<StaffUser>>
) => {
  const router = new Router()
  router.get("/login/", async (ctx) => {
    if (ctx.state.user) return ctx.redirect(safeNext(ctx.query.next))
    await ctx.render("auth/login", { title: "Log ind", error: null, username: "", next: safeNext(ctx.query.next) })
  })
  router.post("/login/", async (ctx) => {
    const body = (ctx.request.body ?? {}) as Record<string, unknown>
    const username = typeof body.username === "string" ? body.username.trim() : ""
    const password = typeof body.password === "string" ? body.password : ""
    const next = safeNext(body.next)
    if (!username || !password) {
      const error = "Udfyld både brugernavn og adgangskode."
      return ctx.render("auth/login", { title: "Log ind", error, username, next }, 200)
    }
    const attempt = await login(username, password, ctx.ip)
    if (attempt._tag === "Locked") {
      const minutes = Math.max(1, Math.ceil((attempt.until.getTime() - Date.now()) / 60_000))
      ctx.set("Retry-After", String(minutes * 60))
      const error = `For mange mislykkede forsøg på at logge ind. Prøv igen om ${minutes} minutter.`
      return ctx.render("auth/login", { title: "Log ind", error, username, next }, 429)
    }
    if (attempt._tag === "Failed") {
      const error =
        "Forkert brugernavn eller adgangskode. Bemærk at begge felter skelner mellem store og små bogstaver."
      return ctx.render("auth/login", { title: "Log ind", error, username, next }, 200)
    }
    const user = attempt.user
    ctx.session.regenerate()
    ctx.session.data.userId = user.id
    ctx.session.changed()
    ctx.redirect(next)
  })
  router.post("/logout/", async (ctx) => {
    ctx.session.destroy()
    ctx.redirect("/login/")
  })
  return router
}
