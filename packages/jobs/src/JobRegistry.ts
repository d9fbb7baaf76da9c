import { Effect, Option } from "effect"
import type { JobType } from "./JobDefinition.js"
import { UnknownJobType } from "./JobError.js"

/** The job types a process knows, by key. `R` is what their `run` effects need. */
export interface JobRegistry<R = never> {
  readonly types: ReadonlyArray<JobType<R>>
  readonly keys: ReadonlyArray<string>
  readonly get: (key: string) => Option.Option<JobType<R>>
  /** The type, or `UnknownJobType`. */
  readonly require: (key: string) => Effect.Effect<JobType<R>, UnknownJobType>
}

/** Builds a registry; a key registered twice is a programming error and throws. */
export const make = <R>(types: ReadonlyArray<JobType<R>>): JobRegistry<R> => {
  const byKey = new Map<string, JobType<R>>()
  for (const t of types) {
    if (byKey.has(t.key)) throw new Error(`Job type '${t.key}' is registered twice`)
    byKey.set(t.key, t)
  }
  const get = (key: string) => Option.fromNullable(byKey.get(key))
  return {
    types,
    keys: [...byKey.keys()],
    get,
    require: (key) =>
      Option.match(get(key), { onNone: () => Effect.fail(new UnknownJobType({ key })), onSome: Effect.succeed })
  }
}
