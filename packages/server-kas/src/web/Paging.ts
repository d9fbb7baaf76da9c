/** Lists page 20 rows at a time unless said otherwise (staff-web.md §1). */
export const PAGE_SIZE = 20

/** Where a page is among all pages, for the pager of a list. */
export interface Paging {
  /** 1-based, within 1 … pages. */
  readonly page: number
  /** The pages known: all of them, or when `more`, those of the rows counted. */
  readonly pages: number
  /** Every row, or when `more`, the rows counted (there are more after them). */
  readonly total: number
  /** True when the list was counted only so far (there is a page after `pages`, and no known last page). */
  readonly more: boolean
  readonly offset: number
  readonly limit: number
  /** 1-based number of the first and last row shown (0 when there are none). */
  readonly from: number
  readonly to: number
}

/** The rows to read for a requested page (before the total is known). */
export const requestedPage = (page: number, size: number = PAGE_SIZE) => ({
  offset: (Math.max(1, page) - 1) * size,
  limit: size
})

/** The paging of a list once its total is known (`more`: `total` counts only so far; more rows follow). */
export const pagingOf = (requested: number, total: number, size: number = PAGE_SIZE, more = false): Paging => {
  const pages = Math.max(1, Math.ceil(total / size))
  const page = Math.min(Math.max(1, requested), pages)
  const offset = (page - 1) * size
  return {
    page,
    pages,
    total,
    more,
    offset,
    limit: size,
    from: total === 0 ? 0 : offset + 1,
    to: Math.min(total, offset + size)
  }
}

/** A query string from a record (empty values left out), with `?` when not empty. */
export const queryString = (params: Readonly<Record<string, string | number | undefined>>): string => {
  const q = new URLSearchParams()
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== "") q.set(k, String(v))
  const s = q.toString()
  return s ? `?${s}` : ""
}
