import { TaxYearReset } from "@kas/core"
import { defineJob, JobFailed } from "@kas/jobs"
import { Effect, Schema } from "effect"
import { PrismeJobSettings } from "./prismeJobs.js"

const StatusResult = Schema.Struct({ status: Schema.String, message: Schema.String })

/** The refusal of a job type outside the environments where it exists (checked again inside the job). */
const refuse = (message: string) => Effect.fail(new JobFailed({ message, result: { error: message } }))

/**
 * "Reset data for skatteår" (jobs.md §8.15; development and staging only, refused in production even when
 * enqueued): deletes the tax year and everything that depends on it, in one transaction.
 */
export const ResetTaxYearJob = defineJob({
  key: "ResetTaxYear",
  label: "Reset data for skatteår",
  params: Schema.Struct({ year_pk: Schema.Int.pipe(Schema.positive()).annotations({ title: "Skatteår" }) }),
  result: StatusResult,
  run: (params, ctx) =>
    Effect.gen(function* () {
      const { environment } = yield* PrismeJobSettings
      if (environment === "production") return yield* refuse("Reset data for skatteår må ikke køre i produktion")
      const reset = yield* (yield* TaxYearReset).reset(params.year_pk, ctx.createdBy)
      return { status: "Færdig", message: `Skatteår ${reset.year} er nulstillet` }
    }).pipe(Effect.catchAll((e) => (e instanceof JobFailed ? Effect.fail(e) : refuse(e.message))))
})
