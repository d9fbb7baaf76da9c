import { SqlClient } from "@effect/sql"
import { SqlError } from "@effect/sql/SqlError"
import { Effect, Either, Option, Schema } from "effect"
import { DomainRuleError, NotFound } from "../../domain/DomainError.js"
import * as TaxYearPeriod from "../../domain/TaxYearPeriod.js"
import {
  Lock,
  lockOutstandingMessage,
  MAX_TAX_YEAR,
  MIN_TAX_YEAR,
  rateTextProblem,
  TaxYear,
  taxYearRangeMessage,
  type YearPart
} from "../../domain/TaxYear.js"
import { PgPool } from "../PgPool.js"

const decodeYears = Schema.decodeUnknown(Schema.Array(TaxYear))

/** A tax year as a form's year choice: its calendar year and id. */
export interface TaxYearChoice {
  readonly id: number
  readonly year: number
}

const CHOICES = "select id, year from kas.tax_year order by year desc"
const decodeLocks = Schema.decodeUnknown(Schema.Array(Lock))

/**
 * Tax years and their locks (domain.md §2.1, §2.2, §6): creation with the first open lock, the period and the
 * period rules every domain service checks before an edit.
 */
export class TaxYears extends Effect.Service<TaxYears>()("@kas/core/TaxYears", {
  effect: Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const selectYear = sql`select id, year, year_part, rate_text_for_transactions from kas.tax_year`
    const selectLock = sql`select id, tax_year_id, interval_from::text, interval_to::text from kas.lock`
    // "Find person" asks for the years on every search: on the plain pool as a prepared statement where the process
    // has one (kas web), without a span (a statement compiled and a span made per search cost several times the read).
    const pool = yield* Effect.serviceOption(PgPool)
    const choices: Effect.Effect<ReadonlyArray<TaxYearChoice>, SqlError> = Option.isSome(pool)
      ? Effect.tryPromise({
          try: () =>
            pool.value.query<TaxYearChoice>({ name: "kas_tax_year_choices", text: CHOICES }).then((r) => r.rows),
          catch: (cause) => new SqlError({ cause, message: "Failed to read the tax years" })
        })
      : sql.unsafe<TaxYearChoice>(CHOICES)

    const one = (rows: ReadonlyArray<unknown>, key: string | number) =>
      decodeYears(rows).pipe(
        Effect.orDie,
        Effect.flatMap((ys) => (ys[0] ? Effect.succeed(ys[0]) : Effect.fail(NotFound.of("Skatteår", key))))
      )

    const get = Effect.fn("TaxYears.get")(function* (id: number) {
      return yield* one(yield* sql`${selectYear} where id = ${id}`, id)
    })

    return {
      get,
      /** The tax year of a calendar year. */
      getByYear: Effect.fn("TaxYears.getByYear")(function* (year: number) {
        return yield* one(yield* sql`${selectYear} where year = ${year}`, year)
      }),
      /**
       * The years and ids of every tax year, newest first (a form's year choices). Where the process has a plain pool
       * (kas web) it reads there, outside any transaction of the caller.
       */
      choices: () => choices,
      /** All tax years, newest first. */
      list: Effect.fn("TaxYears.list")(function* () {
        return yield* decodeYears(yield* sql`${selectYear} order by year desc`).pipe(Effect.orDie)
      }),
      /**
       * Creates a tax year in `selvangivelse`; its open lock from today comes with it (a trigger, domain.md §6.2).
       * Refused with a Danish message for a year outside 2000–2100, a year that exists, or a rate text line over 60.
       */
      create: Effect.fn("TaxYears.create")(function* (year: number, rateText: string = "") {
        const rateProblem = rateTextProblem(rateText)
        if (rateProblem !== undefined) {
          return yield* Effect.fail(new DomainRuleError({ rule: "rate-text", message: rateProblem }))
        }
        if (!Number.isInteger(year) || year < MIN_TAX_YEAR || year > MAX_TAX_YEAR) {
          return yield* Effect.fail(new DomainRuleError({ rule: "year", message: taxYearRangeMessage }))
        }
        const rows =
          yield* sql`insert into kas.tax_year (year, rate_text_for_transactions) values (${year}, ${rateText})
          on conflict (year) do nothing
          returning id, year, year_part, rate_text_for_transactions`.pipe(sql.withTransaction)
        if (rows.length === 0) {
          return yield* Effect.fail(
            new DomainRuleError({ rule: "year-exists", message: `Skatteåret ${year} findes allerede` })
          )
        }
        return yield* one(rows, year)
      }),
      /**
       * An administrator's edit of a tax year (staff-web.md §18): the period and the rate text. Refused, with nothing
       * changed, when the rate text has a line over 60 characters (rule `rate-text`) or the new period skips one
       * (rule `year-part`, `TaxYearPeriod.manualChangeProblem`).
       */
      update: Effect.fn("TaxYears.update")(function* (
        id: number,
        changes: { readonly year_part: YearPart; readonly rate_text_for_transactions: string }
      ) {
        return yield* Effect.gen(function* () {
          const current = yield* one(yield* sql`${selectYear} where id = ${id} for update`, id)
          const rateProblem = rateTextProblem(changes.rate_text_for_transactions)
          if (rateProblem !== undefined) {
            return yield* Effect.fail(new DomainRuleError({ rule: "rate-text", message: rateProblem }))
          }
          const periodProblem = TaxYearPeriod.manualChangeProblem(current.year_part, changes.year_part)
          if (periodProblem !== undefined) {
            return yield* Effect.fail(new DomainRuleError({ rule: "year-part", message: periodProblem }))
          }
          const rows = yield* sql`update kas.tax_year set year_part = ${changes.year_part},
              rate_text_for_transactions = ${changes.rate_text_for_transactions}
            where id = ${id} returning id, year, year_part, rate_text_for_transactions`
          return yield* one(rows, id)
        }).pipe(sql.withTransaction)
      }),
      /** Sets the period (autoligning, bulk dispatch, or an administrator by hand). */
      setPeriod: Effect.fn("TaxYears.setPeriod")(function* (id: number, yearPart: YearPart) {
        const rows = yield* sql`update kas.tax_year set year_part = ${yearPart} where id = ${id}
          returning id, year, year_part, rate_text_for_transactions`
        return yield* one(rows, id)
      }),
      /**
       * Fails with `TaxYearPeriodError` unless the year's period allows `action` (domain.md §6.1; with `jobTitle` the
       * message is the job text "Kan kun {job title} år som er i perioden {period}"); call it inside the edit's
       * transaction, before writing. Returns the tax year.
       */
      requirePeriod: Effect.fn("TaxYears.requirePeriod")(function* (
        taxYearId: number,
        action: TaxYearPeriod.PeriodAction,
        options?: { readonly jobTitle?: string | undefined }
      ) {
        const year = yield* one(yield* sql`${selectYear} where id = ${taxYearId} for share`, taxYearId)
        const checked = TaxYearPeriod.check(year.year_part, action, options)
        if (Either.isLeft(checked)) return yield* Effect.fail(checked.left)
        return year
      }),
      /** The locks of a year, newest first. */
      locks: Effect.fn("TaxYears.locks")(function* (taxYearId: number) {
        return yield* decodeLocks(
          yield* sql`${selectLock} where tax_year_id = ${taxYearId} order by interval_from desc, id desc`
        ).pipe(Effect.orDie)
      }),
      /** The open lock of a year (there is always exactly one). */
      currentLock: Effect.fn("TaxYears.currentLock")(function* (taxYearId: number) {
        const locks = yield* decodeLocks(
          yield* sql`${selectLock} where tax_year_id = ${taxYearId} and interval_to is null`
        ).pipe(Effect.orDie)
        return locks[0] ?? (yield* Effect.fail(NotFound.of("Lås", taxYearId)))
      }),
      /**
       * "Opret ny lås" (domain.md §6.3): closes the open lock today and opens a new one from today, in one step;
       * refused
       * while the open lock has outstanding transactions ("Kan ikke oprette ny lås da der mangler at blive overført
       * {N} kr. til prisme!"). "Today" is `kas.today()`, in the process's TIMEZONE.
       */
      closeLock: Effect.fn("TaxYears.closeLock")(function* (taxYearId: number) {
        return yield* sql.withTransaction(
          Effect.gen(function* () {
            const [open] = yield* sql<{ id: number }>`select id from kas.lock
              where tax_year_id = ${taxYearId} and interval_to is null for update`
            if (open === undefined) return yield* Effect.fail(NotFound.of("Lås", taxYearId))
            const [{ outstanding }] = yield* sql<{
              outstanding: string
            }>`select coalesce(sum(t.amount), 0)::text as outstanding
              from kas.final_statement s join kas.transaction t on t.final_statement_uuid = s.uuid
              where s.lock_id = ${open.id} and not s.invalid and t.status in ('created', 'ready')`
            if (Number(outstanding) !== 0) {
              return yield* Effect.fail(
                new DomainRuleError({
                  rule: "lock-outstanding",
                  message: lockOutstandingMessage(outstanding)
                })
              )
            }
            yield* sql`update kas.lock set interval_to = kas.today() where id = ${open.id}`
            const rows = yield* sql`insert into kas.lock (tax_year_id, interval_from) values (${taxYearId}, kas.today())
              returning id, tax_year_id, interval_from::text, interval_to::text`
            return (yield* decodeLocks(rows).pipe(Effect.orDie))[0]!
          })
        )
      })
    }
  })
}) {}
