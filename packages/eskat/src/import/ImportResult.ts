import { Schema } from "effect"
import type { InvalidRow } from "../Rows.js"

/** One "label: number" item of a result group (jobs.md §7, kind `summary`). */
export const SummaryItem = Schema.Struct({ label: Schema.String, value: Schema.Number })

/** A labelled group of counts. */
export const SummaryGroup = Schema.Struct({ label: Schema.String, value: Schema.Array(SummaryItem) })
/** A labelled group of counts. */
export type SummaryGroup = typeof SummaryGroup.Type

/** The result of an import (eskat.md §9): the summary groups, and the source rows that could not be read. */
export const ImportResult = Schema.Struct({
  title: Schema.String,
  summary: Schema.Array(SummaryGroup),
  /** "key: reason" of the first invalid rows (at most `MAX_REPORTED`); their number is in the summary. */
  errors: Schema.Array(Schema.String)
})
/** The result of an import. */
export type ImportResult = typeof ImportResult.Type

/** Invalid rows listed by key in a result (all are counted). */
export const MAX_REPORTED = 100

/** Collects invalid rows: counts all, keeps the first `MAX_REPORTED` as text. */
export class InvalidRows {
  count = 0
  readonly texts: Array<string> = []
  add(rows: ReadonlyArray<InvalidRow>): void {
    this.count += rows.length
    for (const r of rows)
      if (this.texts.length < MAX_REPORTED) this.texts.push(`${r.key ?? "(ingen nøgle)"}: ${r.reason}`)
  }
}

/** A summary group from labels and counts. */
export const group = (label: string, items: ReadonlyArray<readonly [string, number]>): SummaryGroup => ({
  label,
  value: items.map(([l, v]) => ({ label: l, value: v }))
})
