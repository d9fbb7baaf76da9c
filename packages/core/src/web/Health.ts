import type { Middleware } from "koa"

/**
 * `/health/database` and `/health/storage`: 200 `OK` when the check passes, 500 `ERROR` otherwise. Mounted before
 * sessions so probes create none.
 */
export const health =
  (checks: { readonly database: () => Promise<void>; readonly storage: () => Promise<void> }): Middleware =>
  async (ctx, next) => {
    const check =
      ctx.path === "/health/database" ? checks.database : ctx.path === "/health/storage" ? checks.storage : undefined
    if (!check || ctx.method !== "GET") return next()
    ctx.type = "text/plain"
    try {
      await check()
      ctx.status = 200
      ctx.body = "OK"
    } catch {
      ctx.status = 500
      ctx.body = "ERROR"
    }
  }
