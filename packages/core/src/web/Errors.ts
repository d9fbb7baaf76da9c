import type { Middleware } from "koa"
import { maskCprs } from "../domain/CprMask.js"
import { defaultMessage, HttpError } from "./HttpError.js"

/**
 * Turns thrown errors and unmatched routes into styled error pages (view `error`), JSON for API paths.
 * Server errors expose nothing to the client and are logged with their stack, CPR numbers masked (other than
 * `HttpError`s). An `HttpError` may bring its own JSON body or page (the answers of a server's error table).
 */
export const errorPages = (options: {
  readonly apiPrefixes?: ReadonlyArray<string>
  readonly log?: (message: string) => void
  readonly debug?: boolean
}): Middleware => {
  const sink = options.log ?? ((m: string) => process.stderr.write(m + "\n"))
  const log = (m: string) => sink(maskCprs(m))
  return async (ctx, next) => {
    let status: number
    let message: string
    let answer: HttpError["answer"] = {}
    try {
      await next()
      if (ctx.status !== 404 || (ctx.body !== undefined && ctx.body !== null)) return
      status = 404
      message = defaultMessage(404)
    } catch (err) {
      const e = err as { status?: unknown; statusCode?: unknown; expose?: unknown; message?: unknown; stack?: unknown }
      const s = typeof e.status === "number" ? e.status : typeof e.statusCode === "number" ? e.statusCode : 500
      status = s >= 400 && s < 600 ? s : 500
      const expose = err instanceof HttpError ? err.expose : e.expose === true || status < 500
      if (err instanceof HttpError) answer = err.answer
      message = expose && typeof e.message === "string" && e.message ? e.message : defaultMessage(status)
      // An HttpError is a deliberate answer: the runner that made one from a failure has logged its cause.
      if (status >= 500 && !(err instanceof HttpError)) {
        log(`${ctx.method} ${ctx.path} failed: ${typeof e.stack === "string" ? e.stack : String(err)}`)
      }
    }
    ctx.status = status
    if (answer.body !== undefined) {
      ctx.body = answer.body
      return
    }
    if (options.apiPrefixes?.some((p) => ctx.path.startsWith(p)) || ctx.accepts("html", "json") === "json") {
      ctx.body = { detail: message }
      return
    }
    try {
      if (answer.page) await ctx.render(answer.page.view, answer.page.data, status)
      else await ctx.render("error", { status, message, title: `${status}` }, status)
    } catch (renderError) {
      log(`error page failed: ${String(renderError)}`)
      ctx.type = "text/plain; charset=utf-8"
      ctx.body = `${status} ${message}`
    }
  }
}
