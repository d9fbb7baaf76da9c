import type { Context, Middleware } from "koa"
import { type Cpr, CprMask, I18n, isCpr } from "@kas/core"

/** The citizen of a session (selvbetjening.md §4): CPR and name, plus the staff member while representing. */
export interface UserInfo {
  readonly cpr: Cpr
  readonly personname: string
  readonly adminusername?: string
  readonly adminuserid?: number
}

declare module "koa" {
  interface DefaultState {
    lang?: I18n.Language
    t?: I18n.Translate
    citizen?: UserInfo
  }
}

/** The session's citizen, when logged in with a CPR (the stored session is read back as an edge: checked again). */
export const citizenOf = (ctx: Context): UserInfo | undefined => {
  const info = ctx.session.data.user_info as UserInfo | undefined
  return info && isCpr(info.cpr) ? info : undefined
}

/** Who a submission is written by: the representing staff member, else the citizen's CPR (§9.2). */
export const updatedBy = (u: UserInfo): string => u.adminusername ?? u.cpr

/** The name in the header: the person's name, or the first six CPR digits and "xxxx" (§5). */
export const displayName = (u: UserInfo): string => u.personname || CprMask.maskCpr(u.cpr)

/** Reads the language cookie into `ctx.state.lang` and a translator into `ctx.state.t` (§12). */
export const language: Middleware = async (ctx, next) => {
  const lang = I18n.languageOf(ctx.cookies.get(I18n.LANGUAGE_COOKIE))
  ctx.state.lang = lang
  ctx.state.t = I18n.translator(lang)
  await next()
}

const PUBLIC = new Set([
  "/represent-start",
  "/represent-stop",
  "/i18n/setlang",
  "/error/login-timeout",
  "/error/login-repeat",
  "/error/login-nocpr",
  "/error/login_assurance",
  "/error",
  "/login",
  "/login/callback",
  "/logout",
  "/logout/callback",
  "/saml/metadata",
  "/health/storage",
  "/health/database",
  "/favicon.ico",
  "/mitid_test/clear_session",
  "/mitid_test/privilege0",
  "/mitid_test/force_auth"
])

/** Whether a path is public (§2): exact match with or without a trailing slash, or under /static/. */
export const isPublic = (path: string): boolean =>
  path.startsWith("/static/") || PUBLIC.has(path.replace(/\/$/, "") || "/")

/** Every non-public path needs a session with a CPR; otherwise → `/login/?back=<path and query>`. */
export const requireCitizen: Middleware = async (ctx, next) => {
  const citizen = citizenOf(ctx)
  if (citizen) ctx.state.citizen = citizen
  if (citizen || isPublic(ctx.path)) return next()
  ctx.redirect(`/login/?back=${encodeURIComponent(ctx.originalUrl)}`)
}

/** A `back` value that stays on this site (a local path), else `/`. */
export const safeBack = (back: unknown): string =>
  typeof back === "string" && back.startsWith("/") && !back.startsWith("//") && !back.startsWith("/\\") ? back : "/"
