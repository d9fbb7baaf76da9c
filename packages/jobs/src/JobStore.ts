import { SqlClient } from "@effect/sql"
import { Effect, Either } from "effect"
import type { JobDefinition, JobType } from "./JobDefinition.js"
import { InvalidParams, type JobFailed, JobNotFound, type JobStoreError } from "./JobError.js"
import { fromRow, isEnded, type JobRecord, type JobRow, type JobStatus } from "./JobRecord.js"
import * as Query from "./internal/query.js"
import * as Q from "./internal/sql.js"

/** Who and what a new job belongs to. */
export interface EnqueueOptions {
  /** The user name of the creator (cron runs use `scheduler`). */
  readonly createdBy: string
  readonly title?: string
  readonly parentId?: string
  /** Jobs that must finish first; the new job is deferred until they have, and fails if one fails. */
  readonly dependsOn?: ReadonlyArray<string>
}

/** A page of the top-level job list, newest first. */
export interface ListOptions {
  readonly limit: number
  /** Only jobs created strictly before this job (the last of the previous page). */
  readonly before?: string
}

/** @internal used by the worker and the job context */
export interface ChildInsert {
  readonly parentId: string
  readonly token: string
}

/** Reads and writes job rows: enqueue, look up, list, cancel. Needs a `SqlClient` on PostgreSQL. */
export class JobStore extends Effect.Service<JobStore>()("@kas/jobs/JobStore", {
  effect: Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const q = Query.make(sql)

    /** Follows failed dependencies and parents until nothing changes; queues jobs whose dependencies finished. */
    const resolve = Effect.fn("JobStore.resolve")(function* (failedIds: ReadonlyArray<string> = []) {
      let failed = [...failedIds]
      for (let round = 0; round < 1000; round++) {
        if (failed.length > 0) {
          const parents = yield* q<{ id: string }>(Q.failParents, [failed])
          failed = parents.map((p) => p.id)
        }
        const [r] = yield* q<{ ready: number; failed_ids: ReadonlyArray<string> }>(Q.resolveDeferred)
        failed = failed.concat(r.failed_ids)
        if (failed.length === 0) return
      }
    })

    const insert = Effect.fn("JobStore.insert")(function* (
      type: JobType<unknown>,
      args: unknown,
      options: EnqueueOptions,
      child?: ChildInsert
    ) {
      const deps = [...new Set(options.dependsOn ?? [])]
      let status: JobStatus = "queued"
      let depEnded = false
      if (deps.length > 0) {
        const found = yield* q<{ id: string; status: JobStatus }>(Q.statuses, [deps])
        const missing = deps.find((d) => !found.some((f) => f.id === d))
        if (missing) return yield* new JobNotFound({ id: missing })
        if (!found.every((f) => f.status === "finished")) status = "deferred"
        depEnded = found.some((f) => f.status === "failed" || f.status === "cancelled")
      }
      const params = [
        type.key,
        options.title ?? null,
        JSON.stringify(args ?? {}),
        options.createdBy,
        child?.parentId ?? options.parentId ?? null,
        deps,
        status,
        type.maxAttempts
      ]
      const rows = child
        ? yield* q<{ id: string }>(Q.insertChild, [...params, child.token])
        : yield* q<{ id: string }>(Q.insert, params)
      if (rows.length === 0) return yield* new JobNotFound({ id: child?.parentId ?? "" })
      // A dependency may have ended between our read and the insert: resolve now (the sweep would, later).
      if (status === "deferred") yield* resolve()
      else if (depEnded) yield* resolve()
      return rows[0].id
    })

    /** Enqueues a job with typed params (from code). */
    const enqueue = <P, PI, A, AI, E, R>(job: JobDefinition<P, PI, A, AI, E, R>, params: P, options: EnqueueOptions) =>
      job.encodeParams(params).pipe(
        Effect.flatMap((args) => insert(job, args, options)),
        Effect.withSpan("JobStore.enqueue", { attributes: { type: job.key } })
      ) as Effect.Effect<string, JobFailed | JobNotFound | JobStoreError>

    /** Validates untyped input (an API body, or text fields with `strings`) with the type's schema and enqueues it. */
    const submit = (
      type: JobType<unknown>,
      input: unknown,
      options: EnqueueOptions & { readonly strings?: boolean }
    ): Effect.Effect<string, InvalidParams | JobNotFound | JobStoreError> => {
      const checked = options.strings
        ? type.validateStrings((input ?? {}) as Record<string, string | undefined>)
        : type.validate(input)
      const run: Effect.Effect<string, InvalidParams | JobNotFound | JobStoreError> = Either.match(checked, {
        onLeft: (errors) => Effect.fail(new InvalidParams({ jobType: type.key, errors })),
        onRight: (args) => insert(type, args, options)
      })
      return run.pipe(Effect.withSpan("JobStore.submit", { attributes: { type: type.key } }))
    }

    /** Enqueues many jobs of one type at once (already-encoded arguments; for bulk work and benchmarks). */
    const enqueueMany = Effect.fn("JobStore.enqueueMany")(function* (
      type: JobType<unknown>,
      args: ReadonlyArray<unknown>,
      createdBy: string
    ) {
      const rows = yield* q<{ id: string }>(Q.insertMany, [
        type.key,
        args.map((a) => JSON.stringify(a ?? {})),
        createdBy,
        type.maxAttempts
      ])
      return rows.map((r) => r.id)
    })

    const get = Effect.fn("JobStore.get")(function* (id: string) {
      if (!isUuid(id)) return yield* new JobNotFound({ id })
      const rows = yield* q<JobRow>(Q.record, [id])
      if (rows.length === 0) return yield* new JobNotFound({ id })
      return fromRow(rows[0])
    })

    /** Top-level jobs (no parent), newest first; `before` must name an existing job. */
    const listTopLevel = Effect.fn("JobStore.listTopLevel")(function* (options: ListOptions) {
      if (options.before !== undefined) {
        const before = yield* get(options.before)
        const rows = yield* q<JobRow>(Q.topLevelBefore, [before.createdAt, before.id, options.limit])
        return rows.map(fromRow)
      }
      const rows = yield* q<JobRow>(Q.topLevel, [options.limit])
      return rows.map(fromRow)
    })

    const children = Effect.fn("JobStore.children")(function* (id: string) {
      const rows = yield* q<JobRow>(Q.children, [id])
      return rows.map(fromRow)
    })

    /**
     * The jobs of a type that have not ended and whose arguments contain `args` (JSON containment, e.g.
     * `{ pk: 7 }`): what a page that started them shows as progress bars.
     */
    const unfinishedOfType = Effect.fn("JobStore.unfinishedOfType")(function* (
      key: string,
      args: Readonly<Record<string, unknown>> = {}
    ) {
      const rows = yield* q<JobRow>(Q.unfinishedOfType, [key, JSON.stringify(args)])
      return rows.map(fromRow)
    })

    /** Of `ids`, the jobs that have a child not yet ended (`has_running_subjobs`). */
    const withActiveChildren = Effect.fn("JobStore.withActiveChildren")(function* (ids: ReadonlyArray<string>) {
      if (ids.length === 0) return new Set<string>()
      const rows = yield* q<{ parent_id: string }>(Q.withActiveChildren, [ids])
      return new Set(rows.map((r) => r.parent_id))
    })

    /** Cancels a queued, deferred or running job and its unfinished children. Returns whether anything changed. */
    const cancel = Effect.fn("JobStore.cancel")(function* (id: string, reason = "Annulleret") {
      yield* get(id)
      const [r] = yield* q<{ ids: ReadonlyArray<string> | null }>(Q.cancel, [id, reason])
      yield* resolve()
      return (r?.ids?.length ?? 0) > 0
    })

    /** Whether a job of type `key` was ever enqueued (whatever became of it). */
    const hasJobOfType = Effect.fn("JobStore.hasJobOfType")(function* (key: string) {
      const [r] = yield* q<{ found: boolean }>(Q.hasJobOfType, [key])
      return r?.found ?? false
    })

    /** Waits (polling) until every job in `ids` has ended; returns them. */
    const awaitEnded = Effect.fn("JobStore.awaitEnded")(function* (
      ids: ReadonlyArray<string>,
      interval = "250 millis"
    ) {
      for (;;) {
        const rows = yield* q<JobRow>(Q.records, [ids])
        const jobs: ReadonlyArray<JobRecord> = rows.map(fromRow)
        if (jobs.length === ids.length && jobs.every((j) => isEnded(j.status))) return jobs
        yield* Effect.sleep(interval)
      }
    })

    /** Runs `effect` in one transaction: the store's queries inside it (enqueue included) join it. */
    const transaction = <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E | JobStoreError, R> =>
      sql.withTransaction(effect).pipe(Effect.catchIf(Query.isSqlError, (e) => Effect.fail(Query.storeError(e))))

    /**
     * Claims a scheduler tick (`schedule` at `fireTime`): true only for the one caller whose claim made the tick's row
     * (run it in a `transaction` with the tick's work and `linkTick`, so a failed tick leaves no row).
     */
    const claimTick = Effect.fn("JobStore.claimTick")(function* (schedule: string, fireTime: Date) {
      return (yield* q<{ schedule: string }>(Q.claimTick, [schedule, fireTime])).length > 0
    })

    /** Records the job a claimed tick enqueued. */
    const linkTick = Effect.fn("JobStore.linkTick")(function* (schedule: string, fireTime: Date, jobId: string) {
      yield* q(Q.linkTick, [schedule, fireTime, jobId])
    })

    return {
      insert,
      enqueue,
      hasJobOfType,
      submit,
      enqueueMany,
      get,
      listTopLevel,
      children,
      unfinishedOfType,
      withActiveChildren,
      cancel,
      resolve,
      awaitEnded,
      transaction,
      claimTick,
      linkTick
    } as const
  })
}) {}

const isUuid = (s: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s)
