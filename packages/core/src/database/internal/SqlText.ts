/** Pieces of SQL text the list queries (Find person, the extract lists) share. */

/** `%text%` for LIKE / ILIKE, with the pattern characters of `text` taken literally. */
export const containsPattern = (text: string): string => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`

/** An ORDER BY term that puts empty values (null) last in both directions (staff-web.md §3, §5). */
export const sortTerm = (expression: string, descending: boolean): string =>
  `${expression} ${descending ? "desc" : "asc"} nulls last`

/** Numbered parameters and the conditions that use them, built one filter at a time. */
export class Conditions {
  readonly where: Array<string> = []
  readonly params: Array<unknown> = []
  /** Adds `condition` with `value` as its next parameter (`$n`). */
  add(condition: (param: string) => string, value: unknown): this {
    this.params.push(value)
    this.where.push(condition(`$${this.params.length}`))
    return this
  }
  /** Adds a condition without a parameter. */
  raw(condition: string): this {
    this.where.push(condition)
    return this
  }
  /** The conditions joined with `and` (`true` when there are none). */
  get text(): string {
    return this.where.length === 0 ? "true" : this.where.join(" and ")
  }
}
