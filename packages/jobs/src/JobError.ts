import { Data, Schema } from "effect"

/** A job ends as failed on purpose (e.g. a precondition), with a message and optionally a result to keep. */
export class JobFailed extends Schema.TaggedError<JobFailed>()("JobFailed", {
  message: Schema.String,
  result: Schema.optional(Schema.Record({ key: Schema.String, value: Schema.Unknown }))
}) {}

/** No job type is registered under `key` (a 404 on the web, exit 2 on the CLI). */
export class UnknownJobType extends Schema.TaggedError<UnknownJobType>()("UnknownJobType", {
  key: Schema.String
}) {
  override get message() {
    return `Unknown job type '${this.key}'`
  }
}

/** One field of a job's parameters that did not validate. `field` is the dotted path ("" for the whole object). */
export interface FieldError {
  readonly field: string
  readonly kind: "missing" | "invalid" | "unexpected"
  /** The validation message: the schema's own message annotation when it has one, else Effect's (English) text. */
  readonly message: string
}

/** The parameters of a job did not match its schema; nothing was enqueued. */
export class InvalidParams extends Data.TaggedError("InvalidParams")<{
  readonly jobType: string
  readonly errors: ReadonlyArray<FieldError>
}> {
  override get message() {
    const fields = this.errors.map((e) => `${e.field || "(params)"}: ${e.message}`)
    return `Invalid parameters for ${this.jobType}: ${fields.join("; ")}`
  }
}

/** No job with this id. */
export class JobNotFound extends Schema.TaggedError<JobNotFound>()("JobNotFound", { id: Schema.String }) {
  override get message() {
    return `No job ${this.id}`
  }
}

/** The job store could not be used (a database error). */
export class JobStoreError extends Data.TaggedError("JobStoreError")<{
  readonly reason: "query" | "listen" | "decode"
  readonly message: string
  readonly cause?: unknown
}> {}

/** This worker no longer holds the job's claim (taken over after a lost lease, or cancelled): it must stop. */
export class ClaimLost extends Data.TaggedError("ClaimLost")<{ readonly jobId: string }> {
  override get message() {
    return `The claim on job ${this.jobId} was lost (cancelled or taken over by another worker)`
  }
}
