import { Cause, Context, Effect, Exit, type ManagedRuntime } from "effect"
import type { Context as KoaContext } from "koa"
import { maskCprs } from "../domain/CprMask.js"
import { type AnyErrorTable, httpErrorOf } from "./ErrorTable.js"
import { HttpError } from "./HttpError.js"

/** The Koa request, available to route effects that need it (cookies, headers). */
export class KoaRequest extends Context.Tag("@kas/core/web/KoaRequest")<KoaRequest, KoaContext>() {}

const stderr = (m: string) => process.stderr.write(m + "\n")

/**
 * Runs a route's effect on the server's runtime: aborted when the client goes away; a typed failure becomes the
 * answer the server's error table gives its tag, anything else a 500 that exposes nothing (the cause is logged, CPR
 * numbers masked).
 */
export const makeRunner =
  <R>(runtime: ManagedRuntime.ManagedRuntime<R, unknown>, errors: AnyErrorTable, log: (m: string) => void = stderr) =>
  async <A, E>(ctx: KoaContext, effect: Effect.Effect<A, E, R | KoaRequest>): Promise<A> => {
    const controller = new AbortController()
    const onClose = () => {
      if (!ctx.res.writableEnded) controller.abort()
    }
    ctx.req.once("close", onClose)
    try {
      const exit = await runtime.runPromiseExit(Effect.provideService(effect, KoaRequest, ctx), {
        signal: controller.signal
      })
      if (Exit.isSuccess(exit)) return exit.value
      if (Cause.isInterruptedOnly(exit.cause) && controller.signal.aborted)
        throw new HttpError(499, "Client closed request")
      throw httpErrorOf(errors, exit.cause, ctx, (m) => log(maskCprs(m)))
    } finally {
      ctx.req.off("close", onClose)
    }
  }
