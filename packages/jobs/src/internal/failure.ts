import { Cause, Data, Option } from "effect"
import { JobFailed } from "../JobError.js"

/** The job ran longer than its type's timeout. */
export class JobTimedOut extends Data.TaggedError("JobTimedOut")<{ readonly seconds: number }> {
  override get message() {
    return `Jobbet overskred tidsgrænsen på ${this.seconds} sekunder`
  }
}

/** How a failed run is recorded: the failure text, a result to keep, and whether a retry may help. */
export interface FailureRecord {
  readonly failure: string
  readonly result: unknown | undefined
  readonly retryable: boolean
}

/**
 * The failure text of a run: a deliberate `JobFailed` or a timeout by its message; anything else as the pretty Cause
 * with stack.
 */
export const describe = (cause: Cause.Cause<unknown>): FailureRecord => {
  const failure = Cause.failureOption(cause)
  if (Option.isSome(failure) && failure.value instanceof JobFailed) {
    return { failure: failure.value.message, result: failure.value.result, retryable: false }
  }
  if (Option.isSome(failure) && failure.value instanceof JobTimedOut) {
    return { failure: failure.value.message, result: undefined, retryable: true }
  }
  if (Cause.isInterruptedOnly(cause))
    return { failure: "Jobbet blev afbrudt (interrupted)", result: undefined, retryable: true }
  return { failure: Cause.pretty(cause, { renderErrorCause: true }), result: undefined, retryable: true }
}
