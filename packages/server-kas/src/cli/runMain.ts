import { Cause, Effect, Exit } from "effect"

/**
 * Runs a CLI command's effect: exit code 0 on success; on failure the error's message on stderr (a tagged error's
 * `message`, or the pretty cause for a defect) and exit code 1.
 */
export const runMain = async <E>(effect: Effect.Effect<unknown, E, never>): Promise<number> => {
  const exit = await Effect.runPromiseExit(Effect.scoped(effect))
  if (Exit.isSuccess(exit)) return 0
  const failure = Cause.failureOption(exit.cause)
  if (failure._tag === "Some") {
    const e = failure.value as { message?: unknown }
    process.stderr.write(`${typeof e?.message === "string" && e.message ? e.message : String(failure.value)}\n`)
  } else if (!Cause.isInterruptedOnly(exit.cause)) {
    process.stderr.write(`${Cause.pretty(exit.cause)}\n`)
  }
  return 1
}
