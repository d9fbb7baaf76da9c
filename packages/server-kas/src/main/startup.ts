import { Cause, Effect, Exit, type ManagedRuntime } from "effect"

/** Builds a runtime before anything listens; prints the reason and exits 1 when it cannot be built. */
export const buildRuntimeOrExit = async <R>(name: string, runtime: ManagedRuntime.ManagedRuntime<R, unknown>) => {
  const exit = await Effect.runPromiseExit(
    Effect.promise(() =>
      runtime.runtime().then(
        () => undefined,
        (e) => Promise.reject(e)
      )
    ).pipe(Effect.catchAllDefect((d) => Effect.fail(d)))
  )
  if (Exit.isFailure(exit)) {
    process.stderr.write(`${name}: could not start: ${describe(exit.cause)}\n`)
    await runtime.dispose().catch(() => undefined)
    process.exit(1)
  }
}

/** Runs a start-up step on the runtime; on failure prints its message, disposes the runtime and exits 1. */
export const startupStep = async <A, E, R>(
  name: string,
  runtime: ManagedRuntime.ManagedRuntime<R, unknown>,
  effect: Effect.Effect<A, E, R>
): Promise<A> => {
  const exit = await runtime.runPromiseExit(effect)
  if (Exit.isSuccess(exit)) return exit.value
  process.stderr.write(`${name}: could not start: ${describe(exit.cause)}\n`)
  await runtime.dispose().catch(() => undefined)
  process.exit(1)
}

const describe = (cause: Cause.Cause<unknown>): string => {
  const failure = Cause.failureOption(cause)
  const value: unknown = failure._tag === "Some" ? failure.value : Cause.squash(cause)
  const message = (value as { message?: unknown })?.message
  return typeof message === "string" && message ? message : Cause.pretty(cause)
}
