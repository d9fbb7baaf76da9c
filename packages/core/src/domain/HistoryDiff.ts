/**
 * What changed between two versions of an audited row (domain.md §8), for the history pages (staff-web.md §10): the
 * fields whose values differ, in the order of the newer snapshot. A creation lists the fields that have a value; a
 * deletion lists nothing (the row is gone, its last state is the previous version).
 */

/** One changed field: its column name and the values before and after (JSON values of the snapshots). */
export interface FieldChange {
  readonly field: string
  readonly before: unknown
  readonly after: unknown
}

/** Columns that are not shown as changes (keys and storage references). */
const HIDDEN = new Set(["id", "file_id"])

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null)

/** The changes from `before` (null: the row was created) to `after`; `type` is the entry's `+`, `~` or `-`. */
export const changes = (
  type: "+" | "~" | "-",
  before: Readonly<Record<string, unknown>> | null,
  after: Readonly<Record<string, unknown>>
): ReadonlyArray<FieldChange> => {
  if (type === "-") return []
  const fields = [...Object.keys(after), ...Object.keys(before ?? {}).filter((k) => !(k in after))]
  return fields.flatMap((field) => {
    if (HIDDEN.has(field)) return []
    const b = before === null ? null : (before[field] ?? null)
    const a = after[field] ?? null
    if (before === null ? a === null || a === "" : same(b, a)) return []
    return [{ field, before: b, after: a }]
  })
}
