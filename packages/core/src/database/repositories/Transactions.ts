import { SqlClient } from "@effect/sql"
import { Effect, Schema } from "effect"
import { randomUUID } from "node:crypto"
import { DomainRuleError, NotFound } from "../../domain/DomainError.js"
import { Transaction } from "../../domain/FinalStatement.js"
import { kronerOf } from "../../domain/Kroner.js"

const decodeTransactions = Schema.decodeUnknown(Schema.Array(Transaction))

const columns = `uuid, person_tax_year_id, amount::text as amount, status, type, created_at, final_statement_uuid,
  prepayment_file_id, prepayment_id, prisme10q_batch_id, summary, prisme10q_content`

/** What the 10Q lines of a new transaction are made from (integrations.md §2.5). */
export interface TenQInput {
  readonly uuid: string
  readonly amount: number
  readonly cpr: string
  readonly year: number
  readonly rateText: string
  /** The batch's `collect_date`, or its creation date when empty (YYYY-MM-DD). */
  readonly dueDate: string
}

/**
 * Renders the 10Q lines of a transaction (integrations.md §2.5); a field wider than its width fails with a
 * `DomainRuleError` (the transaction is then not created).
 */
export type TenQRenderer = (input: TenQInput) => Effect.Effect<string, DomainRuleError>

/**
 * Prisme transactions (domain.md §2.14, integrations.md §2.3, §2.8): a statement's charge or refund added to a batch
 * (its amount is the statement's Prisme amount, §5.2), the person-year's transactions, and cancellation when a
 * statement is invalidated. A statement has at most one prisme10q transaction that is not cancelled.
 */
export class Transactions extends Effect.Service<Transactions>()("@kas/core/Transactions", {
  effect: Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient

    const decodeOne = (rows: ReadonlyArray<unknown>, key: string) =>
      decodeTransactions(rows).pipe(
        Effect.orDie,
        Effect.flatMap((ts) => (ts[0] ? Effect.succeed(ts[0]) : Effect.fail(NotFound.of("Transaktion", key))))
      )

    return {
      /** A transaction by uuid. */
      get: Effect.fn("Transactions.get")(function* (uuid: string) {
        return yield* decodeOne(
          yield* sql.unsafe(`select ${columns} from kas.transaction where uuid = $1`, [uuid]),
          uuid
        )
      }),
      /** The transactions of a person-year, oldest first. */
      listByPersonTaxYear: Effect.fn("Transactions.listByPersonTaxYear")(function* (personTaxYearId: number) {
        return yield* decodeTransactions(
          yield* sql.unsafe(
            `select ${columns} from kas.transaction where person_tax_year_id = $1 order by created_at, uuid`,
            [personTaxYearId]
          )
        ).pipe(Effect.orDie)
      }),
      /**
       * Adds the transaction of a statement to a batch (§2.3): the statement's Prisme amount and summary, type
       * prisme10q, status created, and its 10Q lines rendered now. Refused when the tax years differ, the batch is
       * not `created`, the statement is invalid or already has a transaction that is not cancelled.
       */
      addForStatement: Effect.fn("Transactions.addForStatement")(function* (
        statementUuid: string,
        batchId: number,
        render: TenQRenderer
      ) {
        return yield* sql.withTransaction(
          Effect.gen(function* () {
            const [row] = yield* sql<{
              person_tax_year_id: number
              invalid: boolean
              amount: string | null
              summary: string | null
              cpr: string
              year: number
              statement_year: number
              batch_year: number | null
              batch_status: string | null
              rate_text: string
              due_date: string | null
              existing: boolean
            }>`select s.person_tax_year_id, s.invalid, s.amounts ->> 'prisme_amount' as amount,
                s.amounts ->> 'summary' as summary, p.cpr, ty.year, pty.tax_year_id as statement_year,
                b.tax_year_id as batch_year, b.status as batch_status, ty.rate_text_for_transactions as rate_text,
                coalesce(b.collect_date, (b.created at time zone
                  coalesce(nullif(current_setting('kas.timezone', true), ''), 'America/Nuuk'))::date)::text as due_date,
                exists (select 1 from kas.transaction t where t.final_statement_uuid = s.uuid and t.type = 'prisme10q'
                  and t.status <> 'cancelled') as existing
              from kas.final_statement s
              join kas.person_tax_year pty on pty.id = s.person_tax_year_id
              join kas.person p on p.id = pty.person_id
              join kas.tax_year ty on ty.id = pty.tax_year_id
              left join kas.prisme10q_batch b on b.id = ${batchId}
              where s.uuid = ${statementUuid}
              for update of s`
            if (row === undefined) return yield* Effect.fail(NotFound.of("Slutopgørelse", statementUuid))
            if (row.batch_year === null) return yield* Effect.fail(NotFound.of("Prisme 10Q bunke", batchId))
            const refuse = (message: string) => Effect.fail(new DomainRuleError({ rule: "transaction", message }))
            if (row.batch_year !== row.statement_year) {
              return yield* refuse("Slutopgørelsens skatteår er ikke det samme som bunkens skatteår")
            }
            if (row.batch_status !== "created")
              return yield* refuse("Der kan kun tilføjes transaktioner til en bunke der ikke er afsendt")
            if (row.invalid) return yield* refuse("Slutopgørelsen er ugyldig")
            if (row.existing) return yield* refuse("Slutopgørelsen har allerede en transaktion")
            if (row.amount === null) return yield* refuse("Slutopgørelsen har ingen beregnede beløb")
            const uuid = randomUUID()
            const amount = kronerOf(row.amount)
            const content = yield* render({
              uuid,
              amount,
              cpr: row.cpr,
              year: row.year,
              rateText: row.rate_text,
              dueDate: row.due_date!
            })
            const rows = yield* sql.unsafe(
              `insert into kas.transaction (uuid, person_tax_year_id, amount, type, final_statement_uuid,
                 prisme10q_batch_id, summary, prisme10q_content)
               values ($1, $2, $3, 'prisme10q', $4, $5, $6, $7) returning ${columns}`,
              [uuid, row.person_tax_year_id, amount, statementUuid, batchId, row.summary ?? "", content]
            )
            return yield* decodeOne(rows, uuid)
          })
        )
      }),
      /**
       * §2.8: the statement's own prisme10q transactions that are not transferred and whose batch is created or
       * failed become cancelled; a batch all of whose transactions are then cancelled becomes cancelled. Transactions
       * in a delivering or delivered batch are left alone. Returns the number cancelled. Call inside a transaction.
       */
      cancelForStatement: Effect.fn("Transactions.cancelForStatement")(function* (statementUuid: string) {
        const cancelled = yield* sql<{ batch: number | null }>`update kas.transaction t set status = 'cancelled'
          from kas.prisme10q_batch b
          where t.final_statement_uuid = ${statementUuid} and t.type = 'prisme10q'
            and t.status not in ('transferred', 'cancelled')
            and b.id = t.prisme10q_batch_id and b.status in ('created', 'failed')
          returning t.prisme10q_batch_id as batch`
        const batches = [...new Set(cancelled.map((c) => c.batch).filter((b): b is number => b !== null))]
        if (batches.length > 0) {
          yield* sql`update kas.prisme10q_batch b set status = 'cancelled'
            where b.id in ${sql.in(batches)} and b.status in ('created', 'failed')
              and not exists (select 1 from kas.transaction t
                where t.prisme10q_batch_id = b.id and t.status <> 'cancelled')`
        }
        return cancelled.length
      })
    }
  })
}) {}
