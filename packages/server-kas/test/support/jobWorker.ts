import { type JobRecord, JobRegistry, JobStore, type JobType, Worker } from "@kas/jobs"
import { Effect, Exit, Scope } from "effect"
import type { AppServices } from "../../src/runtime.js"
import type { KasWeb } from "../support.js"

/** A worker in the test's process, on kas web's runtime (its database and services), for the given job types. */
export interface TestWorker {
  /** Waits until the job has ended and returns it. */
  readonly ended: (id: string) => Promise<JobRecord>
  readonly stop: () => Promise<void>
}

/** Starts a worker for `jobs` on the services of a started kas web (the job types must need no others). */
export const startTestWorker = async (web: KasWeb, jobs: ReadonlyArray<JobType<AppServices>>): Promise<TestWorker> => {
  const scope = Effect.runSync(Scope.make())
  await web.runtime.runPromise(
    Worker.start({
      registry: JobRegistry.make(jobs),
      concurrency: 2,
      pollInterval: "100 millis",
      progressInterval: "50 millis",
      gracePeriod: "1 second"
    }).pipe(Scope.extend(scope))
  )
  return {
    ended: (id) =>
      web.runtime.runPromise(
        Effect.flatMap(JobStore, (s) => s.awaitEnded([id], "100 millis")).pipe(Effect.map((js) => js[0]!))
      ),
    stop: () => web.runtime.runPromise(Scope.close(scope, Exit.void))
  }
}
