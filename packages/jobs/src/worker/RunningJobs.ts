import { Cause, Duration, Effect, Exit, Fiber, FiberId, FiberRef, FiberRefs, HashMap, type Runtime } from "effect"
import type { JobContext } from "../JobContext.js"
import type { JobType } from "../JobDefinition.js"

/** A job claimed by this worker (a row of `jobs.cycle` with `claimed` true). */
export interface ClaimRow {
  readonly id: string
  readonly type: string
  readonly arguments: unknown
  readonly claim_token: string
  readonly attempts: number
  readonly max_attempts: number
  readonly created_by: string
}

/** One running job: its claim, its fiber and timer, and what became of it. */
export interface Entry<R = unknown> {
  readonly id: string
  readonly token: string
  readonly key: string
  readonly timeoutMs: number
  /** Runs in the job's fiber, forked from the worker's runtime (with `R`). */
  readonly execute: (args: unknown, ctx: JobContext) => Effect.Effect<unknown, unknown, R>
  /** Made when the job first asks for its `signal`. */
  controller: AbortController | undefined
  fiber: Fiber.RuntimeFiber<unknown, unknown> | undefined
  timer: ReturnType<typeof setTimeout> | undefined
  /** The timer interrupted the job. */
  timedOut: boolean
  /** The run returned; its completion is queued. */
  done: boolean
  /** The claim is gone (cancelled, taken over, or handed back by `resumeAfter`): the row is not this run's now. */
  lost: boolean
  /** Put back in the queue by a drain. */
  released: boolean
  pendingProgress: { progress: number; done: number | null; total: number | null } | undefined
}

/** What the registry needs from the worker. */
export interface RunningJobsOptions<R> {
  readonly types: ReadonlyArray<JobType<R>>
  /** Timeout of job types without their own. */
  readonly defaultTimeout: Duration.Duration
  /** Forks a job's fiber (from the worker's runtime: its context and fiber refs, no parent). */
  readonly runFork: <A, E>(effect: Effect.Effect<A, E, R>, options?: Runtime.RunForkOptions) => Fiber.RuntimeFiber<A, E>
  /** The context a job runs with. */
  readonly context: (entry: Entry<R>, row: ClaimRow) => JobContext
  /** A run ended on its own (not lost, not released): its result is this worker's to write. */
  readonly complete: (entry: Entry<R>, row: ClaimRow, exit: Exit.Exit<unknown, unknown>) => void
  /** A slot is free again (after every end, `complete` or not). */
  readonly freed: () => void
  readonly log: (message: string, extra?: Record<string, unknown>) => Effect.Effect<void>
}

/** The jobs this worker runs, by id: started from claims, ended by their fibers, lost or released from outside. */
export interface RunningJobs<R> {
  /** Jobs whose fiber runs now (the slots taken). */
  readonly active: () => number
  /** Jobs known, also those whose result is not yet written. */
  readonly size: () => number
  readonly get: (id: string) => Entry<R> | undefined
  /** Running jobs still held by this worker (not done, lost or released). */
  readonly live: () => Array<Entry<R>>
  /** Starts a claimed job in its own fiber, which runs at once (a no-op job ends before `launch` returns). */
  readonly launch: (row: ClaimRow) => void
  /** Forgets a job whose result was written. */
  readonly remove: (id: string) => void
  /** Marks jobs whose claim is gone and interrupts them: no result will be written for them. */
  readonly lose: (ids: ReadonlyArray<string>) => Effect.Effect<void>
  /** Marks jobs released (drain) and interrupts them, waiting for their fibers to end. */
  readonly release: (list: ReadonlyArray<Entry<R>>) => Effect.Effect<void>
}

/** Longest timeout `setTimeout` allows (24.8 days): longer means no timeout. */
const MAX_TIMER_MS = 2_147_483_647

/** The registry of a worker's running jobs. */
export const make = <R>(options: RunningJobsOptions<R>): RunningJobs<R> => {
  const { runFork, context, complete, freed, log } = options
  const typeByKey = new Map(options.types.map((t) => [t.key, t]))
  const entries = new Map<string, Entry<R>>()
  let active = 0

  /** The end of a job's fiber (its observer, called synchronously when the fiber exits). */
  const finish = (entry: Entry<R>, row: ClaimRow, exit: Exit.Exit<unknown, unknown>) => {
    if (entry.timer !== undefined) clearTimeout(entry.timer)
    active--
    if (Exit.isFailure(exit) && Cause.isInterruptedOnly(exit.cause)) entry.controller?.abort()
    if (entry.lost || entry.released) {
      entries.delete(entry.id) // interrupted from outside: the row is not ours to write, no completion will come
    } else {
      entry.done = true
      complete(entry, row, exit)
    }
    freed()
  }

  /**
   * Its timeout is a plain timer that interrupts the fiber (`Effect.timeout` forks a fiber and a race per job);
   * `complete` then sees `timedOut` and records the timeout as the failure.
   */
  const launch = (row: ClaimRow) => {
    const type = typeByKey.get(row.type)
    if (type === undefined) return // filtered by the claim; cannot happen
    const entry: Entry<R> = {
      id: row.id,
      token: row.claim_token,
      key: type.key,
      timeoutMs: Duration.toMillis(type.timeout ?? options.defaultTimeout),
      execute: type.execute,
      controller: undefined,
      fiber: undefined,
      timer: undefined,
      timedOut: false,
      done: false,
      lost: false,
      released: false,
      pendingProgress: undefined
    }
    entries.set(entry.id, entry)
    active++
    // The job's logs are annotated with its id and type: set in the new fiber's refs (no `annotateLogs` per job).
    const fiber = runFork(entry.execute(row.arguments, context(entry, row)), {
      updateRefs: (refs, fiberId) =>
        FiberRefs.updateAs(refs, {
          fiberId,
          fiberRef: FiberRef.currentLogAnnotations,
          value: HashMap.set(
            HashMap.set(FiberRefs.getOrDefault(refs, FiberRef.currentLogAnnotations), "job", entry.id),
            "type",
            entry.key
          )
        })
    })
    entry.fiber = fiber
    fiber.addObserver((exit) => finish(entry, row, exit))
    if (entry.timeoutMs <= MAX_TIMER_MS && !entry.done) {
      entry.timer = setTimeout(() => {
        if (entry.done || entry.lost || entry.released) return
        entry.timedOut = true
        fiber.unsafeInterruptAsFork(FiberId.none)
      }, entry.timeoutMs)
      entry.timer.unref()
    }
  }

  const lose = (ids: ReadonlyArray<string>) =>
    Effect.forEach(
      ids,
      (id) => {
        const entry = entries.get(id)
        if (!entry || entry.done || entry.lost || entry.released) return Effect.void
        entry.lost = true
        return log("claim lost: interrupting the job", { job: id }).pipe(
          Effect.zipRight(entry.fiber ? Fiber.interruptFork(entry.fiber) : Effect.void)
        )
      },
      { discard: true }
    )

  const release = (list: ReadonlyArray<Entry<R>>) =>
    Effect.suspend(() => {
      for (const e of list) e.released = true
      return Effect.forEach(list, (e) => (e.fiber ? Fiber.interrupt(e.fiber) : Effect.void), { discard: true })
    })

  return {
    active: () => active,
    size: () => entries.size,
    get: (id) => entries.get(id),
    live: () => [...entries.values()].filter((e) => !e.done && !e.lost && !e.released),
    launch,
    remove: (id) => {
      entries.delete(id)
    },
    lose,
    release
  }
}
