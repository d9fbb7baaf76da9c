import { Cause, Context, Effect, Exit, ManagedRuntime, Option } from "effect"
import type { Context as KoaContext } from "koa"
import { HttpError } from "./HttpError.js"

/** The Koa request, available to route effects that need it (cookies, headers). */
export class KoaRequest extends Context.Tag("@kas/core/web/KoaRequest")<KoaRequest, KoaContext>() {}

/** A typed failure that carries its own HTTP status (tagged errors may add `status`). */
interface WithStatus {
  readonly status: number
  readonly message?: string
}
const hasStatus = (u: unknown): u is WithStatus =>
  typeof u === "object" && u !== null && typeof (u as { status?: unknown }).status === "number"

/**
 * Runs a route's effect on the server's runtime: aborted when the client goes away, typed failures with a
 * `status` become that HTTP error, anything else a 500 that exposes nothing (the cause is logged).
 */
export const makeRunner =
  <R>(runtime: ManagedRuntime.ManagedRuntime<R, unknown>, log: (m: string) => void = (m) => process.stderr.write(m + "\n")) =>
  async <A, E>(ctx: KoaContext, effect: Effect.Effect<A, E, R | KoaRequest>): Promise<A> => {
    const controller = new AbortController()
    const onClose = () => {
      if (!ctx.res.writableEnded) controller.abort()
    }
    ctx.req.once("close", onClose)
    try {
      const exit = await runtime.runPromiseExit(Effect.provideService(effect, KoaRequest, ctx), { signal: controller.signal })
      if (Exit.isSuccess(exit)) return exit.value
      const failure = Cause.failureOption(exit.cause)
      if (Option.isSome(failure) && hasStatus(failure.value)) {
        throw new HttpError(failure.value.status, failure.value.message)
      }
      if (Cause.isInterruptedOnly(exit.cause) && controller.signal.aborted) throw new HttpError(499, "Client closed request")
      log(`${ctx.method} ${ctx.path}: ${Cause.pretty(exit.cause)}`)
      throw new HttpError(500)
    } finally {
      ctx.req.off("close", onClose)
    }
  }
