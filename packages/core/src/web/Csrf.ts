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
export const csrf =
  (options: { readonly exempt?: ReadonlyArray<string> } = {}): Middleware =>
  async (ctx, next) => {
    const exempt = options.exempt?.some((p) => ctx.path.startsWith(p)) ?? false
    // The token is made (and the session written) only when something uses it: a page with a form, or a check.
    const token = (): string => {
      const existing = ctx.session.data._csrf
      if (typeof existing === "string") return existing
      const fresh = randomBytes(24).toString("base64url")
      ctx.session.data._csrf = fresh
      ctx.session.changed()
      return fresh
    }
    Object.defineProperty(ctx.state, "csrfToken", { get: token, enumerable: true, configurable: true })
    if (!SAFE.has(ctx.method) && !exempt) {
      const body = (ctx.request as { body?: unknown }).body
      const sent =
        (body && typeof body === "object" && typeof (body as Record<string, unknown>)[CSRF_FIELD] === "string"
          ? ((body as Record<string, unknown>)[CSRF_FIELD] as string)
          : undefined) ?? ctx.get(CSRF_HEADER)
      const expected = ctx.session.data._csrf
      if (!sent || typeof expected !== "string" || !equal(sent, expected))
        throw new HttpError(403, "CSRF-kontrol fejlede. Genindlæs siden og prøv igen.")
    }
    await next()
  }

const equal = (a: string, b: string) => {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}
