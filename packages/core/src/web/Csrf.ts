import type { Middleware } from "koa"
import { randomBytes, timingSafeEqual } from "node:crypto"
import { HttpError } from "./HttpError.js"

/** The form field and header that carry the CSRF token. */
export const CSRF_FIELD = "csrfmiddlewaretoken"
export const CSRF_HEADER = "x-csrftoken"

const SAFE = new Set(["GET", "HEAD", "OPTIONS"])

/**
 * A per-session CSRF token (ctx.state.csrfToken, for every form) checked on every unsafe request, from the form
 * field or the X-CSRFToken header (htmx). Requests to `exempt` prefixes (token-authenticated APIs without cookies)
 * are not checked. Must run after the session and body parser.
 */
export const csrf = (options: { readonly exempt?: ReadonlyArray<string> } = {}): Middleware => async (ctx, next) => {
  const exempt = options.exempt?.some((p) => ctx.path.startsWith(p)) ?? false
  let token = ctx.session.data._csrf
  if (typeof token !== "string") {
    token = randomBytes(24).toString("base64url")
    ctx.session.data._csrf = token
    // only persisted when a page actually uses it (login form etc.) — cheap either way
    ctx.session.changed()
  }
  ctx.state.csrfToken = token
  if (!SAFE.has(ctx.method) && !exempt) {
    const body = (ctx.request as { body?: unknown }).body
    const sent =
      (body && typeof body === "object" && typeof (body as Record<string, unknown>)[CSRF_FIELD] === "string"
        ? ((body as Record<string, unknown>)[CSRF_FIELD] as string)
        : undefined) ?? ctx.get(CSRF_HEADER)
    if (!sent || !equal(sent, token as string)) throw new HttpError(403, "CSRF-kontrol fejlede. Genindlæs siden og prøv igen.")
  }
  await next()
}

const equal = (a: string, b: string) => {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}
