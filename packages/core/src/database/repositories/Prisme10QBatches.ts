import { SqlClient } from "@effect/sql"
import { Effect, Schema, Stream } from "effect"
import { INDIFFERENCE_LIMIT } from "../../domain/Calculation.js"
import { DomainRuleError, NotFound } from "../../domain/DomainError.js"
import { Prisme10QBatch, Transaction } from "../../domain/FinalStatement.js"
import { kronerOf } from "../../domain/Kroner.js"
import { randomUUID } from "node:crypto"
import { TaxYears } from "./TaxYears.js"
import type { TenQRenderer } from "./Transactions.js"

const decodeBatches = Schema.decodeUnknown(Schema.Array(Prisme10QBatch))
const decodeTransactions = Schema.decodeUnknown(Schema.Array(Transaction))

/** Where a batch was sent (integrations.md §2.7); the development destination leaves the batch `created`. */
export type Destination = "10q_production" | "10q_development" | "10q_mocking"

/** A batch as the batch pages list it (staff-web.md §12). */
export interface BatchListRow {
  readonly id: number
  readonly year: number
  readonly created: Date
  readonly status: string
  readonly delivered: Date | null
  readonly created_by: string | null
  readonly delivered_by: string | null
  readonly delivery_error: string
  readonly collect_date: string | null
}

/** An active transaction with its person, as the batch page lists it. */
export interface ActiveTransactionRow {
  readonly uuid: string
  readonly amount: number
  readonly status: string
  readonly created_at: Date
  readonly final_statement_uuid: string | null
  readonly person_tax_year_id: number
  readonly year: number
  readonly person_id: number
  readonly cpr: string
  readonly name: string | null
  readonly statement_created: Date | null
}

/** The indifference limit L (`TRANSACTION_INDIFFERENCE_LIMIT`, default 100). */
export interface LimitOptions {
  readonly indifferenceLimit?: number | undefined
}

/** Which part of the file: `first` = only the first N active transactions (the development destination, §2.6). */
export interface ContentOptions extends LimitOptions {
  readonly first?: number | undefined
}

const CRLF = new Uint8Array([13, 10])
const encoder = new TextEncoder()

const batchColumns = `id, tax_year_id, created, created_by_id, collect_date::text as collect_date, status, delivered,
  delivered_by_id, delivery_error`
const transactionColumns = `uuid, person_tax_year_id, amount::text as amount, status, type, created_at,
  final_statement_uuid, prepayment_file_id, prepayment_id, prisme10q_batch_id, summary, prisme10q_content`

/**
 * Prisme 10Q batches (domain.md §2.15, integrations.md §2.2–§2.10): creation, the active transactions and the file
 * content, and the status transitions of sending (created/failed → delivering → delivered | created | failed), each
 * in one transaction and refused from any other status.
 */
export class Prisme10QBatches extends Effect.Service<Prisme10QBatches>()("@kas/core/Prisme10QBatches", {
  dependencies: [TaxYears.Default],
  effect: Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const taxYears = yield* TaxYears

    const one = (rows: ReadonlyArray<unknown>, id: number) =>
      decodeBatches(rows).pipe(
        Effect.orDie,
        Effect.flatMap((bs) => (bs[0] ? Effect.succeed(bs[0]) : Effect.fail(NotFound.of("Prisme 10Q bunke", id))))
      )

    const get = Effect.fn("Prisme10QBatches.get")(function* (id: number) {
      return yield* one(yield* sql.unsafe(`select ${batchColumns} from kas.prisme10q_batch where id = $1`, [id]), id)
    })

    /** Moves a batch from one of `from` to `to` (locking the row); fails with a clear message otherwise. */
    const transition = (id: number, from: ReadonlyArray<string>, set: string, params: ReadonlyArray<unknown>) =>
      Effect.gen(function* () {
        const [row] = yield* sql<{ status: string }>`select status from kas.prisme10q_batch where id = ${id} for update`
        if (row === undefined) return yield* Effect.fail(NotFound.of("Prisme 10Q bunke", id))
        if (!from.includes(row.status)) {
          return yield* Effect.fail(
            new DomainRuleError({
              rule: "batch-status",
              message: `Bunken har status "${row.status}"; det kræver status ${from
                .map((s) => `"${s}"`)
                .join(" eller ")}`
            })
          )
        }
        return yield* one(
          yield* sql.unsafe(`update kas.prisme10q_batch set ${set} where id = $1 returning ${batchColumns}`, [
            id,
            ...params
          ]),
          id
        )
      })

    const active = (batchId: number, limit: number, columns = transactionColumns, first: number | null = null) =>
      sql.unsafe<{ readonly prisme10q_content: string }>(
        `select ${columns} from kas.transaction
         where prisme10q_batch_id = $1 and status not in ('cancelled', 'indifferent') and abs(amount) >= $2
         order by created_at, uuid
         limit $3`,
        [batchId, limit, first]
      )

    return {
      get,
      /**
       * "Generering af Transaktioner og batch" (jobs.md §8.9), in one transaction: only in `ligning`. Considers the
       * year's valid statements of persons who are not test persons and that have no prisme10q transaction that is not
       * cancelled; creates one batch (collect date 1 September of the current calendar year, created by the job's
       * creator) unless no statement has a Prisme amount ≠ 0, and one transaction per such statement (integrations.md
       * §2.3), written set-based. Returns the batch, the transactions and the statements considered.
       */
      generateForYear: Effect.fn("Prisme10QBatches.generateForYear")(function* (
        taxYearId: number,
        options: {
          readonly createdById: number | null
          readonly tenQ: TenQRenderer
          readonly jobTitle?: string | undefined
        }
      ) {
        return yield* sql.withTransaction(
          Effect.gen(function* () {
            const year = yield* taxYears.requirePeriod(taxYearId, "generateBatchAndTransactions", {
              jobTitle: options.jobTitle
            })
            const statements = yield* sql<{
              uuid: string
              person_tax_year_id: number
              cpr: string
              amount: string | null
              summary: string | null
              collect: string
            }>`
              select s.uuid, s.person_tax_year_id, p.cpr, s.amounts ->> 'prisme_amount' as amount,
                s.amounts ->> 'summary' as summary,
                make_date(extract(year from kas.today())::int, 9, 1)::text as collect
              from kas.final_statement s join kas.person_tax_year pty on pty.id = s.person_tax_year_id
              join kas.person p on p.id = pty.person_id
              where pty.tax_year_id = ${taxYearId} and not s.invalid and not p.is_test_person
                and not exists (select 1 from kas.transaction t where t.final_statement_uuid = s.uuid
                  and t.type = 'prisme10q' and t.status <> 'cancelled')
              order by s.created_at, s.uuid
              for update of s`
            const charged = statements.filter((s) => s.amount !== null && kronerOf(s.amount) !== 0)
            if (charged.length === 0) return { batch: null, transactions: 0, statements: statements.length }
            const batch = yield* one(
              yield* sql.unsafe(
                `insert into kas.prisme10q_batch (tax_year_id, created_by_id, collect_date) values ($1, $2, $3::date)
                 returning ${batchColumns}`,
                [taxYearId, options.createdById, charged[0]!.collect]
              ),
              taxYearId
            )
            const rows: Array<{
              uuid: string
              statement: string
              pty: number
              amount: number
              summary: string
              content: string
            }> = []
            for (const s of charged) {
              const uuid = randomUUID()
              const amount = kronerOf(s.amount!)
              const content = yield* options.tenQ({
                uuid,
                amount,
                cpr: s.cpr,
                year: year.year,
                rateText: year.rate_text_for_transactions,
                dueDate: s.collect
              })
              rows.push({
                uuid,
                statement: s.uuid,
                pty: s.person_tax_year_id,
                amount,
                summary: s.summary ?? "",
                content
              })
            }
            yield* sql.unsafe(
              `insert into kas.transaction (uuid, person_tax_year_id, amount, type, final_statement_uuid,
                 prisme10q_batch_id, summary, prisme10q_content)
               select u.uuid, u.pty, u.amount, 'prisme10q', u.statement, $1, u.summary, u.content
               from unnest($2::uuid[], $3::int[], $4::bigint[], $5::uuid[], $6::text[], $7::text[])
                 as u(uuid, pty, amount, statement, summary, content)`,
              [
                batch.id,
                rows.map((r) => r.uuid),
                rows.map((r) => r.pty),
                rows.map((r) => r.amount),
                rows.map((r) => r.statement),
                rows.map((r) => r.summary),
                rows.map((r) => r.content)
              ]
            )
            return { batch, transactions: rows.length, statements: statements.length }
          })
        )
      }),
      /** Creates a batch (status `created`). */
      create: Effect.fn("Prisme10QBatches.create")(function* (input: {
        readonly taxYearId: number
        readonly createdById: number | null
        readonly collectDate: string | null
      }) {
        const rows = yield* sql.unsafe(
          `insert into kas.prisme10q_batch (tax_year_id, created_by_id, collect_date) values ($1, $2, $3::date)
           returning ${batchColumns}`,
          [input.taxYearId, input.createdById, input.collectDate]
        )
        return yield* one(rows, input.taxYearId)
      }),
      /** Batches, newest first, 15 per page (page 1 first). */
      list: Effect.fn("Prisme10QBatches.list")(function* (page = 1, pageSize = 15) {
        return yield* decodeBatches(
          yield* sql.unsafe(
            `select ${batchColumns} from kas.prisme10q_batch order by created desc, id desc
            limit $1 offset $2`,
            [pageSize, (Math.max(1, page) - 1) * pageSize]
          )
        ).pipe(Effect.orDie)
      }),
      /**
       * The batch list of staff-web.md §12: newest first, with the tax year and the creator's and sender's user
       * names; `total` for the pager.
       */
      page: Effect.fn("Prisme10QBatches.page")(function* (request: {
        readonly offset: number
        readonly limit: number
      }) {
        const rows = yield* sql.unsafe<BatchListRow & { total: number }>(
          `select b.id, ty.year, b.created, b.status, b.delivered, cu.username as created_by,
             du.username as delivered_by, b.delivery_error, b.collect_date::text as collect_date,
             count(*) over ()::int as total
           from kas.prisme10q_batch b join kas.tax_year ty on ty.id = b.tax_year_id
           left join web.users cu on cu.id = b.created_by_id
           left join web.users du on du.id = b.delivered_by_id
           order by b.created desc, b.id desc
           limit $1 offset $2`,
          [request.limit, request.offset]
        )
        const total =
          rows[0]?.total ??
          (yield* sql<{ n: number }>`select count(*)::int as n from kas.prisme10q_batch`.pipe(
            Effect.map((r) => r[0]!.n)
          ))
        return { rows: rows.map(({ total: _, ...row }) => row as BatchListRow), total }
      }),
      /** One batch as the list shows it (NotFound when missing). */
      detail: Effect.fn("Prisme10QBatches.detail")(function* (id: number) {
        const [row] = yield* sql.unsafe<BatchListRow>(
          `select b.id, ty.year, b.created, b.status, b.delivered, cu.username as created_by,
             du.username as delivered_by, b.delivery_error, b.collect_date::text as collect_date
           from kas.prisme10q_batch b join kas.tax_year ty on ty.id = b.tax_year_id
           left join web.users cu on cu.id = b.created_by_id
           left join web.users du on du.id = b.delivered_by_id
           where b.id = $1`,
          [id]
        )
        if (row === undefined) return yield* Effect.fail(NotFound.of("Prisme 10Q bunke", id))
        return row
      }),
      /** A page of the active transactions (§2.4) with their person, for the batch page; `total` for the pager. */
      activePage: Effect.fn("Prisme10QBatches.activePage")(function* (
        batchId: number,
        request: { readonly offset: number; readonly limit: number } & LimitOptions
      ) {
        const rows = yield* sql.unsafe<ActiveTransactionRow & { total: number; amount: string }>(
          `select t.uuid, t.amount::text as amount, t.status, t.created_at, t.final_statement_uuid,
             t.person_tax_year_id, ty.year, p.id as person_id, p.cpr, p.name, s.created_at as statement_created,
             count(*) over ()::int as total
           from kas.transaction t
           left join kas.final_statement s on s.uuid = t.final_statement_uuid
           join kas.person_tax_year pty on pty.id = t.person_tax_year_id
           join kas.person p on p.id = pty.person_id
           join kas.tax_year ty on ty.id = pty.tax_year_id
           where t.prisme10q_batch_id = $1 and t.status not in ('cancelled', 'indifferent') and abs(t.amount) >= $2
           order by t.created_at, t.uuid
           limit $3 offset $4`,
          [batchId, request.indifferenceLimit ?? INDIFFERENCE_LIMIT, request.limit, request.offset]
        )
        const total =
          rows[0]?.total ??
          (yield* active(batchId, request.indifferenceLimit ?? INDIFFERENCE_LIMIT, "uuid").pipe(
            Effect.map((r) => r.length)
          ))
        return {
          rows: rows.map(({ total: _, amount, ...row }) => ({ ...row, amount: kronerOf(amount) })),
          total
        }
      }),
      /**
       * The active transactions (§2.4): neither cancelled nor indifferent and |amount| ≥ L, by creation time then
       * uuid. Only these are written to the file and listed.
       */
      activeTransactions: Effect.fn("Prisme10QBatches.activeTransactions")(function* (
        batchId: number,
        options?: LimitOptions
      ) {
        yield* get(batchId)
        return yield* decodeTransactions(yield* active(batchId, options?.indifferenceLimit ?? INDIFFERENCE_LIMIT)).pipe(
          Effect.orDie
        )
      }),
      /** The 10Q file content (§2.5): the active transactions' stored lines joined with CRLF, no trailing CRLF. */
      content: Effect.fn("Prisme10QBatches.content")(function* (batchId: number, options?: ContentOptions) {
        yield* get(batchId)
        const rows = yield* active(
          batchId,
          options?.indifferenceLimit ?? INDIFFERENCE_LIMIT,
          "prisme10q_content",
          options?.first ?? null
        )
        return rows.map((r) => r.prisme10q_content).join("\r\n")
      }),
      /** The number of active transactions and the size in bytes of the content (§2.5), for upload progress. */
      contentSize: Effect.fn("Prisme10QBatches.contentSize")(function* (batchId: number, options?: ContentOptions) {
        const [row] = yield* sql.unsafe<{ n: number; bytes: string }>(
          `select count(*)::int as n, (coalesce(sum(octet_length(prisme10q_content)), 0)
             + 2 * greatest(count(*) - 1, 0))::text as bytes
           from (select prisme10q_content from kas.transaction
             where prisme10q_batch_id = $1 and status not in ('cancelled', 'indifferent') and abs(amount) >= $2
             order by created_at, uuid limit $3) t`,
          [batchId, options?.indifferenceLimit ?? INDIFFERENCE_LIMIT, options?.first ?? null]
        )
        return { transactions: row!.n, bytes: Number(row!.bytes) }
      }),
      /**
       * The same content as UTF-8 chunks read through a cursor (one transaction's lines per chunk, CRLF between),
       * so a batch of any size is written without holding the file in memory. Fails with NotFound for no batch.
       */
      contentStream: (batchId: number, options?: ContentOptions) =>
        Stream.unwrap(
          get(batchId).pipe(
            Effect.map(() =>
              active(
                batchId,
                options?.indifferenceLimit ?? INDIFFERENCE_LIMIT,
                "prisme10q_content",
                options?.first ?? null
              ).stream.pipe(
                Stream.map((row) => encoder.encode(row.prisme10q_content)),
                Stream.zipWithIndex,
                Stream.mapConcat(([bytes, i]) => (i === 0 ? [bytes] : [CRLF, bytes]))
              )
            )
          )
        ),
      /** The send page: created or failed → delivering, delivery fields cleared (staff-web.md §12). */
      startSending: Effect.fn("Prisme10QBatches.startSending")(function* (id: number) {
        return yield* sql.withTransaction(
          transition(
            id,
            ["created", "failed"],
            "status = 'delivering', delivered = null, delivered_by_id = null, delivery_error = ''",
            []
          )
        )
      }),
      /**
       * The upload succeeded (§2.6 step 6–7): production and mocking → `delivered`, development → back to `created`;
       * `delivered`/`delivered_by` are set in every case. When delivered, the active transactions become
       * `transferred` and those below the limit (not cancelled) `indifferent`.
       */
      markSent: Effect.fn("Prisme10QBatches.markSent")(function* (
        id: number,
        input: { readonly destination: Destination; readonly deliveredById: number | null } & LimitOptions
      ) {
        const limit = input.indifferenceLimit ?? INDIFFERENCE_LIMIT
        const status = input.destination === "10q_development" ? "created" : "delivered"
        return yield* sql.withTransaction(
          Effect.gen(function* () {
            const batch = yield* transition(
              id,
              ["delivering"],
              "status = $2, delivered = now(), delivered_by_id = $3",
              [status, input.deliveredById]
            )
            if (status === "delivered") {
              yield* sql`update kas.transaction
                set status = case when abs(amount) >= ${limit} then 'transferred' else 'indifferent' end
                where prisme10q_batch_id = ${id} and status in ('created', 'ready')`
            }
            return batch
          })
        )
      }),
      /** Any error while building or uploading (§2.6 step 8): delivering → failed with the error text. */
      markFailed: Effect.fn("Prisme10QBatches.markFailed")(function* (id: number, error: string) {
        return yield* sql.withTransaction(
          transition(id, ["delivering"], "status = 'failed', delivery_error = $2", [error])
        )
      })
    }
  })
}) {}
