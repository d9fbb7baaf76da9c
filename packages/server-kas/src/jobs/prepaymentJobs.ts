import { PrepaymentFileInvalid, Prepayments, SystemUsers } from "@kas/core"
import { defineJob, JobFailed, Params } from "@kas/jobs"
import { Effect, Schema } from "effect"

/** The largest prepayment file (jobs.md §5: ≤ 10 MB, decision). */
export const PREPAYMENT_FILE_MAX_BYTES = 10 * 1024 * 1024

const PrepaymentResult = Schema.Struct({
  created_transactions: Schema.Array(
    Schema.Struct({ transaction: Schema.String, person: Schema.Number, year: Schema.Number })
  ),
  errors: Schema.Array(Schema.String)
})

/**
 * "Import af forudindbetalinger" (jobs.md §8.2, integrations.md §3): the uploaded CSV (stored as a PrepaymentFile
 * before the job was enqueued; `pk` is its id) becomes one prepayment transaction per line whose person-year exists
 * and whose payment was not imported before. A file with unreadable lines fails and imports nothing.
 */
export const ImportPrePaymentFileJob = defineJob({
  key: "ImportPrePaymentFile",
  label: "Import af forudindbetalinger",
  params: Schema.Struct({
    pk: Params.file({ accept: [".csv"], maxBytes: PREPAYMENT_FILE_MAX_BYTES }).annotations({
      title: "Fil",
      description: "CSV-fil med forudindbetalinger (højst 10 MB)"
    })
  }),
  result: PrepaymentResult,
  run: (params, ctx) =>
    Effect.gen(function* () {
      if (!/^\d{1,9}$/.test(params.pk)) {
        const message = `Forudindbetalingsfil ${params.pk} findes ikke`
        return yield* Effect.fail(new JobFailed({ message, result: { error: message } }))
      }
      return yield* (yield* Prepayments).importFile(Number(params.pk), (done, total) => ctx.progress(done, total))
    }).pipe(
      Effect.catchAll((e) =>
        e instanceof JobFailed
          ? Effect.fail(e)
          : Effect.fail(
              new JobFailed({
                message: e.message,
                result: {
                  error: e.message,
                  created_transactions: [],
                  errors: e instanceof PrepaymentFileInvalid ? e.errors : [e.message]
                }
              })
            )
      )
    )
})

/** Stores the start form's upload as a PrepaymentFile (uploaded by the user starting the job); returns its id. */
export const storePrepaymentUpload = (
  upload: { readonly filename: string; readonly content: Uint8Array },
  createdBy: string
) =>
  Effect.gen(function* () {
    const uploadedById = yield* (yield* SystemUsers).find(createdBy)
    const id = yield* (yield* Prepayments).storeFile({
      name: upload.filename,
      content: upload.content,
      uploadedById
    })
    return String(id)
  })
