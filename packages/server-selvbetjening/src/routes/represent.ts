import Router from "@koa/router"
import { Either } from "effect"
import { I18n, type KasConfig } from "@kas/core"
import { HttpError } from "@kas/core/web"
import type { Middleware } from "koa"
import type { RestRunner } from "../web/Portal.js"
import { citizenOf, safeBack } from "../web/Citizen.js"

const EXTENDED_AT = "representation_extended_at"
const EXTEND_EVERY_MS = 60_000

/**
 * While a staff user represents the citizen, the session's use keeps the representation alive in kas web (issue 13
 * item 4: one representation per staff user until stopped or this session ends): at most once a minute it is extended
 * to the session's idle expiry plus that minute. When kas web has ended it (stopped there), the session ends too.
 */
export const keepRepresentation =
  (settings: KasConfig.SelvbetjeningConfig.SelvbetjeningSettings, rest: RestRunner): Middleware =>
  async (ctx, next) => {
    const userId = citizenOf(ctx)?.adminuserid
    const last = Number(ctx.session.data[EXTENDED_AT] ?? 0)
    if (userId !== undefined && Date.now() - last >= EXTEND_EVERY_MS) {
      const seconds = settings.sessionExpireSeconds + EXTEND_EVERY_MS / 1000
      if (!(await rest(ctx, (c) => c.extendRepresentation(userId, seconds)))) {
        ctx.session.destroy()
        ctx.redirect(settings.kasRepresentationStop)
        return
      }
      ctx.session.data[EXTENDED_AT] = Date.now()
      ctx.session.changed()
    }
    await next()
  }

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
    const answer = await rest(ctx, (c) => c.exchangeToken(token, settings.sessionExpireSeconds))
    if (Either.isLeft(answer)) {
      ctx.status = answer.left.status
      ctx.type = "text/plain; charset=utf-8"
      ctx.body = answer.left.body
      return
    }
    const r = answer.right
    ctx.session.regenerate()
    ctx.session.data.user_info = {
      cpr: r.CPR,
      personname: r.PersonName,
      adminusername: r.AdminUsername,
      adminuserid: r.AdminUserID
    }
    ctx.session.data[EXTENDED_AT] = Date.now()
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
