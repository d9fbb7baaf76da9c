import { DomainData, TaxYearReset, TaxYears } from "@kas/core"
import { MockData, mandtalTitle, r75Title } from "@kas/eskat"
import { defineJob, JobFailed } from "@kas/jobs"
import { Effect, Schema } from "effect"
import { ImportMandtalJob, ImportR75Job } from "./importJobs.js"
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

/** The first year the sample data covers (eskat.md §6.3); the last is the current year. */
export const SAMPLE_FROM_YEAR = 2010

/**
 * "Generate sample data" (jobs.md §8.12; development only, refused elsewhere even when enqueued): empties the domain,
 * the eSkat mock and the imported rows, creates the companies and tax years, generates the mock data (the scenarios
 * plus `persons` bulk persons from `seed`), and starts per tax year a census import child (after this job) and an R75
 * import child (after that census import).
 */
export const GenerateSampleDataJob = defineJob({
  key: "GenerateSampleData",
  label: "Generate sample data",
  params: Schema.Struct({
    persons: Schema.optionalWith(
      Schema.Int.pipe(Schema.greaterThanOrEqualTo(0)).annotations({
        title: "Personer",
        description: "Antal genererede personer ud over de faste scenarier",
        default: 0
      }),
      { default: () => 0 }
    ),
    seed: Schema.optionalWith(Schema.Int.annotations({ title: "Seed", default: 1 }), { default: () => 1 })
  }),
  result: StatusResult,
  run: (params, ctx) =>
    Effect.gen(function* () {
      const { environment } = yield* PrismeJobSettings
      if (environment !== "development") return yield* refuse("Generate sample data kører kun i development")
      const currentYear = new Date().getUTCFullYear()
      yield* (yield* DomainData).wipe()
      yield* MockData.clearMockAndImported
      yield* ctx.progress(20)
      const generated = yield* MockData.fillMockTables({
        persons: params.persons,
        seed: params.seed,
        fromYear: SAMPLE_FROM_YEAR,
        toYear: currentYear
      })
      yield* ctx.progress(70)
      yield* MockData.ensureTaxYearsAndCompanies(generated.years, currentYear)
      const years = (yield* (yield* TaxYears).list()).map((y) => y.year).sort((a, b) => a - b)
      for (const year of years) {
        const census = yield* ctx.spawnChild(
          ImportMandtalJob,
          { year },
          { title: mandtalTitle(year), dependsOn: [ctx.jobId] }
        )
        yield* ctx.spawnChild(ImportR75Job, { year }, { title: r75Title(year), dependsOn: [census] })
      }
      return {
        status: "Færdig",
        message:
          `Genererede ${generated.persons} personer, ${generated.census} mandtal-rækker ` +
          `og ${generated.r75} R75-rækker`
      }
    }).pipe(Effect.catchAll((e) => (e instanceof JobFailed ? Effect.fail(e) : refuse(e.message))))
})
