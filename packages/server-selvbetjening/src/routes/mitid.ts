import Router from "@koa/router"
import type { Context } from "koa"
import type { SamlLogin } from "../saml/SamlLogin.js"
import { safeBack } from "../web/Citizen.js"

/** The session key of the login's NSIS level of assurance (set by the SAML callback). */
export const LOA_KEY = "loa"

const LEVELS = { Low: 1, Substantial: 2, High: 3 } as const

/** The rank of a level of assurance as NemLog-in sends it (a bare name or a URI ending in it); 0 when unknown. */
export const loaRank = (loa: unknown): number => {
  const name = typeof loa === "string" ? /(?:^|\/)(Low|Substantial|High)$/.exec(loa)?.[1] : undefined
  return name ? LEVELS[name as keyof typeof LEVELS] : 0
}

/**
 * The MitID conformance-test pages (selvbetjening.md §14.4), mounted only when MITID_TEST_ENABLED (never in
 * production). No page shows session contents. `clear_session` and `privilege0` are public; the others need a login.
 */
export const mitidTestRoutes = (options: { readonly saml: SamlLogin | null }) => {
  const router = new Router({ prefix: "/mitid_test" })
  const message = (
    ctx: Context,
    key: "mitidSessionCleared" | "mitidPrivilege0" | "mitidPrivilege1" | "mitidPrivilege3"
  ) => ctx.render("message", { title: ctx.state.t!(key), text: ctx.state.t!(key) })
  const privileged = (minimum: number, key: "mitidPrivilege1" | "mitidPrivilege3") => async (ctx: Context) => {
    if (loaRank(ctx.session.data[LOA_KEY]) >= minimum) return message(ctx, key)
    const t = ctx.state.t!
    await ctx.render(
      "login/error",
      {
        title: t("accessDenied"),
        text: t("mitidInsufficient"),
        button: t("login"),
        href: `/mitid_test/force_auth/?back=${encodeURIComponent(ctx.path)}`
      },
      403
    )
  }

  router.get("/clear_session/", async (ctx) => {
    ctx.session.destroy()
    delete ctx.state.citizen // the header of this page already shows no one
    await message(ctx, "mitidSessionCleared")
  })
  router.get("/privilege0/", (ctx) => message(ctx, "mitidPrivilege0"))
  router.get("/privilege1/", privileged(LEVELS.Substantial, "mitidPrivilege1"))
  router.get("/privilege3/", privileged(LEVELS.High, "mitidPrivilege3"))
  router.get("/force_auth/", async (ctx) => {
    const back = safeBack(ctx.query.back)
    ctx.redirect(
      options.saml
        ? await options.saml.loginUrl(back, { forceAuthn: true })
        : `/login/?back=${encodeURIComponent(back)}`
    )
  })
  return router
}
