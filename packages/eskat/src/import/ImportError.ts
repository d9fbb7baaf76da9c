import { Data } from "effect"

/** An import could not run or had to stop: missing tax year, a value the rules cannot use. The message is for staff. */
export class ImportError extends Data.TaggedError("ImportError")<{
  readonly message: string
  readonly cause?: unknown
}> {}
