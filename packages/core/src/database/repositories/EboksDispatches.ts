import { SqlClient } from "@effect/sql"
import { Effect } from "effect"
import type { DispatchStatus, PostProcessingStatus, RecipientStatus } from "../../domain/Dispatch.js"
import { DomainRuleError, NotFound } from "../../domain/DomainError.js"

/** Which kind of document: a final statement (key = its uuid) or a tax slip (key = its id). */
export type DispatchKind = "final_statement" | "tax_slip"

/** A document as the e-Boks dispatch reads and records it (domain.md §2.11). */
export interface DispatchItem {
  readonly kind: DispatchKind
  /** The statement's uuid or the tax slip's id, as text. */
  readonly key: string
  readonly cpr: string
  readonly title: string
  readonly fileId: string
  readonly status: DispatchStatus
  readonly messageId: string | null
  /** A send that was started and not recorded (the intent); reconcile it before sending again. */
  readonly pendingMessageId: string | null
  readonly taxYearId: number
}

/** What e-Boks answered for the recipient of a sent message. */
export interface SendOutcome {
  readonly messageId: string
  readonly recipientStatus: RecipientStatus
  readonly postProcessingStatus: PostProcessingStatus
}

const table = (kind: DispatchKind) => (kind === "final_statement" ? "kas.final_statement" : "kas.tax_slip")
const keyColumn = (kind: DispatchKind) => (kind === "final_statement" ? "uuid" : "id")
const fileColumn = (kind: DispatchKind) => (kind === "final_statement" ? "pdf_file_id" : "file_id")

const itemSelect = (kind: DispatchKind) => `select '${kind}' as kind, d.${keyColumn(kind)}::text as key, p.cpr, d.title,
    d.${fileColumn(kind)}::text as file_id, d.status, d.message_id, d.pending_message_id, pty.tax_year_id
  from ${table(kind)} d
  join kas.person_tax_year pty on pty.id = d.person_tax_year_id
  join kas.person p on p.id = pty.person_id`

interface ItemRow {
  readonly kind: DispatchKind
  readonly key: string
  readonly cpr: string
  readonly title: string
  readonly file_id: string
  readonly status: DispatchStatus
  readonly message_id: string | null
  readonly pending_message_id: string | null
  readonly tax_year_id: number
}

const toItem = (r: ItemRow): DispatchItem => ({
  kind: r.kind,
  key: r.key,
  cpr: r.cpr,
  title: r.title,
  fileId: r.file_id,
  status: r.status,
  messageId: r.message_id,
  pendingMessageId: r.pending_message_id,
  taxYearId: r.tax_year_id
})

/**
 * The e-Boks dispatch records of final statements and tax slips (integrations.md §1, jobs.md §8.10, §8.11, §8.16):
 * the bulk selection, the intent recorded before a send (so that a crash never sends twice), the outcome, failures
 * and the post-processing resolution. The sending itself is the e-Boks port of the worker.
 */
export class EboksDispatches extends Effect.Service<EboksDispatches>()("@kas/core/EboksDispatches", {
  effect: Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient

    const get = Effect.fn("EboksDispatches.get")(function* (kind: DispatchKind, key: string) {
      const rows = yield* sql.unsafe<ItemRow>(`${itemSelect(kind)} where d.${keyColumn(kind)}::text = $1`, [key])
      if (rows[0] === undefined) {
        return yield* Effect.fail(NotFound.of(kind === "final_statement" ? "Slutopgørelse" : "Selvangivelse", key))
      }
      return toItem(rows[0])
    })

    return {
      get,
      /**
       * jobs.md §8.10 steps 1–2, in one transaction: the year's final statements with status `created`, skipping
       * invalid ones, test persons and persons whose status is Dead or Invalid; sets their title and returns them.
       */
      selectForBulk: Effect.fn("EboksDispatches.selectForBulk")(function* (taxYearId: number, title: string) {
        const rows = yield* sql.withTransaction(
          sql.unsafe<ItemRow>(
            `with selected as (
               update kas.final_statement s set title = $2
               from kas.person_tax_year pty, kas.person p
               where pty.id = s.person_tax_year_id and p.id = pty.person_id and pty.tax_year_id = $1
                 and s.status = 'created' and not s.invalid and not p.is_test_person
                 and p.status not in ('Dead', 'Invalid')
               returning s.uuid)
             ${itemSelect("final_statement")} where d.uuid in (select uuid from selected)
             order by p.cpr, d.created_at`,
            [taxYearId, title]
          )
        )
        return rows.map(toItem)
      }),
      /** Sets the e-Boks title of one document (jobs.md §8.11 step 1). */
      setTitle: Effect.fn("EboksDispatches.setTitle")(function* (kind: DispatchKind, key: string, title: string) {
        yield* sql.unsafe(`update ${table(kind)} set title = $2 where ${keyColumn(kind)}::text = $1`, [key, title])
        return yield* get(kind, key)
      }),
      /**
       * Records the intent to send `messageId` before the request goes out (committed at once). Refused unless the
       * document may be sent (`created` or `failed`; integrations.md §1.3: sending one already `send` is an error).
       */
      recordIntent: Effect.fn("EboksDispatches.recordIntent")(function* (
        kind: DispatchKind,
        key: string,
        messageId: string
      ) {
        const rows = yield* sql.unsafe(
          `update ${table(kind)} set pending_message_id = $2
           where ${keyColumn(kind)}::text = $1 and status in ('created', 'failed') returning 1`,
          [key, messageId]
        )
        if (rows.length === 0) {
          yield* get(kind, key)
          return yield* Effect.fail(
            new DomainRuleError({ rule: "dispatch", message: "Dokumentet er allerede afsendt og kan ikke sendes igen" })
          )
        }
      }),
      /** Records a sent message (§1.3 step 3): `send`, or `post_processing` while e-Boks post-processes it. */
      recordSent: Effect.fn("EboksDispatches.recordSent")(function* (
        kind: DispatchKind,
        key: string,
        outcome: SendOutcome
      ) {
        const status: DispatchStatus = outcome.postProcessingStatus === "" ? "send" : "post_processing"
        yield* sql.unsafe(
          `update ${table(kind)} set message_id = $2, recipient_status = $3, post_processing_status = $4, status = $5,
             send_at = now(), pending_message_id = null
           where ${keyColumn(kind)}::text = $1`,
          [key, outcome.messageId, outcome.recipientStatus, outcome.postProcessingStatus, status]
        )
        return yield* get(kind, key)
      }),
      /**
       * Records a final failure (§1.3 step 4). The intent stays: the next attempt asks e-Boks whether that message
       * arrived after all before it sends anything.
       */
      recordFailed: Effect.fn("EboksDispatches.recordFailed")(function* (kind: DispatchKind, key: string) {
        yield* sql.unsafe(`update ${table(kind)} set status = 'failed' where ${keyColumn(kind)}::text = $1`, [key])
      }),
      /** Forgets an intent that e-Boks does not know (nothing arrived), so the next send starts afresh. */
      clearIntent: Effect.fn("EboksDispatches.clearIntent")(function* (kind: DispatchKind, key: string) {
        yield* sql.unsafe(`update ${table(kind)} set pending_message_id = null where ${keyColumn(kind)}::text = $1`, [
          key
        ])
      }),
      /**
       * The documents in `post_processing` with their message ids: final statements of a year (bulk dispatch, §8.10
       * step 4), or every final statement and tax slip (the hourly update, §8.16).
       */
      postProcessing: Effect.fn("EboksDispatches.postProcessing")(function* (
        scope: { readonly taxYearId: number } | "all"
      ) {
        const statements = yield* sql.unsafe<ItemRow>(
          `${itemSelect("final_statement")} where d.status = 'post_processing' and d.message_id is not null
           ${scope === "all" ? "" : "and pty.tax_year_id = $1"} order by d.send_at, d.uuid`,
          scope === "all" ? [] : [scope.taxYearId]
        )
        const slips =
          scope === "all"
            ? yield* sql.unsafe<ItemRow>(
                `${itemSelect("tax_slip")} where d.status = 'post_processing' and d.message_id is not null
                 order by d.send_at, d.id`
              )
            : []
        return [...statements, ...slips].map(toItem)
      }),
      /** A post-processed message is resolved (§1.5 step 3): status `send` with its post-processing status. */
      resolvePostProcessing: Effect.fn("EboksDispatches.resolvePostProcessing")(function* (
        kind: DispatchKind,
        key: string,
        postProcessingStatus: PostProcessingStatus
      ) {
        yield* sql.unsafe(
          `update ${table(kind)} set status = 'send', post_processing_status = $2
           where ${keyColumn(kind)}::text = $1 and status = 'post_processing'`,
          [key, postProcessingStatus]
        )
      })
    }
  })
}) {}
