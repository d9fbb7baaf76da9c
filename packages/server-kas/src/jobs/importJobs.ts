import { ImportMandtal, ImportR75, ImportResult, mandtalTitle, r75Title } from "@kas/eskat"
import { defineJob, JobStore, Scheduler } from "@kas/jobs"
import { Cpr as DomainCpr } from "@kas/core"
import { Effect, Schema } from "effect"

const Year = Schema.Int.pipe(Schema.between(2000, 2100)).annotations({ title: "Skatteår" })
const Cpr = DomainCpr.annotations({ title: "CPR-nummer" })

/** How the job page renders these results (jobs.md §7): grouped "label: value" rows from `result.summary`. */
export const importResultKind = "summary" as const

/** "Import af mandtal" (jobs.md §8.3): a year's census from eSkat, optionally for one CPR. */
export const ImportMandtalJob = defineJob({
  key: "ImportMandtalJob",
  label: "Import af mandtal",
  params: Schema.Struct({ year: Year, cpr: Schema.optional(Cpr) }),
  result: ImportResult,
  run: (params, ctx) =>
    Effect.gen(function* () {
      yield* ctx.setTitle(mandtalTitle(params.year, params.cpr)).pipe(Effect.ignore)
      const importer = yield* ImportMandtal
      return yield* importer.run({
        year: params.year,
        cpr: params.cpr,
        author: ctx.createdBy,
        progress: (percent) => ctx.progress(percent)
      })
    })
})

/** "Import af data fra R75" (jobs.md §8.4): a year's R75 returns from eSkat. */
export const ImportR75Job = defineJob({
  key: "ImportR75Job",
  label: "Import af data fra R75",
  params: Schema.Struct({ year: Year }),
  result: ImportResult,
  run: (params, ctx) =>
    Effect.gen(function* () {
      yield* ctx.setTitle(r75Title(params.year)).pipe(Effect.ignore)
      const importer = yield* ImportR75
      return yield* importer.run({
        year: params.year,
        author: ctx.createdBy,
        progress: (percent) => ctx.progress(percent)
      })
    })
})

/** Monthly census import for the current calendar year (jobs.md §9: 5th of the month, 20:13 UTC, as `scheduler`). */
export const importMandtalSchedule: Scheduler.ScheduleEntry<never> = {
  name: "import-mandtal-monthly",
  cron: "13 20 5 * *",
  enqueue: Scheduler.scheduledJob(
    ImportMandtalJob,
    (fireTime) => ({ year: fireTime.getUTCFullYear() }),
    (fireTime) => mandtalTitle(fireTime.getUTCFullYear())
  )
}

/**
 * "Opdater data fra mandtal" (staff-web.md §6.2) for the person page: enqueues the census import of one person's
 * year, created by the staff user; returns the job id to link to.
 */
export const updateFromCensus = (request: {
  readonly year: number
  readonly cpr: DomainCpr
  readonly createdBy: string
}) =>
  Effect.flatMap(JobStore, (store) =>
    store.enqueue(
      ImportMandtalJob,
      { year: request.year, cpr: request.cpr },
      { createdBy: request.createdBy, title: mandtalTitle(request.year, request.cpr) }
    )
  )
