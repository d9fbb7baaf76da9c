import { SqlClient, type SqlError } from "@effect/sql"
import { Effect, Either, Fiber, Option } from "effect"
import { NotFound } from "../../domain/DomainError.js"
import { recalculate, type Member } from "../internal/Family.js"
import {
  calculateNew,
  concatWrites,
  type Loaded,
  loadFamilies,
  type NewPolicyYear,
  type PendingWrites,
  pendingWrites,
  writePending
} from "../internal/FamilyStore.js"
import { loadYearChunk } from "../internal/YearChunk.js"
import * as PersonYearRules from "../../domain/PersonYearRules.js"
import { daysInYear } from "../../domain/DaysInYear.js"
import { SystemUsers } from "./SystemUsers.js"

/** Reasons of one recalculation: cells get `reason`, the policy-years `policyReason` (default: the same). */
export interface RecalculationOptions {
  readonly policyReason?: string | undefined
  /** Called for each target policy-year before it is calculated (autoligning sets its snapshot and flags). */
  readonly prepare?: ((member: Member) => void) | undefined
}

/** A recalculated policy-year whose stored `calculated_result` changed. */
export interface ResultChange {
  readonly policyId: number
  readonly before: number
  readonly after: number
}

export type { NewPolicyYear } from "../internal/FamilyStore.js"

/** Progress of a year recalculation: policies done and total. */
export type Progress = (done: number, total: number) => Effect.Effect<void>

/** Options of `recalculateYear`. */
export interface YearRecalculationOptions extends RecalculationOptions {
  readonly onProgress?: Progress | undefined
  /** Persons per chunk (default `YEAR_CHUNK`); smaller chunks hold less memory and take more round trips. */
  readonly chunkPersons?: number | undefined
}

/** Policy-years per chunk of `recalculatePolicies`. */
const CHUNK = 5000

/**
 * Persons per chunk of `recalculateYear`. Its memory is about two chunks of families (one computed, the next loaded),
 * and V8 lets the heap grow to a few times what is live: 1 000 persons keep a worker recalculating 100 000 policies
 * near 240 MB peak RSS (5 000: 340 MB), for about the same time (bench/calculation).
 */
const YEAR_CHUNK = 1000

/**
 * Policy recalculation in the database (domain.md §3.4, §3.5, §4.1–§4.5): loads whole policies (all years and loss
 * cells) in chunks, runs the pure rules in memory and writes the changes back set-based, with their audit reasons,
 * in the caller's transaction (one is opened when there is none). The audit author is the caller's
 * (`withAudit`/`setAuditContext`).
 */
export class Recalculation extends Effect.Service<Recalculation>()("@kas/core/Recalculation", {
  dependencies: [SystemUsers.Default],
  effect: Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const systemUsers = yield* SystemUsers

    const currentReason = sql<{ r: string | null }>`select current_setting('kas.audit_reason', true) as r`.pipe(
      Effect.map((rows) => rows[0]?.r ?? "")
    )

    /** §7.1 with the pure rule: saves the person-years whose days or liability changed; returns their ids. */
    const recomputeCensus = (ids: ReadonlyArray<number>) =>
      Effect.gen(function* () {
        const rows = yield* sql.unsafe<{
          id: number
          year: number
          number_of_days: number | null
          fully_tax_liable: boolean
          entries: ReadonlyArray<{ numberOfDays: number | null; fullyTaxLiable: boolean }> | null
        }>(
          `select pty.id, ty.year, pty.number_of_days, pty.fully_tax_liable,
             (select json_agg(
                json_build_object('numberOfDays', ce.number_of_days, 'fullyTaxLiable', ce.fully_tax_liable))
              from kas.census_entry ce where ce.person_tax_year_id = pty.id) as entries
           from kas.person_tax_year pty join kas.tax_year ty on ty.id = pty.tax_year_id
           where pty.id = any($1::int[]) for update of pty`,
          [ids]
        )
        const changed: Array<{ id: number; days: number; liable: boolean }> = []
        for (const r of rows) {
          const result = PersonYearRules.fromCensus(r.entries ?? [], daysInYear(r.year))
          const stored = { numberOfDays: r.number_of_days, fullyTaxLiable: r.fully_tax_liable }
          if (PersonYearRules.censusChanged(stored, result)) {
            changed.push({ id: r.id, days: result.numberOfDays, liable: result.fullyTaxLiable })
          }
        }
        if (changed.length > 0) {
          yield* sql.unsafe(
            `update kas.person_tax_year p set number_of_days = u.days, fully_tax_liable = u.liable
             from unnest($1::int[], $2::int[], $3::bool[]) as u(id, days, liable) where p.id = u.id`,
            [changed.map((c) => c.id), changed.map((c) => c.days), changed.map((c) => c.liable)]
          )
        }
        return changed.map((c) => c.id)
      })

    /**
     * Runs §4.2 for each loaded target in `policyIds` order (dies on invalid stored input). Returns the result
     * changes and the targets whose family turned out `incomplete` (a cascade reached a partially loaded year).
     */
    const compute = (
      loaded: Loaded,
      policyIds: ReadonlyArray<number>,
      reason: string,
      options?: RecalculationOptions
    ) =>
      Effect.suspend(() => {
        for (const id of policyIds) {
          const at = loaded.byPolicy.get(id)
          if (at === undefined) continue
          options?.prepare?.(at.family.members.get(at.year)!)
          const result = recalculate(at.family, at.year, reason, options?.policyReason ?? reason)
          if (Either.isLeft(result)) return Effect.die(result.left)
        }
        // Every target of an incomplete family is done again (its earlier targets too).
        const incomplete: Array<number> = []
        const changes: Array<ResultChange> = []
        for (const id of policyIds) {
          const at = loaded.byPolicy.get(id)
          const m = at?.family.members.get(at.year)
          if (at === undefined || m === undefined) continue
          if (at.family.incomplete) incomplete.push(id)
          else if (m.state.calculatedResult !== m.original.calculatedResult) {
            changes.push({ policyId: id, before: m.original.calculatedResult, after: m.state.calculatedResult })
          }
        }
        return Effect.succeed({ changes, incomplete })
      })

    /** Computes `loaded`, reloads and computes whole the families found incomplete, and writes every change. */
    const computeAndWrite = (
      loaded: Loaded,
      policyIds: ReadonlyArray<number>,
      reason: string,
      options?: RecalculationOptions
    ) =>
      Effect.flatMap(compute(loaded, policyIds, reason, options), (computed) =>
        write(pendingWrites(loaded.families.filter((f) => !f.incomplete)), computed, reason, options)
      )

    /**
     * The write half of `computeAndWrite`, in the caller's transaction: `pending` are the changes of the complete
     * families (taken with `pendingWrites`, so that the families need not be kept until the write); the targets of
     * the incomplete ones are reloaded whole, computed again and written with them.
     */
    const write = (
      pending: PendingWrites,
      computed: { readonly changes: ReadonlyArray<ResultChange>; readonly incomplete: ReadonlyArray<number> },
      reason: string,
      options?: RecalculationOptions
    ) =>
      Effect.gen(function* () {
        const restore = yield* currentReason
        let writes = pending
        let changes = computed.changes
        if (computed.incomplete.length > 0) {
          const whole = yield* loadFamilies(sql, computed.incomplete)
          const again = yield* compute(whole, computed.incomplete, reason, options)
          writes = concatWrites(pending, pendingWrites(whole.families))
          changes = [...changes, ...again.changes].sort((a, b) => a.policyId - b.policyId)
        }
        yield* writePending(sql, writes, restore)
        return changes
      })

    const run = (policyIds: ReadonlyArray<number>, reason: string, options?: RecalculationOptions) =>
      Effect.flatMap(loadFamilies(sql, policyIds), (loaded) => computeAndWrite(loaded, policyIds, reason, options))

    /** Recalculates several policy-years (each with its whole policy), in the given order. */
    const recalculatePolicies = Effect.fn("Recalculation.recalculatePolicies")(function* (
      policyIds: ReadonlyArray<number>,
      reason: string,
      options?: RecalculationOptions
    ) {
      const changes: Array<ResultChange> = []
      for (let i = 0; i < policyIds.length; i += CHUNK) {
        changes.push(...(yield* sql.withTransaction(run(policyIds.slice(i, i + CHUNK), reason, options))))
      }
      return changes
    })

    /**
     * §7.1: recomputes days and liability of person-years from their census entries; for each person-year that
     * changed, saves it and recalculates its active policies, and adds the system note (author `admin`) to every
     * policy whose `calculated_result` changed. Set-based; returns the changed person-year ids and the notes.
     */
    const recalculatePersonTaxYears = Effect.fn("Recalculation.recalculatePersonTaxYears")(function* (
      personTaxYearIds: ReadonlyArray<number>,
      reason: string
    ) {
      return yield* sql.withTransaction(
        Effect.gen(function* () {
          const ptyIds = yield* recomputeCensus(personTaxYearIds)
          if (ptyIds.length === 0) return { changedPersonTaxYears: [], notes: 0 }
          const policies = yield* sql.unsafe<{ id: number }>(
            `select id from kas.policy_tax_year where person_tax_year_id = any($1::int[]) and active order by id`,
            [ptyIds]
          )
          const changes = yield* recalculatePolicies(
            policies.map((p) => p.id),
            reason
          )
          if (changes.length > 0) {
            const admin = yield* systemUsers.idOf("admin")
            const targets = yield* sql.unsafe<{ id: number; person_tax_year_id: number; year: number }>(
              `select p.id, p.person_tax_year_id, ty.year from kas.policy_tax_year p
               join kas.person_tax_year pty on pty.id = p.person_tax_year_id
               join kas.tax_year ty on ty.id = pty.tax_year_id where p.id = any($1::int[]) order by p.id`,
              [changes.map((c) => c.policyId)]
            )
            yield* sql.unsafe(
              `insert into kas.note (person_tax_year_id, policy_tax_year_id, author_id, content)
               select u.pty, u.policy, $1, u.content
               from unnest($2::int[], $3::int[], $4::text[]) as u(pty, policy, content)`,
              [
                admin,
                targets.map((t) => t.person_tax_year_id),
                targets.map((t) => t.id),
                targets.map((t) => PersonYearRules.censusChangeNote(t.year))
              ]
            )
          }
          return { changedPersonTaxYears: ptyIds, notes: changes.length }
        })
      )
    })

    return {
      recalculatePolicies,
      /**
       * The stored results of policy-years not yet created that will be the only year of their policy: what
       * `recalculatePolicies` would write right after inserting them (the R75 import inserts them calculated).
       */
      calculateNew: (policies: ReadonlyArray<NewPolicyYear>, reason: string) =>
        Effect.forEach(policies, (p) =>
          Either.match(calculateNew(p, reason), { onLeft: Effect.die, onRight: Effect.succeed })
        ),
      /** Recalculates one policy-year (§4.2) and stores its results; returns the result change if any. */
      recalculatePolicy: Effect.fn("Recalculation.recalculatePolicy")(function* (
        policyId: number,
        reason: string,
        options?: RecalculationOptions
      ) {
        const exists = yield* sql`select 1 from kas.policy_tax_year where id = ${policyId}`
        if (exists.length === 0) return yield* Effect.fail(NotFound.of("Police", policyId))
        const changes = yield* recalculatePolicies([policyId], reason, options)
        return changes[0] ?? null
      }),

      recalculatePersonTaxYears,

      /** §7.1 for one person-year (see `recalculatePersonTaxYears`). */
      recalculatePersonTaxYear: (personTaxYearId: number, reason: string) =>
        recalculatePersonTaxYears([personTaxYearId], reason),

      /**
       * Recalculates every active policy of a tax year (autoligning, benchmark) in chunks of persons by person-id
       * range (`YEAR_CHUNK`, or `chunkPersons`). Each chunk is one query (`loadYearChunk`: the families of its persons
       * that have an active policy in the year), computed in memory and written back with `UPDATE … FROM unnest(…)` in
       * one transaction per chunk (inside the caller's, if any). Several chunks are in flight: while one is computed in
       * Node, the next is loaded and the previous ones (two outside a caller's transaction, else one) are written by
       * PostgreSQL. Families never span persons, so chunks are independent; a chunk's families are dropped once it is
       * computed (only its changes wait for the write), so memory is bounded by the chunk size, not the year's.
       */
      recalculateYear: Effect.fn("Recalculation.recalculateYear")(function* (
        taxYearId: number,
        reason: string,
        options?: YearRecalculationOptions
      ) {
        // The total is only for progress reports (counting the year's policies costs as much as loading a chunk):
        // counted beside the first chunk, and only when someone listens.
        const onProgress = options?.onProgress
        const chunkPersons = options?.chunkPersons ?? YEAR_CHUNK
        if (!Number.isSafeInteger(chunkPersons) || chunkPersons < 1) {
          return yield* Effect.die(new RangeError(`chunkPersons must be a positive integer, not ${chunkPersons}`))
        }
        const counting =
          onProgress === undefined
            ? null
            : yield* Effect.fork(
                sql<{ n: string }>`select count(*)::text as n from kas.policy_tax_year p
            join kas.person_tax_year pty on pty.id = p.person_tax_year_id
            where pty.tax_year_id = ${taxYearId} and p.active`.pipe(Effect.map((rows) => Number(rows[0]?.n ?? 0)))
              )
        const years = new Map(
          (yield* sql<{ id: number; year: number }>`select id, year from kas.tax_year`).map((y) => [y.id, y.year])
        )
        /** The last person id of the next chunk of persons after `after`, or null at the end. */
        const boundaryAfter = (after: number) =>
          sql<{ upto: number | null }>`select max(person_id) as upto from (select person_id from kas.person_tax_year
            where tax_year_id = ${taxYearId} and person_id > ${after} order by person_id limit ${chunkPersons}) s`.pipe(
            Effect.map((rows) => rows[0]?.upto ?? null)
          )
        const load = (after: number, upTo: number | null) =>
          upTo === null ? Effect.succeed(null) : loadYearChunk(sql, taxYearId, years, after, upTo)
        let done = 0
        let changed = 0
        // Writes of different chunks touch different rows, so outside a transaction two may run at once (each its
        // own transaction, on its own connection); inside the caller's transaction they share one connection: one at
        // a time.
        const inTransaction = Option.isSome(yield* Effect.serviceOption(SqlClient.TransactionConnection))
        const maxWrites = inTransaction ? 1 : 2
        /** Writes in flight, oldest first; joined in order. */
        const writing: Array<Fiber.Fiber<number, SqlError.SqlError>> = []
        const finishWrite = Effect.gen(function* () {
          const oldest = writing.shift()
          if (oldest === undefined) return
          done += yield* Fiber.join(oldest)
          if (onProgress !== undefined && counting !== null) yield* onProgress(done, yield* Fiber.join(counting))
        })
        let upTo = yield* boundaryAfter(0)
        let loading = yield* Effect.fork(load(0, upTo))
        while (upTo !== null) {
          let chunk = yield* Fiber.join(loading)
          const nextUpTo = yield* boundaryAfter(upTo)
          loading = yield* Effect.fork(load(upTo, nextUpTo))
          if (chunk !== null && chunk.targets.length > 0) {
            const policies = chunk.targets.length
            const computed = yield* compute(chunk.loaded, chunk.targets, reason, options)
            // Only the changes wait for the write; the chunk's families are dropped here (the incomplete ones are
            // reloaded by the write), so that at most the chunk being loaded and this one are held.
            const pending = pendingWrites(chunk.loaded.families.filter((f) => !f.incomplete))
            chunk = null
            if (writing.length >= maxWrites) yield* finishWrite
            writing.push(
              yield* Effect.fork(
                sql.withTransaction(write(pending, computed, reason, options)).pipe(
                  Effect.map((changes) => {
                    changed += changes.length
                    return policies
                  })
                )
              )
            )
          }
          upTo = nextUpTo
        }
        while (writing.length > 0) yield* finishWrite
        return { policies: done, resultsChanged: changed }
      })
    }
  })
}) {}
