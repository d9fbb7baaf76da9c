import { type LockStatementRow, type LockTotals, lockOutstandingMessage, type TaxYear } from "@kas/core"
import type { XlsxCell } from "../web/Xlsx.js"
import type { Format } from "../web/Format.js"
import type { Paging } from "../web/Paging.js"

/** "Låsesystem" (staff-web.md §13): the list per year, the create dialog and the lock detail. */

/** One lock row of the list. */
const lockRow = (l: LockTotals, fmt: Format) => ({
  id: l.id,
  href: `/lock/${l.id}/`,
  year: l.year,
  open: l.isOpen,
  from: fmt.date(l.intervalFrom),
  to: fmt.date(l.intervalTo),
  statements: l.statements,
  totalTax: fmt.kroner(l.totalTax),
  transferred: fmt.kroner(l.transferred),
  outstanding: fmt.kroner(l.outstanding)
})

/** The rows of a year (`GET /lock/rows/?year=`), sorted by the outstanding amount (as core reads them). */
export const rowsView = (year: number, locks: ReadonlyArray<LockTotals>, fmt: Format, canCreate: boolean) => ({
  year,
  canCreate,
  createHref: `/lock/create/?year=${year}`,
  rows: locks.map((l) => lockRow(l, fmt))
})

/** The list page with its year select and the rows of the chosen year. */
export const listView = (
  years: ReadonlyArray<TaxYear>,
  year: number,
  locks: ReadonlyArray<LockTotals>,
  fmt: Format,
  canCreate: boolean,
  flash: string | undefined
) => ({
  title: "Låsesystem",
  flash,
  years: years.map((y) => ({ value: y.year, selected: y.year === year })),
  ...rowsView(year, locks, fmt, canCreate)
})

/**
 * The "Opret ny lås" dialog of a year: confirm when the open lock may be closed, else why not. `refusal` is core's
 * message when a POST was refused (the amount may have changed since the dialog opened).
 */
export const createDialogView = (
  year: number,
  open: LockTotals | undefined,
  modal: boolean,
  refusal?: string | undefined
) => {
  const allowed = refusal === undefined && open?.allowClosing === true
  return {
    title: allowed ? "Bekræft oprettelse af ny lås" : "Kan ikke oprette lås",
    year,
    modal,
    allowed,
    message: allowed
      ? "Dette vil lukke den igangværende lås."
      : (refusal ?? lockOutstandingMessage(open?.outstanding ?? 0)),
    backHref: `/lock/?year=${year}`
  }
}

/** The lock detail: its totals and a page of its valid statements. */
export const detailView = (lock: LockTotals, rows: ReadonlyArray<LockStatementRow>, paging: Paging, fmt: Format) => ({
  title: `Lås for ${lock.year}`,
  lock: lockRow(lock, fmt),
  excelHref: `/lock/${lock.id}/excel/`,
  backHref: `/lock/?year=${lock.year}`,
  paging,
  pageHref: (p: number) => `/lock/${lock.id}/?page=${p}`,
  rows: rows.map((r) => ({
    uuid: r.uuid,
    cpr: fmt.cpr(r.cpr),
    href: `/tax_year/${lock.year}/persons/${r.personId}/`,
    name: r.name ?? "",
    totalTax: fmt.kroner(r.totalTax),
    transferred: fmt.kroner(r.transferred),
    outstanding: fmt.kroner(r.outstanding)
  }))
})

/** The columns of the lock's XLSX (the detail's visible headers). */
export const excelHeaders = ["Personnummer", "Navn", "Samlet beregnet skat", "Overført til prisme", "Udestående"]

/** One statement as an XLSX row. */
export const excelRow = (fmt: Format, r: LockStatementRow): ReadonlyArray<XlsxCell> => [
  fmt.cpr(r.cpr),
  r.name ?? "",
  r.totalTax,
  r.transferred,
  r.outstanding
]
