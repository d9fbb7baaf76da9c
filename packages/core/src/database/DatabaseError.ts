import { Data } from "effect"

/** The database could not be used: unreachable, behind on migrations, or not configured. */
export class DatabaseError extends Data.TaggedError("DatabaseError")<{
  readonly reason: "unreachable" | "behind" | "not-configured" | "embedded" | "migration"
  readonly message: string
  readonly cause?: unknown
}> {}
