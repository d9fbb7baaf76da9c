import type { Middleware } from "koa"
import { createRequire } from "node:module"
import { readFileSync, statSync } from "node:fs"
import path from "node:path"

const require = createRequire(import.meta.url)

const TYPES: Record<string, string> = {
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".map": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".woff2": "font/woff2"
}

/** The vendored assets both servers serve under /static/vendor/ (from the npm packages, never a CDN). */
const vendor: Record<string, string> = {
  "bootstrap.min.css": require.resolve("bootstrap/dist/css/bootstrap.min.css"),
  "bootstrap.bundle.min.js": require.resolve("bootstrap/dist/js/bootstrap.bundle.min.js"),
  "htmx.min.js": require.resolve("htmx.org/dist/htmx.min.js")
}

/**
 * Serves /static/vendor/* (Bootstrap, htmx) and /static/* from `dir`. Files are read once and cached in memory;
 * paths that leave `dir` are refused.
 */
export const staticFiles = (dir?: string): Middleware => {
  const cache = new Map<string, Buffer>()
  const root = dir ? path.resolve(dir) : undefined
  return async (ctx, next) => {
    if (!ctx.path.startsWith("/static/") || (ctx.method !== "GET" && ctx.method !== "HEAD")) return next()
    const rel = ctx.path.slice("/static/".length)
    let file: string | undefined
    if (rel.startsWith("vendor/")) file = vendor[rel.slice("vendor/".length)]
    else if (root) {
      const candidate = path.resolve(root, rel)
      if (candidate.startsWith(root + path.sep)) file = candidate
    }
    if (!file) return next()
    let body = cache.get(file)
    if (!body) {
      try {
        if (!statSync(file).isFile()) return next()
        body = readFileSync(file)
        cache.set(file, body)
      } catch {
        return next()
      }
    }
    ctx.type = TYPES[path.extname(file)] ?? "application/octet-stream"
    ctx.set("Cache-Control", "public, max-age=3600")
    ctx.body = body
  }
}
