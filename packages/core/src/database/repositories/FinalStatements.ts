import { SqlClient } from "@effect/sql"
import type { SqlError } from "@effect/sql/SqlError"
import { Effect, Either, Schema } from "effect"
import { DomainRuleError, NotFound } from "../../domain/DomainError.js"
import * as DueDates from "../../domain/DueDates.js"
import { FinalStatement } from "../../domain/FinalStatement.js"
import * as StatementAmounts from "../../domain/StatementAmounts.js"
import * as TaxYearPeriod from "../../domain/TaxYearPeriod.js"
import { FileStore, type FileStoreError } from "./FileStore.js"
import { Prisme10QBatches } from "./Prisme10QBatches.js"
import { type GatheredStatement, type StatementHead, StatementInputs } from "./StatementInputs.js"
import { type TenQRenderer, Transactions } from "./Transactions.js"

const decodeStatements = Schema.decodeUnknown(Schema.Array(FinalStatement))

const columns = `uuid, person_tax_year_id, lock_id, pdf_file_id, invalid,
  interest_on_remainder::text as interest_on_remainder, extra_payment_for_previous_missing, text_used_for_payment,
  due_date_used::text as due_date_used, indifference_limited,
  amounts, title, status, post_processing_status, recipient_status, message_id, created_at, send_at`

/** The staff form of an individual statement (staff-web.md §11.1). */
export interface StatementForm {
  /** A percentage, 0.00–999.99 with at most two decimals. */
  readonly interestOnRemainder: number
  /** Whole kroner ≥ 0. */
  readonly extraPaymentForPreviousMissing: number
  /** DUE_ON_DATE, DUE, PREV_AMOUNT_DUE or REFUND (BULK is for the bulk job only). */
  readonly textUsedForPayment: DueDates.PaymentText
}

/** Everything the letter (integrations.md §5.2) is rendered from, computed before the statement is stored. */
export interface StatementDraft {
  readonly gathered: GatheredStatement
  readonly amounts: StatementAmounts.StatementAmounts
  readonly textUsedForPayment: DueDates.PaymentText
  readonly dueDate: string
  readonly lastPaymentDate: string
  /** Today in the configured time zone (YYYY-MM-DD). */
  readonly today: string
}

/** Renders the PDF of a statement; runs inside the statement's transaction. */
export type PdfRenderer<E> = (draft: StatementDraft) => Effect.Effect<Uint8Array, E>

/** How a statement is generated: the letter, the 10Q lines, the creator and the limits. */
export interface GenerateOptions<E> {
  readonly pdf: PdfRenderer<E>
  /** The 10Q renderer of the statement's transaction (individual statements only). */
  readonly tenQ: TenQRenderer
  /** The staff user who generates it: the batch's `created_by`. */
  readonly createdById: number | null
  readonly indifferenceLimit?: number | undefined
  /** TIMEZONE, for the dates in the payment-row texts. */
  readonly timeZone?: string | undefined
}

/** The statement's amounts as stored in `amounts` (domain.md §2.13: every value of §5.1 and the Prisme amount). */
export const amountsSnapshot = (a: StatementAmounts.StatementAmounts) => ({
  prepayment: a.prepayment,
  total_tax: a.totalTax,
  previous_transaction_sum: a.previousTransactionSum,
  remainder: a.remainder,
  interest_factor: a.interestFactor,
  interest: a.interest,
  remainder_with_interest: a.remainderWithInterest,
  total_payment: a.totalPayment,
  indifference_limited: a.indifferenceLimited,
  prisme_amount: a.prismeAmount,
  payment_rows: a.paymentRows,
  summary: a.summary
})

const refuse = (rule: string, message: string) => Effect.fail(new DomainRuleError({ rule, message }))

/** Validates the staff form (staff-web.md §11.1) with the field's message. */
export const validateForm = (form: StatementForm): Effect.Effect<void, DomainRuleError> => {
  const percent = form.interestOnRemainder
  if (!Number.isFinite(percent) || percent < 0 || percent > 999.99 || Math.round(percent * 100) / 100 !== percent) {
    return refuse("interest", "Procentsatsen skal være mellem 0,00 og 999,99 med højst to decimaler")
  }
  const extra = form.extraPaymentForPreviousMissing
  if (!Number.isSafeInteger(extra) || extra < 0 || extra > 2_147_483_647) {
    return refuse("extra-payment", "Ekstra beløb til betaling skal være et helt tal på 0 eller mere")
  }
  if (form.textUsedForPayment === "BULK" || DueDates.paymentTextCodes[form.textUsedForPayment] === undefined) {
    return refuse(
      "payment-text",
      "Vælg en tekst om beløb til betaling: forfalder på dato, forfaldent, " +
        "tidligere beløb forfaldent eller tilbagebetaling"
    )
  }
  return Effect.void
}

/**
 * Final statements (domain.md §2.13, §5; staff-web.md §11; jobs.md §8.7): generation with the stored money flow, the
 * PDF, the lock open at generation and the due date; for an individual statement also its batch and transaction;
 * invalidation with the cancellation of integrations.md §2.8. Every write is one transaction.
 */
export class FinalStatements extends Effect.Service<FinalStatements>()("@kas/core/FinalStatements", {
  dependencies: [StatementInputs.Default, Transactions.Default, Prisme10QBatches.Default],
  effect: Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const files = yield* FileStore
    const inputs = yield* StatementInputs
    const transactions = yield* Transactions
    const batches = yield* Prisme10QBatches

    const decodeOne = (rows: ReadonlyArray<unknown>, key: string) =>
      decodeStatements(rows).pipe(
        Effect.orDie,
        Effect.flatMap((ss) => (ss[0] ? Effect.succeed(ss[0]) : Effect.fail(NotFound.of("Slutopgørelse", key))))
      )

    const get = Effect.fn("FinalStatements.get")(function* (uuid: string) {
      return yield* decodeOne(
        yield* sql.unsafe(`select ${columns} from kas.final_statement where uuid = $1`, [uuid]),
        uuid
      )
    })

    /** The person-year's state for the refusals, locked against a concurrent generation (`checkGenerate`). */
    const head = (personTaxYearId: number) =>
      sql<{ year: number; year_part: TaxYearPeriod.YearPart; policies: number; not_final: number }>`
        select ty.year, ty.year_part,
          (select count(*)::int from kas.policy_tax_year p where p.person_tax_year_id = pty.id) as policies,
          (select count(*)::int from kas.policy_tax_year p
            where p.person_tax_year_id = pty.id and p.active and not p.slutlignet) as not_final
        from kas.person_tax_year pty join kas.tax_year ty on ty.id = pty.tax_year_id
        where pty.id = ${personTaxYearId} for update of pty`.pipe(
        Effect.flatMap(([h]) =>
          h
            ? Effect.succeed({ year: h.year, yearPart: h.year_part, policies: h.policies, notFinal: h.not_final })
            : Effect.fail(NotFound.of("Personskatteår", personTaxYearId))
        )
      )

    /** The refusals of staff-web.md §11.1: no policies, not in genoptagelsesperiode, an active policy not final. */
    const generateRefusal = (h: Pick<StatementHead, "year" | "yearPart" | "policies" | "notFinal">) =>
      Effect.gen(function* () {
        if (h.policies === 0) return yield* refuse("no-policies", `Personen har ingen policer i ${h.year}`)
        const period = TaxYearPeriod.check(h.yearPart, "generateIndividualFinalStatement")
        if (Either.isLeft(period)) return yield* Effect.fail(period.left)
        if (h.notFinal > 0) {
          return yield* refuse(
            "not-final",
            "Alle aktive policer skal være slutlignet før der kan genereres en slutopgørelse"
          )
        }
      })

    /** Computes the money, renders and stores the PDF and inserts the statement; returns it with its draft. */
    const insert = <E>(
      gathered: GatheredStatement,
      form: StatementForm,
      today: string,
      options: Pick<GenerateOptions<E>, "pdf" | "indifferenceLimit" | "timeZone">
    ) =>
      Effect.gen(function* () {
        const amounts = StatementAmounts.compute(gathered.input, {
          indifferenceLimit: options.indifferenceLimit,
          timeZone: options.timeZone
        })
        const dueDate = DueDates.dueDate(form.textUsedForPayment, { today, taxYear: gathered.year })
        const draft: StatementDraft = {
          gathered,
          amounts,
          textUsedForPayment: form.textUsedForPayment,
          dueDate,
          lastPaymentDate: DueDates.lastPaymentDate(dueDate),
          today
        }
        const pdf = yield* options.pdf(draft)
        const fileId = yield* files.put({
          kind: "final_statement",
          year: gathered.year,
          name: `Y_FINAL_${gathered.year}_${gathered.cpr}.pdf`,
          contentType: "application/pdf",
          content: pdf
        })
        const rows = yield* sql.unsafe(
          `insert into kas.final_statement (person_tax_year_id, lock_id, pdf_file_id, interest_on_remainder,
             extra_payment_for_previous_missing, text_used_for_payment, due_date_used, indifference_limited, amounts)
           values ($1, $2, $3, $4, $5, $6, $7::date, $8, $9::jsonb) returning ${columns}`,
          [
            gathered.personTaxYearId,
            gathered.lockId,
            fileId,
            form.interestOnRemainder.toFixed(2),
            form.extraPaymentForPreviousMissing,
            DueDates.paymentTextCodes[form.textUsedForPayment],
            dueDate,
            amounts.indifferenceLimited,
            JSON.stringify(amountsSnapshot(amounts))
          ]
        )
        return { statement: yield* decodeOne(rows, String(gathered.personTaxYearId)), draft }
      })

    return {
      get,
      /**
       * Whether staff may generate a statement for the person-year now (staff-web.md §11.1: the form is shown only
       * then); fails with the refusal that `generate` would give.
       */
      checkGenerate: Effect.fn("FinalStatements.checkGenerate")(function* (personTaxYearId: number) {
        return yield* sql.withTransaction(Effect.flatMap(head(personTaxYearId), generateRefusal))
      }),
      /** The statements of a person-year, newest first. */
      listByPersonTaxYear: Effect.fn("FinalStatements.listByPersonTaxYear")(function* (personTaxYearId: number) {
        return yield* decodeStatements(
          yield* sql.unsafe(
            `select ${columns} from kas.final_statement where person_tax_year_id = $1
            order by created_at desc, uuid`,
            [personTaxYearId]
          )
        ).pipe(Effect.orDie)
      }),

      /**
       * "Opret" of staff-web.md §11.1, in one transaction: refused when the person-year has no policies, the year is
       * not in genoptagelsesperiode or an active policy is not slutlignet; stores the amounts (§5.1), the PDF, the
       * current lock and the due date (§5.4); when the Prisme amount ≠ 0 also a batch (collect date = the due date,
       * created by the user) with the statement's transaction.
       */
      generate: <E>(
        personTaxYearId: number,
        form: StatementForm,
        options: GenerateOptions<E>
      ): Effect.Effect<
        { readonly statement: FinalStatement; readonly draft: StatementDraft; readonly batchId: number | null },
        E | DomainRuleError | NotFound | TaxYearPeriod.TaxYearPeriodError | SqlError | FileStoreError
      > =>
        Effect.gen(function* () {
          yield* validateForm(form)
          return yield* sql.withTransaction(
            Effect.gen(function* () {
              const { gathered, head: h } = yield* inputs.lockAndGather(personTaxYearId, {
                interestOnRemainder: form.interestOnRemainder,
                extraPaymentForPreviousMissing: form.extraPaymentForPreviousMissing
              })
              yield* generateRefusal(h)
              const { draft, statement } = yield* insert(yield* gathered, form, h.today, options)
              if (draft.amounts.prismeAmount === 0) return { statement, draft, batchId: null }
              const batch = yield* batches.create({
                taxYearId: h.taxYearId,
                createdById: options.createdById,
                collectDate: draft.dueDate
              })
              yield* transactions.addForStatement(statement.uuid, batch.id, options.tenQ)
              return { statement, draft, batchId: batch.id }
            })
          )
        }).pipe(Effect.withSpan("FinalStatements.generate")),

      /**
       * One person-year of the bulk job (jobs.md §8.7), in one transaction: only in ligning; a person-year that is
       * not fully tax liable, has no active slutlignet policy or already has a valid statement is skipped (null).
       * Text BULK, due date 1 September of year + 1, the current lock; no transaction.
       */
      generateBulk: <E>(
        personTaxYearId: number,
        options: Pick<GenerateOptions<E>, "pdf" | "indifferenceLimit" | "timeZone">
      ): Effect.Effect<
        FinalStatement | null,
        E | NotFound | TaxYearPeriod.TaxYearPeriodError | SqlError | FileStoreError
      > =>
        sql
          .withTransaction(
            Effect.gen(function* () {
              const { gathered, head: h } = yield* inputs.lockAndGather(personTaxYearId)
              const period = TaxYearPeriod.check(h.yearPart, "generateFinalSettlements")
              if (Either.isLeft(period)) return yield* Effect.fail(period.left)
              if (!h.fullyTaxLiable || h.finalActive === 0 || h.validStatements > 0) return null
              const form = {
                interestOnRemainder: 0,
                extraPaymentForPreviousMissing: 0,
                textUsedForPayment: "BULK" as const
              }
              return (yield* insert(yield* gathered, form, h.today, options)).statement
            })
          )
          .pipe(Effect.withSpan("FinalStatements.generateBulk")),

      /**
       * "Markér som ugyldig" (staff-web.md §11.3): only while the e-Boks status is `created`; sets `invalid` and
       * cancels its pending transaction (integrations.md §2.8), in one transaction.
       */
      invalidate: Effect.fn("FinalStatements.invalidate")(function* (uuid: string) {
        return yield* sql.withTransaction(
          Effect.gen(function* () {
            const [row] = yield* sql<{
              status: string
            }>`select status from kas.final_statement where uuid = ${uuid} for update`
            if (row === undefined) return yield* Effect.fail(NotFound.of("Slutopgørelse", uuid))
            if (row.status !== "created") {
              return yield* refuse("invalidate", "Kun en slutopgørelse der ikke er afsendt kan markeres som ugyldig")
            }
            yield* sql`update kas.final_statement set invalid = true where uuid = ${uuid} and not invalid`
            const cancelled = yield* transactions.cancelForStatement(uuid)
            return { statement: yield* get(uuid), cancelledTransactions: cancelled }
          })
        )
      })
    }
  })
}) {}
