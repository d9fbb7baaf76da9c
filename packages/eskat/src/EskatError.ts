import { Data } from "effect"

/** eSkat could not be read: not reachable, login refused, a query failed, or it took too long. */
export class EskatError extends Data.TaggedError("EskatError")<{
  readonly reason: "unreachable" | "login-refused" | "query" | "timeout" | "not-configured"
  readonly message: string
  readonly cause?: unknown
}> {}
