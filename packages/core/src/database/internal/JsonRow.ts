/**
 * A row read as JSON (`to_jsonb`: an audit snapshot, or the rows of a page read in one statement) in the form the row
 * schemas read from the driver: the `timestamptz` fields as Dates, the `numeric` and `bigint`-as-text fields as text.
 */
export const asRow = (
  json: Record<string, unknown>,
  timestamps: ReadonlyArray<string>,
  texts: ReadonlyArray<string> = []
): Record<string, unknown> => {
  const row: Record<string, unknown> = { ...json }
  for (const f of timestamps) if (typeof row[f] === "string") row[f] = new Date(row[f])
  for (const f of texts) if (typeof row[f] === "number") row[f] = String(row[f])
  return row
}
