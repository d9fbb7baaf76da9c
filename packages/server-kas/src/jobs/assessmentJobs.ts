import { Assessment, autoligningTitle } from "@kas/core"
import { defineJob, JobFailed } from "@kas/jobs"
import { Effect, Schema } from "effect"

const YearPk = Schema.Int.pipe(Schema.positive()).annotations({ title: "Skatteår" })

/** The result of Autoligning (summary kind `autoligning`, jobs.md §7). */
const AutoligningResult = Schema.Struct({
  autolignet: Schema.Number,
  post_processing: Schema.Number,
  total: Schema.Number
})

/** The result of the status-kind jobs. */
const StatusResult = Schema.Struct({ status: Schema.String, message: Schema.String })

/** A refused precondition fails the job with its message also in `result.error` (jobs.md §3.4, §7). */
export const failVisibly = <A, R>(effect: Effect.Effect<A, { readonly message: string } | JobFailed, R>) =>
  effect.pipe(
    Effect.catchAll((e) =>
      e instanceof JobFailed
        ? Effect.fail(e)
        : Effect.fail(new JobFailed({ message: e.message, result: { error: e.message } }))
    )
  )

/**
 * "Kør autoligning" (jobs.md §8.1): only in `selvangivelse`; decides slutlignet / efterbehandling, snapshots and
 * recalculates every active policy, moves the year to `ligning`.
 */
export const AutoligningJob = defineJob({
  key: "Autoligning",
  label: autoligningTitle,
  params: Schema.Struct({ year_pk: YearPk }),
  result: AutoligningResult,
  run: (params, ctx) =>
    failVisibly(
      Effect.flatMap(Assessment, (assessment) =>
        assessment.autoligning(params.year_pk, ctx.createdBy, (done, total) => ctx.progress(done, total))
      )
    )
})

/** "Forcering af slutligning på alle udestående policer" (jobs.md §8.5): any period. */
export const ForceFinalizeJob = defineJob({
  key: "ForceFinalize",
  label: "Forcering af slutligning på alle udestående policer",
  params: Schema.Struct({ year_pk: YearPk }),
  result: StatusResult,
  run: (params, ctx) =>
    failVisibly(
      Effect.flatMap(Assessment, (assessment) =>
        assessment.forceFinalize(params.year_pk, ctx.createdBy, (done, total) => ctx.progress(done, total))
      ).pipe(Effect.map((n) => ({ status: "Færdig", message: `Slutlignede ${n} policer` })))
    )
})
