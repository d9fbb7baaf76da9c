import { SqlClient } from "@effect/sql"
import { Effect, Schema } from "effect"
import { NotFound } from "../../domain/DomainError.js"
import * as PrepaymentFile from "../../domain/PrepaymentFile.js"
import { FileStore } from "./FileStore.js"

/** The uploaded file cannot be read: every bad line with its number (jobs.md §8.2 step 1); nothing was imported. */
export class PrepaymentFileInvalid extends Schema.TaggedError<PrepaymentFileInvalid>()("PrepaymentFileInvalid", {
  errors: Schema.Array(Schema.String),
  message: Schema.String
}) {}

/** One created prepayment transaction in the job's result (jobs.md §8.2 step 3). */
export interface CreatedPrepayment {
  readonly transaction: string
  readonly person: number
  readonly year: number
}

/**
 * Prepayment files (domain.md §2.16) and their import (integrations.md §3, jobs.md §8.2): the upload is stored as a
 * PrepaymentFile before its job is enqueued; the import reads the whole file first, then in one transaction creates
 * a `prepayment` transaction (status transferred, amount = −paid) per line whose person-year exists and whose
 * payment id was not imported before (from any file), written set-based.
 */
export class Prepayments extends Effect.Service<Prepayments>()("@kas/core/Prepayments", {
  effect: Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const files = yield* FileStore

    return {
      /** Stores an uploaded file; returns the PrepaymentFile id. */
      storeFile: Effect.fn("Prepayments.storeFile")(function* (input: {
        readonly name: string
        readonly content: Uint8Array
        readonly uploadedById: number | null
      }) {
        const fileId = yield* files.put({
          kind: "prepayment_file",
          name: input.name,
          contentType: "text/csv",
          content: input.content
        })
        const [row] = yield* sql<{ id: number }>`insert into kas.prepayment_file (uploaded_by_id, file_id)
          values (${input.uploadedById}, ${fileId}) returning id`
        return row!.id
      }),

      /** Imports a stored file (see the class); `progress(done, total)` per line. */
      importFile: Effect.fn("Prepayments.importFile")(function* (
        prepaymentFileId: number,
        progress: (done: number, total: number) => Effect.Effect<void> = () => Effect.void
      ) {
        const [stored] = yield* sql<{ file_id: string }>`select file_id from kas.prepayment_file
          where id = ${prepaymentFileId}`
        if (stored === undefined) return yield* Effect.fail(NotFound.of("Forudindbetalingsfil", prepaymentFileId))
        const file = yield* files.get(stored.file_id)
        const parsed = PrepaymentFile.parse(file.content)
        if (parsed.errors.length > 0) {
          const errors = parsed.errors.map(PrepaymentFile.lineErrorText)
          return yield* Effect.fail(
            new PrepaymentFileInvalid({
              errors,
              message: `Filen kunne ikke læses (${errors.length} fejl); intet er importeret`
            })
          )
        }
        const lines = parsed.lines
        return yield* sql.withTransaction(
          Effect.gen(function* () {
            // Serialises imports, so two files with the same payment cannot both pass the duplicate check.
            yield* sql`select pg_advisory_xact_lock(hashtext('kas.prepayment_import'))`
            const found = yield* sql.unsafe<{
              i: number
              pty: number | null
              person: number | null
              name: string | null
              imported: boolean
            }>(
              `select l.i, pty.id as pty, p.id as person, p.name,
                 exists (select 1 from kas.transaction t where t.prepayment_id = l.unique_id) as imported
               from unnest($1::int[], $2::text[], $3::int[], $4::text[]) as l(i, cpr, year, unique_id)
               left join kas.person p on p.cpr = l.cpr
               left join kas.tax_year ty on ty.year = l.year
               left join kas.person_tax_year pty on pty.person_id = p.id and pty.tax_year_id = ty.id
               order by l.i`,
              [lines.map((_, i) => i), lines.map((l) => l.cpr), lines.map((l) => l.year), lines.map((l) => l.uniqueId)]
            )
            const errors: Array<string> = []
            const created: Array<CreatedPrepayment> = []
            const insert: Array<{ pty: number; amount: number; uniqueId: string }> = []
            const seen = new Set<string>()
            for (const [i, line] of lines.entries()) {
              const row = found[i]!
              if (row.pty === null) errors.push(PrepaymentFile.missingPersonYearMessage(line.cpr, line.year))
              else if (row.imported || seen.has(line.uniqueId))
                errors.push(PrepaymentFile.duplicateMessage(line.uniqueId))
              else {
                seen.add(line.uniqueId)
                insert.push({ pty: row.pty, amount: -line.amount, uniqueId: line.uniqueId })
                created.push({
                  transaction: PrepaymentFile.createdText(row.name ?? line.cpr, -line.amount, line.year),
                  person: row.person!,
                  year: line.year
                })
              }
              yield* progress(i + 1, lines.length)
            }
            if (insert.length > 0) {
              yield* sql.unsafe(
                `insert into kas.transaction (person_tax_year_id, amount, status, type, prepayment_file_id,
                   prepayment_id)
                 select u.pty, u.amount, 'transferred', 'prepayment', $1, u.unique_id
                 from unnest($2::int[], $3::bigint[], $4::text[]) as u(pty, amount, unique_id)`,
                [prepaymentFileId, insert.map((r) => r.pty), insert.map((r) => r.amount), insert.map((r) => r.uniqueId)]
              )
            }
            return { created_transactions: created, errors }
          })
        )
      })
    }
  })
}) {}
