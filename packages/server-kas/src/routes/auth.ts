import Router from "@koa/router"
import { Option } from "effect"
import type { StaffUser } from "../auth/StaffUsers.js"

/** Only local paths are followed after login (no open redirect). */
const safeNext = (next: unknown): string =>
  typeof next === "string" && next.startsWith("/") && !next.startsWith("//") && !next.startsWith("/\\") ? next : "/"

/** /login/ and /logout/. */
export const authRoutes = (authenticate: (username: string, password: string) => Promise<Option.Option<StaffUser>>) => {
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
    const user = username && password ? await authenticate(username, password) : Option.none()
    if (Option.isNone(user)) {
      const error =
        !username || !password
          ? "Udfyld både brugernavn og adgangskode."
          : "Forkert brugernavn eller adgangskode. Bemærk at begge felter skelner mellem store og små bogstaver."
      return ctx.render("auth/login", { title: "Log ind", error, username, next }, 200)
    }
    ctx.session.regenerate()
    ctx.session.data.userId = user.value.id
    ctx.session.changed()
    ctx.redirect(next)
  })
  router.post("/logout/", async (ctx) => {
    ctx.session.destroy()
    ctx.redirect("/login/")
  })
  return router
}
