import { Cause, Effect, Exit, Fiber, type Scope } from "effect"

/**
 * Runs a long-running process body until SIGTERM or SIGINT interrupts it; its scope's finalizers (a worker's
 * drain) run before the returned exit code: 0 after a signal, 1 when the body failed.
 */
export const runUntilSignal = async <E>(name: string, body: Effect.Effect<never, E, Scope.Scope>): Promise<number> => {
  const fiber = Effect.runFork(Effect.scoped(body))
  const stop = (signal: string) => {
    process.stdout.write(`${name}: ${signal} received, stopping\n`)
    Effect.runFork(Fiber.interrupt(fiber))
  }
  const onTerm = () => stop("SIGTERM")
  const onInt = () => stop("SIGINT")
  process.once("SIGTERM", onTerm)
  process.once("SIGINT", onInt)
  const exit = await Effect.runPromise(Fiber.await(fiber))
  process.off("SIGTERM", onTerm)
  process.off("SIGINT", onInt)
  if (Exit.isSuccess(exit) || Cause.isInterruptedOnly(exit.cause)) {
    process.stdout.write(`${name}: stopped\n`)
    return 0
  }
  const failure = Cause.failureOption(exit.cause)
  process.stderr.write(
    failure._tag === "Some" && failure.value instanceof Error
      ? `${failure.value.message}\n`
      : `${Cause.pretty(exit.cause)}\n`
  )
  return 1
}
