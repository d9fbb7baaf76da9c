import type { Middleware } from "koa"
import { randomBytes } from "node:crypto"

/** State every page can use: the CSP nonce for its inline scripts and styles. */
export interface SecurityState {
  nonce: string
}

/**
 * Security headers with a fresh CSP nonce per request (ctx.state.nonce). Scripts and styles load only from this
 * origin or carry the nonce; no framing; no referrer leaks.
 */
export const securityHeaders =
  (options: { readonly secure: boolean; readonly extraConnect?: ReadonlyArray<string> }): Middleware =>
  async (ctx, next) => {
    const nonce = randomBytes(16).toString("base64")
    ctx.state.nonce = nonce
    ctx.set(
      "Content-Security-Policy",
      [
        "default-src 'self'",
        `script-src 'self' 'nonce-${nonce}'`,
        `style-src 'self' 'nonce-${nonce}'`,
        "img-src 'self' data:",
        "font-src 'self'",
        `connect-src 'self'${options.extraConnect?.length ? " " + options.extraConnect.join(" ") : ""}`,
        "form-action 'self' " + (options.extraConnect ?? []).join(" "),
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "object-src 'none'"
      ].join("; ")
    )
    ctx.set("X-Content-Type-Options", "nosniff")
    ctx.set("X-Frame-Options", "DENY")
    ctx.set("Referrer-Policy", "same-origin")
    ctx.set("Cross-Origin-Opener-Policy", "same-origin")
    ctx.set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if (options.secure) ctx.set("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    await next()
  }

/** Refuses requests whose Host header is not in ALLOWED_HOSTS (an empty list allows none but loopback). */
export const allowedHosts = (hosts: ReadonlyArray<string>): Middleware => {
  const allowed = new Set(hosts.map((h) => h.toLowerCase()))
  return async (ctx, next) => {
    const host = (ctx.hostname || "").toLowerCase()
    if (allowed.has("*") || allowed.has(host) || host === "127.0.0.1" || host === "localhost") return next()
    ctx.status = 400
    ctx.type = "text/plain"
    ctx.body = "Ugyldig Host-header"
  }
}
