import { Cpr, NotFound, Persons, TaxYears } from "@kas/core"
import { type JobRecord, JobStore } from "@kas/jobs"
import { Effect, Schema } from "effect"
import { ImportMandtalJob, updateFromCensus } from "../jobs/importJobs.js"
import { personYearPath } from "./personYear.js"

/**
 * "Opdater data fra mandtal" (staff-web.md §6.2): the census import of one person's year, and its waiting page
 * ("Venter på opdatering af mandtal") with the three outcomes.
 */

/** How long the waiting page waits for the job (staff-web.md §6.2). */
export const WAIT_SECONDS = 60

/** How often the waiting page checks the job. */
export const POLL_SECONDS = 2

/** The messages of the outcomes. */
export const censusMessages = {
  finished: "Mandtal opdateret",
  failed: "Opdatering af mandtal fejlede",
  timeoutTitle: "Tidsfrist udløbet",
  timeout: `Det lykkedes ikke at opdatere mandtal inden for ${WAIT_SECONDS} sekunder.`,
  back: "Klik her for at vende tilbage til personskatteåret."
} as const

/** Starts the import for a person-year (by id), created by the user; the job id. */
export const startCensusRefresh = (personTaxYearId: number, createdBy: string) =>
  Effect.gen(function* () {
    const persons = yield* Persons
    const personYear = yield* persons.getPersonTaxYear(personTaxYearId)
    const person = yield* persons.get(personYear.person_id)
    const taxYear = yield* Effect.flatMap(TaxYears, (t) => t.get(personYear.tax_year_id))
    return yield* updateFromCensus({ year: taxYear.year, cpr: person.cpr, createdBy })
  })

const decodeArguments = Schema.decodeUnknownOption(Schema.Struct({ year: Schema.Number, cpr: Cpr }))

/** The census job of a waiting page and the person-year page it returns to (404 for any other job). */
export const loadCensusJob = (jobId: string) =>
  Effect.gen(function* () {
    const job = yield* Effect.flatMap(JobStore, (s) => s.get(jobId))
    const args = decodeArguments(job.arguments)
    if (job.type !== ImportMandtalJob.key || args._tag === "None") {
      return yield* Effect.fail(NotFound.of("Mandtalsopdatering", jobId))
    }
    const person = yield* Effect.flatMap(Persons, (p) => p.getByCpr(args.value.cpr))
    return { job, back: personYearPath(args.value.year, person.id) }
  })

/** Where a census job stands for its waiting page. */
export type CensusOutcome = "finished" | "failed" | "timeout" | "waiting"

/** finished; failed (or cancelled); still unfinished more than WAIT_SECONDS after it was started: timeout. */
export const censusOutcome = (job: Pick<JobRecord, "status" | "createdAt">, now: Date): CensusOutcome =>
  job.status === "finished"
    ? "finished"
    : job.status === "failed" || job.status === "cancelled"
      ? "failed"
      : now.getTime() - job.createdAt.getTime() > WAIT_SECONDS * 1000
        ? "timeout"
        : "waiting"

/** The waiting page's view (waiting or timed out). */
export const censusWaitView = (jobId: string, back: string, outcome: "timeout" | "waiting") => ({
  title: outcome === "timeout" ? censusMessages.timeoutTitle : "Venter på opdatering af mandtal",
  outcome,
  poll: `/wait_for_mandtal_update/${jobId}/?poll=1`,
  self: `/wait_for_mandtal_update/${jobId}/`,
  pollEvery: `every ${POLL_SECONDS}s`,
  back,
  messages: censusMessages
})
