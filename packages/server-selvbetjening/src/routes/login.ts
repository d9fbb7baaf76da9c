import Router from "@koa/router"
import type { Context } from "koa"
import { MockScenarios } from "@kas/eskat"
import { HttpError } from "@kas/core/web"
import { isCpr } from "@kas/core"
import type { SamlLogin } from "../saml/SamlLogin.js"
import { safeBack, type UserInfo } from "../web/Citizen.js"
import { LOA_KEY } from "./mitid.js"

const ERROR_PAGES = {
  "login-timeout": { text: "loginTimeout", button: "login", href: "/login/" },
  "login-repeat": { text: "loginRepeat", button: "login", href: "/login/" },
  "login-nocpr": { text: "loginNoCpr", button: "logout", href: "/logout/" },
  login_assurance: { text: "loginAssurance", button: "logout", href: "/logout/" }
} as const

/**
 * Login and logout (selvbetjening.md §3): SAML when configured; in development without a provider a page that picks
 * one of the mock persons. The four login error pages. The session is written only after every check passed.
 */
export const loginRoutes = (options: {
  readonly saml: SamlLogin | null
  readonly development: boolean
  /** LOGIN_BYPASS_ENABLED with its DEFAULT_CPR; honoured only in development, whatever the settings say. */
  readonly bypass?: { readonly enabled: boolean; readonly defaultCpr: string }
  readonly log: (message: string) => void
}) => {
  const router = new Router()
  const { saml } = options

  const startSession = (ctx: Context, info: UserInfo, extra: Record<string, unknown> = {}) => {
    ctx.session.regenerate()
    Object.assign(ctx.session.data, { user_info: info, ...extra })
    ctx.session.changed()
  }

  const bypass =
    options.development && options.bypass?.enabled === true && isCpr(options.bypass.defaultCpr)
      ? options.bypass.defaultCpr
      : null

  router.get("/login/", async (ctx) => {
    const back = safeBack(ctx.query.back)
    // §3.1 login bypass (development only): a page offering the real login or `?login_bypass=1`, the dummy session.
    if (bypass !== null && ctx.query.login_bypass === "1") {
      startSession(ctx, { cpr: bypass, personname: "" })
      return ctx.redirect(back)
    }
    if (bypass !== null && ctx.query.real !== "1") {
      return ctx.render("login/bypass", { title: ctx.state.t!("bypassTitle"), back, cpr: bypass })
    }
    if (saml) return ctx.redirect(await saml.loginUrl(back))
    if (!options.development) throw new HttpError(404)
    const persons = MockScenarios.scenarios(new Date().getFullYear()).map((p) => ({ cpr: p.cpr, name: p.name }))
    await ctx.render("login/dev", { title: ctx.state.t!("devLoginTitle"), persons, back })
  })
  router.post("/login/", async (ctx) => {
    if (saml || !options.development) throw new HttpError(405)
    const body = (ctx.request.body ?? {}) as Record<string, string>
    const cpr = body.cpr
    if (!isCpr(cpr)) throw new HttpError(400)
    const person = MockScenarios.scenarios(new Date().getFullYear()).find((p) => p.cpr === cpr)
    startSession(ctx, { cpr, personname: person?.name ?? "" })
    ctx.redirect(safeBack(body.back))
  })

  router.post("/login/callback/", async (ctx) => {
    if (!saml) throw new HttpError(404)
    const body = (ctx.request.body ?? {}) as Record<string, string>
    if (typeof body.SAMLResponse !== "string") return ctx.redirect("/error/login-repeat/")
    const outcome = await saml.callback(body.SAMLResponse)
    if (outcome._tag === "Refused") {
      options.log(`login refused (${outcome.page}): ${outcome.reason}`)
      if (outcome.page === "refused")
        return ctx.render(
          "login/error",
          {
            title: ctx.state.t!("accessDenied"),
            text: ctx.state.t!("loginRefused"),
            button: ctx.state.t!("login"),
            href: "/login/"
          },
          403
        )
      return ctx.redirect(`/error/${outcome.page}/`)
    }
    startSession(ctx, { cpr: outcome.cpr, personname: outcome.name }, { saml: outcome.saml, [LOA_KEY]: outcome.loa })
    options.log(
      `login: assertion ${outcome.assertionId}, loa ${outcome.loa}, nameid ${outcome.saml.nameID}, cpr ${outcome.cpr}`
    )
    ctx.redirect(safeBack(body.RelayState))
  })

  router.get("/logout/", async (ctx) => {
    const samlData = ctx.session.data.saml as Parameters<SamlLogin["logoutUrl"]>[0] | undefined
    ctx.session.destroy()
    if (saml && samlData) return ctx.redirect(await saml.logoutUrl(samlData))
    ctx.redirect("/")
  })
  router.get("/logout/callback/", async (ctx) => {
    if (!saml) throw new HttpError(404)
    ctx.session.destroy()
    const query = Object.fromEntries(
      Object.entries(ctx.query).map(([k, v]) => [k, String(Array.isArray(v) ? v[0] : (v ?? ""))])
    )
    try {
      const { respondTo } = await saml.logoutCallback(query, ctx.querystring)
      ctx.redirect(respondTo ?? "/")
    } catch (e) {
      options.log(`logout callback refused: ${e instanceof Error ? e.message : String(e)}`)
      throw new HttpError(400)
    }
  })
  router.get("/saml/metadata/", async (ctx) => {
    if (!saml) throw new HttpError(404)
    ctx.type = "application/xml"
    ctx.body = saml.metadata()
  })

  for (const [page, spec] of Object.entries(ERROR_PAGES)) {
    router.get(`/error/${page}/`, async (ctx) => {
      const t = ctx.state.t!
      await ctx.render(
        "login/error",
        { title: t("accessDenied"), text: t(spec.text), button: t(spec.button), href: spec.href },
        403
      )
    })
  }
  router.get("/error/", async (ctx) => {
    await ctx.render("message", { title: ctx.state.t!("genericError"), text: ctx.state.t!("genericError") })
  })
  return router
}
