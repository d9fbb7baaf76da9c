import { Effect, Exit, Runtime, type Scope } from "effect"
import cron from "node-cron"
import type { JobDefinition } from "./JobDefinition.js"
import { JobStore } from "./JobStore.js"

/** The user cron jobs are created by. */
export const SCHEDULER_USER = "scheduler"

/** One cron entry: enqueue a job, or run a quick task in the scheduler itself. */
export type ScheduleEntry<R> =
  | {
      /** Unique name; with the fire time it identifies a tick across all schedulers. */
      readonly name: string
      /** A node-cron expression (5 fields, or 6 with seconds), interpreted in `timezone`. */
      readonly cron: string
      /** The job to enqueue at each tick, with params computed at the tick. */
      readonly enqueue: ScheduledJob
    }
  | {
      readonly name: string
      readonly cron: string
      /** A quick task run by whichever scheduler wins the tick. */
      readonly task: (fireTime: Date) => Effect.Effect<void, unknown, R>
    }

/** A job and its params for one tick (type-erased pairing made by `scheduledJob`). */
export interface ScheduledJob {
  readonly key: string
  readonly enqueue: (store: JobStore, fireTime: Date) => Effect.Effect<string, unknown>
}

/** Pairs a job definition with the params to use at a tick. */
export const scheduledJob = <P, PI, A, AI, E, R>(
  job: JobDefinition<P, PI, A, AI, E, R>,
  params: (fireTime: Date) => P,
  title?: (fireTime: Date) => string
): ScheduledJob => ({
  key: job.key,
  enqueue: (store, fireTime) =>
    store.enqueue(job, params(fireTime), { createdBy: SCHEDULER_USER, title: title?.(fireTime) })
})

/** Options of a scheduler process. */
export interface SchedulerOptions<R> {
  readonly schedules: ReadonlyArray<ScheduleEntry<R>>
  /** Time zone of the cron expressions (default UTC). */
  readonly timezone?: string
}

/**
 * Starts node-cron tasks for every entry in the current scope. Each tick first inserts (schedule, fire time) into
 * `jobs.schedule_run`; only the scheduler whose insert succeeds enqueues, so a tick runs once however many
 * schedulers there are. A tick missed while no scheduler ran is skipped, not caught up.
 */
export const start = <R = never>(
  options: SchedulerOptions<R>
): Effect.Effect<void, never, Scope.Scope | JobStore | R> =>
  Effect.gen(function* () {
    const store = yield* JobStore
    const runtime = yield* Effect.runtime<R>()
    const tick = (entry: ScheduleEntry<R>, fireTime: Date) =>
      Effect.gen(function* () {
        const claim = store.claimTick(entry.name, fireTime)
        if ("enqueue" in entry) {
          // The tick's row, its job and the link between them commit together: a scheduler stopped or failing
          // half-way leaves no tick without its job (another scheduler waiting on the same row then takes the tick).
          const { enqueue } = entry
          const id = yield* store.transaction(
            Effect.gen(function* () {
              if (!(yield* claim)) return undefined
              const id = yield* enqueue.enqueue(store, fireTime)
              yield* store.linkTick(entry.name, fireTime, id)
              return id
            })
          )
          if (id !== undefined) yield* Effect.logInfo(`${entry.name}: enqueued ${enqueue.key} ${id}`)
        } else {
          if (!(yield* claim)) return
          yield* entry.task(fireTime)
          yield* Effect.logInfo(`${entry.name}: ran`)
        }
      }).pipe(
        Effect.catchAllCause((cause) => Effect.logError(`${entry.name} at ${fireTime.toISOString()} failed`, cause)),
        Effect.annotateLogs({ schedule: entry.name })
      )

    const tasks = options.schedules.map((entry) => {
      if (!cron.validate(entry.cron)) throw new Error(`Invalid cron expression for ${entry.name}: ${entry.cron}`)
      return cron.schedule(
        entry.cron,
        async (context) => {
          const fireTime = new Date(Math.floor(context.date.getTime() / 1000) * 1000)
          const exit = await Runtime.runPromiseExit(runtime)(tick(entry, fireTime))
          if (Exit.isFailure(exit)) return
        },
        { timezone: options.timezone ?? "UTC", name: entry.name, noOverlap: false }
      )
    })
    yield* Effect.addFinalizer(() =>
      Effect.promise(async () => {
        for (const t of tasks) await t.destroy()
      })
    )
    yield* Effect.logInfo(`scheduler started: ${options.schedules.map((s) => `${s.name} (${s.cron})`).join(", ")}`)
  })
