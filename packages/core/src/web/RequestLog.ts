import type { Middleware } from "koa"

/** One line per request on stdout: method, path, status, duration. Query strings are left out (they may hold ids). */
export const requestLog = (name: string, write: (line: string) => void = (l) => process.stdout.write(l + "\n")): Middleware =>
  async (ctx, next) => {
    const start = process.hrtime.bigint()
    try {
      await next()
    } finally {
      const ms = Number(process.hrtime.bigint() - start) / 1e6
      if (!ctx.path.startsWith("/static/")) {
        write(`${new Date().toISOString()} ${name} ${ctx.method} ${ctx.path} ${ctx.status} ${ms.toFixed(1)}ms`)
      }
    }
  }
