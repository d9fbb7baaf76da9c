import { Duration, Effect, Either, Schema } from "effect"
import type { FieldError } from "./JobError.js"
import { JobFailed } from "./JobError.js"
import * as Params from "./Params.js"
import type { JobContext } from "./JobContext.js"

/** Options of one job type; `run` gets the decoded params and the job context and returns the result. */
export interface JobOptions<P, PI, A, AI, E, R> {
  /** The stable key stored in each job row (e.g. `ImportMandtalJob`). */
  readonly key: string
  /** The human label (shown where the job has no title). */
  readonly label: string
  /** Parameters; their encoded form is the job's `arguments` JSON. Annotate fields with `title`/`description`. */
  readonly params: Schema.Schema<P, PI, never>
  /** The result; its encoded form is the job's `result` JSON. Defaults to any JSON value. */
  readonly result?: Schema.Schema<A, AI, never>
  /** Longest run before the fiber is interrupted and the job failed (default: the worker's `defaultTimeout`). */
  readonly timeout?: Duration.DurationInput
  /** Extra attempts after a failure or a lost worker, after 2^attempt seconds (default 0: the job fails). */
  readonly retries?: number
  readonly run: (params: P, ctx: JobContext) => Effect.Effect<A, E, R>
}

/** The type-erased view of a job type the registry and the worker work with. */
export interface JobType<R = never> {
  readonly key: string
  readonly label: string
  readonly paramsSchema: Schema.Schema.AnyNoContext
  readonly timeout: Duration.Duration | undefined
  readonly maxAttempts: number
  /** The parameter fields (for forms and the command line). */
  readonly fields: ReadonlyArray<Params.ParamField>
  /** Validates structured input; returns the encoded arguments to store. */
  readonly validate: (input: unknown) => Either.Either<unknown, ReadonlyArray<FieldError>>
  /** Validates text input (form fields, command-line options); returns the encoded arguments to store. */
  readonly validateStrings: (
    input: Readonly<Record<string, string | undefined>>
  ) => Either.Either<unknown, ReadonlyArray<FieldError>>
  /** Decodes stored arguments, runs the job, encodes its result. */
  readonly execute: (args: unknown, ctx: JobContext) => Effect.Effect<unknown, unknown, R>
}

/** A job type with its typed parameters, as returned by `defineJob`. */
export interface JobDefinition<P, PI, A, AI, E, R> extends JobType<R> {
  readonly params: Schema.Schema<P, PI, never>
  readonly result: Schema.Schema<A, AI, never>
  readonly run: (params: P, ctx: JobContext) => Effect.Effect<A, E, R>
  /** Encodes typed params to the stored `arguments` (for enqueueing from code). */
  readonly encodeParams: (params: P) => Effect.Effect<PI, JobFailed>
}

const Json = Schema.Unknown as unknown as Schema.Schema<never, unknown, never>

/** Defines a job type. */
export const defineJob = <P, PI, A = unknown, AI = unknown, E = never, R = never>(
  options: JobOptions<P, PI, A, AI, E, R>
): JobDefinition<P, PI, A, AI, E, R> => {
  const result = options.result ?? (Json as unknown as Schema.Schema<A, AI, never>)
  const encodeArgs = (p: P) => Schema.encodeEither(options.params)(p)
  // Made once: the worker decodes and encodes for every job it runs.
  const decodeStored = Schema.decodeUnknown(options.params)
  const encodeResult = Schema.encode(result)
  return {
    key: options.key,
    label: options.label,
    params: options.params,
    result,
    run: options.run,
    paramsSchema: options.params as Schema.Schema.AnyNoContext,
    timeout: options.timeout === undefined ? undefined : Duration.decode(options.timeout),
    maxAttempts: 1 + Math.max(0, Math.floor(options.retries ?? 0)),
    fields: Params.fields(options.params as Schema.Schema.AnyNoContext),
    validate: (input) =>
      Params.decode(options.params, input).pipe(
        Either.flatMap((p) => encodeArgs(p).pipe(Either.mapLeft(encodeErrors)))
      ),
    validateStrings: (input) =>
      Params.decodeStrings(options.params, input).pipe(
        Either.flatMap((p) => encodeArgs(p).pipe(Either.mapLeft(encodeErrors)))
      ),
    encodeParams: (p) =>
      Schema.encode(options.params)(p).pipe(
        Effect.mapError((e) => new JobFailed({ message: `Invalid parameters for ${options.key}: ${e.message}` }))
      ),
    execute: (args, ctx) =>
      decodeStored(args).pipe(
        Effect.mapError(
          (e) =>
            new JobFailed({ message: `The stored arguments do not match ${options.key}'s parameters:\n${e.message}` })
        ),
        Effect.flatMap((p) => options.run(p, ctx)),
        Effect.flatMap((a) =>
          encodeResult(a).pipe(
            Effect.mapError(
              (e) => new JobFailed({ message: `The result of ${options.key} does not encode:\n${e.message}` })
            )
          )
        )
      )
  }
}

const encodeErrors = (e: { message: string }): ReadonlyArray<FieldError> => [
  { field: "", kind: "invalid", message: e.message }
]
