/**
 * The first `npm start` on an empty database: imports the generated mock eSkat data into KAS — the census and R75 of
 * the recent years — through the jobs the scheduler and the staff use (`ImportMandtalJob`, `ImportR75Job`), run here
 * by the job runtime before the servers start, so that the default citizen and the staff pages show real persons,
 * policies and amounts. The jobs stay on /worker/ like any other. A database that holds persons, or where a census
 * import was ever enqueued, is left alone: a second start imports nothing (an interrupted first import is finished
 * by the worker, whose queue still holds it).
 */
import { Persons } from "@kas/core"
import { mandtalTitle, r75Title } from "@kas/eskat"
import { isEnded, JobStore, type JobRecord, Worker } from "@kas/jobs"
import { Data, Duration, Effect } from "effect"
import { ImportMandtalJob, ImportR75Job } from "../jobs/importJobs.js"
import { registryFor } from "../jobs/registry.js"

/** The years imported on a first start: the year before last, last year (the self-service year) and this year. */
export const firstStartYears = (today: Date): ReadonlyArray<number> => {
  const year = today.getUTCFullYear()
  return [year - 2, year - 1, year]
}

/** A first-start import job failed or was cancelled (its dependants fail with it). */
export class FirstStartImportFailed extends Data.TaggedError("FirstStartImportFailed")<{ readonly message: string }> {}

/** What the first-start step did. */
export type FirstStartOutcome =
  | { readonly _tag: "Skipped" }
  | { readonly _tag: "Imported"; readonly jobs: ReadonlyArray<JobRecord> }

/** A console line per job when it starts, passes each tenth of its progress, and ends. */
export const progressReporter = (log: (line: string) => void) => {
  const seen = new Map<string, string>()
  return (job: JobRecord) => {
    const step = job.status === "running" ? `${Math.floor(job.progress / 10) * 10} %` : job.status
    if (job.status === "queued" || job.status === "deferred" || seen.get(job.id) === step) return
    seen.set(job.id, step)
    log(`${job.title ?? job.type}: ${step}`)
  }
}

/**
 * Imports census and R75 of `years` (each year's census before its R75, the years in order) when KAS holds no person
 * and no census import was ever enqueued; logs progress; fails when a job fails.
 */
export const importOnFirstStart = (options: {
  readonly years: ReadonlyArray<number>
  readonly environment: Parameters<typeof registryFor>[0]
  readonly jobTimeoutSeconds: number
  readonly log: (line: string) => void
}) =>
  Effect.gen(function* () {
    const store = yield* JobStore
    const empty = yield* Effect.flatMap(Persons, (p) => p.isEmpty())
    if (!empty || (yield* store.hasJobOfType(ImportMandtalJob.key))) return { _tag: "Skipped" } as FirstStartOutcome
    options.log(`first start: importing the mock eSkat data of ${options.years.join(", ")} into KAS …`)
    const ids: Array<string> = []
    for (const year of options.years) {
      const after = ids.slice(-1)
      const census = yield* store.enqueue(
        ImportMandtalJob,
        { year },
        {
          createdBy: "scheduler",
          title: mandtalTitle(year),
          dependsOn: after
        }
      )
      ids.push(census)
      ids.push(
        yield* store.enqueue(
          ImportR75Job,
          { year },
          { createdBy: "scheduler", title: r75Title(year), dependsOn: [census] }
        )
      )
    }
    yield* Worker.start({
      registry: registryFor(options.environment),
      concurrency: 1,
      onlyJobs: ids,
      workerId: `first-start/${process.pid}`,
      defaultTimeout: Duration.seconds(options.jobTimeoutSeconds),
      pollInterval: "200 millis",
      gracePeriod: "1 second"
    })
    const report = progressReporter(options.log)
    for (;;) {
      const jobs = yield* Effect.forEach(ids, (id) => store.get(id))
      jobs.forEach(report)
      if (jobs.every((j) => isEnded(j.status))) {
        const failed = jobs.find((j) => j.status !== "finished")
        const message = failed && `${failed.title ?? failed.type} ${failed.status}: ${failed.failure}`
        if (message) return yield* new FirstStartImportFailed({ message })
        return { _tag: "Imported", jobs } as FirstStartOutcome
      }
      yield* Effect.sleep("500 millis")
    }
  }).pipe(Effect.scoped, Effect.provide(Persons.Default))
