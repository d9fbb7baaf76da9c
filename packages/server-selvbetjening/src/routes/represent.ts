import Router from "@koa/router"
import { Either } from "effect"
import { I18n, type KasConfig } from "@kas/core"
import { HttpError } from "@kas/core/web"
import type { RestRunner } from "../web/Portal.js"
import { safeBack } from "../web/Citizen.js"

/**
 * Representation (selvbetjening.md §13) and the language switch (§12). `/represent-start/` is CSRF-exempt: the
 * single-use 60-second token protects it.
 */
export const representRoutes = (settings: KasConfig.SelvbetjeningConfig.SelvbetjeningSettings, rest: RestRunner) => {
  const router = new Router()

  router.get("/represent-start/", () => {
    throw new HttpError(405)
  })
  router.post("/represent-start/", async (ctx) => {
    const token = String(((ctx.request.body ?? {}) as Record<string, unknown>).token ?? "")
    if (!/^[A-Za-z0-9]{64}$/.test(token)) {
      ctx.status = 400
      ctx.type = "text/html; charset=utf-8"
      ctx.body = `<!doctype html><title>${ctx.state.t!("badRequest")}</title><h1>${ctx.state.t!("badRequest")}</h1>`
      return
    }
    const answer = await rest(ctx, (c) => c.exchangeToken(token))
    if (Either.isLeft(answer)) {
      ctx.status = answer.left.status
      ctx.type = "text/plain; charset=utf-8"
      ctx.body = answer.left.body
      return
    }
    const r = answer.right
    ctx.session.regenerate()
    ctx.session.data.user_info = { cpr: r.CPR, personname: r.PersonName, adminusername: r.AdminUsername, adminuserid: r.AdminUserID }
    ctx.session.changed()
    ctx.redirect("/policy/edit/")
  })
  router.get("/represent-stop/", (ctx) => {
    ctx.session.destroy()
    ctx.redirect(settings.kasRepresentationStop)
  })

  router.post("/i18n/setlang/", (ctx) => {
    const lang: I18n.Language = ((ctx.request.body ?? {}) as Record<string, unknown>).language === "kl" ? "kl" : "da"
    ctx.cookies.set(I18n.LANGUAGE_COOKIE, I18n.cookieValueOf(lang), {
      domain: settings.languageCookieDomain === "localhost" ? undefined : settings.languageCookieDomain,
      path: "/",
      maxAge: 365 * 24 * 3600 * 1000,
      sameSite: "lax",
      httpOnly: false,
      secure: settings.environment !== "development"
    })
    const referer = ctx.get("Referer")
    let back = "/"
    try {
      const url = new URL(referer)
      if (url.host === ctx.host) back = safeBack(url.pathname + url.search)
    } catch {
      back = "/"
    }
    ctx.redirect(back)
  })
  return router
}
