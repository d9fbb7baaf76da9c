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
export const securityHeaders = (options: {
  readonly secure: boolean
  readonly extraConnect?: ReadonlyArray<string>
}): Middleware => {
  // The policy around the nonce is the same for every request: written once.
  const rest = [
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src 'self'${options.extraConnect?.length ? " " + options.extraConnect.join(" ") : ""}`,
    "form-action 'self' " + (options.extraConnect ?? []).join(" "),
    "frame-ancestors 'none'",
    "base-uri 'self'",
    "object-src 'none'"
  ].join("; ")
  return async (ctx, next) => {
    const nonce = freshNonce()
    ctx.state.nonce = nonce
    ctx.set(
      "Content-Security-Policy",
      `default-src 'self'; script-src 'self' 'nonce-${nonce}'; style-src 'self' 'nonce-${nonce}'; ${rest}`
    )
    ctx.set("X-Content-Type-Options", "nosniff")
    ctx.set("X-Frame-Options", "DENY")
    ctx.set("Referrer-Policy", "same-origin")
    ctx.set("Cross-Origin-Opener-Policy", "same-origin")
    ctx.set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if (options.secure) ctx.set("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    await next()
  }
}

// Nonces are 16 bytes of the CSPRNG each, never reused, taken from 4 KiB drawn at a time (one call per 256 requests).
let random = Buffer.alloc(0)
let used = 0
const freshNonce = (): string => {
  if (used + 16 > random.length) {
    random = randomBytes(4096)
    used = 0
  }
  used += 16
  return random.toString("base64", used - 16, used)
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
