import { type ActiveTransactionRow, type BatchListRow, PrismeDestination } from "@kas/core"
import type { JobRecord } from "@kas/jobs"
import type { Format } from "../web/Format.js"
import type { Paging } from "../web/Paging.js"

/** Batches and transactions are listed 15 a page (staff-web.md §12). */
export const BATCH_PAGE_SIZE = 15

/** The statuses from which a batch may be sent (integrations.md §2.10). */
export const sendable = (status: string) => status === "created" || status === "failed"

/** The text refusing the send page for a batch in another status (staff-web.md §12, checked on the server). */
export const notSendableMessage = (status: string) =>
  `Bunken kan ikke sendes, da den har status "${PrismeDestination.batchStatusLabels[status] ?? status}"`

/** The title of a batch (domain.md §2.15): "Prisme 10Q bunke {created} ({status label})". */
export const batchTitle = (fmt: Format, b: BatchListRow) =>
  `Prisme 10Q bunke ${fmt.dateTime(b.created)} (${PrismeDestination.batchStatusLabels[b.status] ?? b.status})`

/** One row of "Prisme-overførsler". */
export const batchRow = (fmt: Format, b: BatchListRow) => ({
  href: `/prisme/batch/${b.id}/`,
  title: batchTitle(fmt, b),
  year: b.year,
  created: fmt.dateTime(b.created),
  createdBy: b.created_by ?? "",
  status: PrismeDestination.batchStatusLabels[b.status] ?? b.status,
  delivered: fmt.dateTime(b.delivered),
  deliveredBy: b.delivered_by ?? ""
})

/** The batch page (staff-web.md §12). */
export const batchView = (
  fmt: Format,
  batch: BatchListRow,
  transactions: { readonly rows: ReadonlyArray<ActiveTransactionRow>; readonly paging: Paging },
  jobs: ReadonlyArray<JobRecord>,
  canSend: boolean
) => ({
  title: batchTitle(fmt, batch),
  batch: batchRow(fmt, batch),
  deliveryError: batch.delivery_error,
  downloadHref: `/prisme/batch/${batch.id}/download`,
  sendHref: `/prisme/batch/${batch.id}/send`,
  showSend: canSend && sendable(batch.status),
  jobs: jobs.map((j) => ({
    href: `/worker/job/${j.id}/`,
    title: j.title ?? "Sender et Q10 batch",
    progress: j.progress
  })),
  transactions: transactions.rows.map((t) => ({
    personHref: `/tax_year/${t.year}/persons/${t.person_id}/`,
    person: `${fmt.cpr(t.cpr)}${t.name ? ` ${t.name}` : ""}`,
    statement: t.statement_created === null ? "" : fmt.dateTime(t.statement_created),
    // The transaction's own status once the batch is delivered, else the batch's.
    status:
      batch.status === "delivered"
        ? (PrismeDestination.transactionStatusLabels[t.status] ?? t.status)
        : (PrismeDestination.batchStatusLabels[batch.status] ?? batch.status),
    created: fmt.dateTime(t.created_at),
    amount: fmt.kroner(t.amount)
  })),
  paging: transactions.paging,
  pageHref: (p: number) => `/prisme/batch/${batch.id}/?page=${p}`
})
