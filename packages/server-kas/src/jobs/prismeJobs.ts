import {
  DomainRuleError,
  type KasConfig,
  Prisme10QBatches,
  PrismeDestination,
  SystemUsers,
  TaxYearPeriod,
  TenQ
} from "@kas/core"
import { defineJob, JobFailed, JobStore } from "@kas/jobs"
import { Context, Effect, Layer, Schema, Stream } from "effect"
import { Prisme } from "../prisme/Prisme.js"

/** What the Prisme jobs read from the worker's settings (configuration.md §4.1, §4.5). */
export class PrismeJobSettings extends Context.Tag("@kas/server-kas/PrismeJobSettings")<
  PrismeJobSettings,
  {
    readonly environment: KasConfig.Environment
    readonly projectId: string
    readonly indifferenceLimit: number
  }
>() {
  static readonly layer = (settings: {
    readonly environment: KasConfig.Environment
    readonly tenqProjectId: string
    readonly transactionIndifferenceLimit: number
  }) =>
    Layer.succeed(PrismeJobSettings, {
      environment: settings.environment,
      projectId: settings.tenqProjectId,
      indifferenceLimit: settings.transactionIndifferenceLimit
    })
}

const YearPk = Schema.Int.pipe(Schema.positive()).annotations({ title: "Skatteår" })
const StatusResult = Schema.Struct({ status: Schema.String, message: Schema.String })

const GENERATE_LABEL = TaxYearPeriod.actionLabels.generateBatchAndTransactions

/** A failure with its message also in `result.error` (jobs.md §3.4, §7). */
const failVisibly = <A, R>(effect: Effect.Effect<A, { readonly message: string } | JobFailed, R>) =>
  effect.pipe(
    Effect.catchAll((e) =>
      e instanceof JobFailed
        ? Effect.fail(e)
        : Effect.fail(new JobFailed({ message: e.message, result: { error: e.message } }))
    )
  )

/**
 * "Generering af Transaktioner og batch for et givent år" (jobs.md §8.9): only in `ligning`; one batch with a
 * transaction per valid, non-test statement with a Prisme amount ≠ 0 that has none yet; no empty batch.
 */
export const GenerateBatchAndTransactionsJob = defineJob({
  key: "GenerateBatchAndTransactions",
  label: GENERATE_LABEL,
  params: Schema.Struct({ year_pk: YearPk }),
  result: StatusResult,
  run: (params, ctx) =>
    failVisibly(
      Effect.gen(function* () {
        const settings = yield* PrismeJobSettings
        const createdById = yield* (yield* SystemUsers).find(ctx.createdBy)
        const generated = yield* (yield* Prisme10QBatches).generateForYear(params.year_pk, {
          createdById,
          tenQ: TenQ.renderer({ projectId: settings.projectId }),
          jobTitle: GENERATE_LABEL
        })
        return {
          status: "Genererede batch og transaktioner",
          message:
            `Genererede ${generated.transactions} transaktioner ` +
            `på baggrund af ${generated.statements} slutopgørelser`
        }
      })
    )
})

const Destination = Schema.Literal("10q_production", "10q_development", "10q_mocking").annotations({
  title: "Destination"
})

/**
 * "Sender et Q10 batch" (jobs.md §8.13, integrations.md §2.6): checks the destination again, writes the active
 * transactions' lines (the development destination only the first 100) as `KAS_10Q_export_….10q` to the
 * destination's SFTP folder (the mocking destination uploads nothing), with upload progress, and records the result
 * on the batch: delivered (production, mocking) or back to created (development); any error → failed with the
 * error text, also the job's `result.error`.
 */
export const SendBatchJob = defineJob({
  key: "SendBatch",
  label: "Sender et Q10 batch",
  params: Schema.Struct({
    pk: Schema.Int.pipe(Schema.positive()).annotations({ title: "Bunke" }),
    destination: Destination
  }),
  result: StatusResult,
  run: (params, ctx) =>
    Effect.gen(function* () {
      const settings = yield* PrismeJobSettings
      const batches = yield* Prisme10QBatches
      const batch = yield* batches.get(params.pk)
      // Started elsewhere than the send page (e.g. `kas execute-job`): the same transition the page makes. A batch
      // that is not being delivered (delivered, cancelled) is left alone and nothing is uploaded.
      if (batch.status === "created" || batch.status === "failed") yield* batches.startSending(params.pk)
      else if (batch.status !== "delivering") {
        const message = `Bunken har status "${PrismeDestination.batchStatusLabels[batch.status] ?? batch.status}"`
        return yield* Effect.fail(new JobFailed({ message, result: { error: message } }))
      }
      const fail = (message: string) =>
        batches
          .markFailed(params.pk, message)
          .pipe(Effect.zipRight(Effect.fail(new JobFailed({ message, result: { error: message } }))))
      const send = Effect.gen(function* () {
        if (!PrismeDestination.isAllowed(settings.environment, params.destination)) {
          return yield* Effect.fail({ message: PrismeDestination.notAllowedMessage(params.destination) })
        }
        const options = {
          indifferenceLimit: settings.indifferenceLimit,
          first: params.destination === "10q_development" ? 100 : undefined
        }
        const fileName = PrismeDestination.uploadFileName(new Date())
        const size = yield* batches.contentSize(params.pk, options)
        const content = batches.contentStream(params.pk, options)
        if (params.destination === "10q_mocking") {
          yield* Stream.runDrain(content)
        } else {
          const prisme = yield* Prisme
          yield* prisme.upload({
            destination: params.destination,
            fileName,
            content,
            progress: (bytes) => ctx.progress(bytes, Math.max(size.bytes, 1))
          })
        }
        return fileName
      })
      const fileName = yield* send.pipe(
        Effect.catchAll((e) => fail((e as { readonly message?: string }).message ?? String(e))),
        Effect.catchAllDefect((d) => fail(d instanceof Error ? d.message : String(d)))
      )
      const deliveredById = yield* (yield* SystemUsers).find(ctx.createdBy)
      const sent = yield* batches.markSent(params.pk, {
        destination: params.destination,
        deliveredById,
        indifferenceLimit: settings.indifferenceLimit
      })
      return {
        status: PrismeDestination.batchStatusLabels[sent.status] ?? sent.status,
        message: `Fil ${fileName} sendt til ${PrismeDestination.labelOf(params.destination)}`
      }
    }).pipe(
      Effect.catchAll((e) =>
        e instanceof JobFailed
          ? Effect.fail(e)
          : Effect.fail(new JobFailed({ message: e.message, result: { error: e.message } }))
      )
    )
})

/**
 * The send page (staff-web.md §12): created or failed → delivering with the delivery fields cleared, and the job
 * started by the staff user; refused (a DomainRuleError) from any other status or for a destination the environment
 * does not allow. Returns the job id.
 */
export const startSendBatch = (request: {
  readonly batchId: number
  readonly destination: string
  readonly environment: KasConfig.Environment
  readonly createdBy: string
}) =>
  Effect.gen(function* () {
    const store = yield* JobStore
    if (!PrismeDestination.isAllowed(request.environment, request.destination)) {
      return yield* Effect.fail(
        new DomainRuleError({ rule: "destination", message: PrismeDestination.notAllowedMessage(request.destination) })
      )
    }
    const destination = request.destination
    return yield* store.transaction(
      Effect.gen(function* () {
        yield* (yield* Prisme10QBatches).startSending(request.batchId)
        return yield* store.enqueue(
          SendBatchJob,
          { pk: request.batchId, destination },
          { createdBy: request.createdBy }
        )
      })
    )
  })
