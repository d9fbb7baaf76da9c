/**
 * The loss matrix "Anvendt negativt afkast" of one policy as seen from one year (domain.md §4.4): rows are loss
 * years, columns the years that deduct, with the limits that decide which cells staff may edit.
 */
import { CARRY_FORWARD_YEARS } from "./Calculation.js"
import type { LossCell, LossYear } from "./LossCarryForward.js"
import { lossOf } from "./LossCarryForward.js"
import { sum } from "./internal/arithmetic.js"

/** A policy-year of the matrix: its loss data and its base amount (§3.2), the taxable ceiling. */
export interface MatrixYear extends LossYear {
  readonly baseAmount: number
}

/** One cell of a row; `value` is null where y ≤ x (shown as "-"). */
export interface MatrixCell {
  readonly toYear: number
  readonly value: number | null
  readonly protected: boolean
  /** min(remaining(x) + cell, used_max(y) − used_total(y) + cell); 0 where y ≤ x. */
  readonly limit: number
  /** limit > 0 and y within the carry-forward window x+1 … x+10. */
  readonly editable: boolean
}

/** One loss year (row). */
export interface MatrixRow {
  readonly year: number
  /** max(0, −year_adjusted_amount). */
  readonly available: number
  /** available − Σ of the row's cells. */
  readonly remaining: number
  readonly cells: ReadonlyArray<MatrixCell>
}

/** One deducting year (column). */
export interface MatrixColumn {
  readonly year: number
  /** Σ of the column's cells: deductions used in this year. */
  readonly usedTotal: number
  /** max(0, base amount): the taxable ceiling of the year. */
  readonly usedMax: number
}

/** The whole matrix. */
export interface LossMatrix {
  readonly rows: ReadonlyArray<MatrixRow>
  readonly columns: ReadonlyArray<MatrixColumn>
}

/** Builds the matrix from the policy's active years with year ≤ viewedYear (inactive and later years are left out). */
export const build = (
  years: ReadonlyArray<MatrixYear>,
  cells: ReadonlyArray<LossCell>,
  viewedYear: number
): LossMatrix => {
  const shown = years.filter((y) => y.active && y.year <= viewedYear).sort((a, b) => a.year - b.year)
  const shownYears = new Set(shown.map((y) => y.year))
  const cellAt = (x: number, y: number) => cells.find((c) => c.fromYear === x && c.toYear === y)
  const valueAt = (x: number, y: number) => (y > x ? (cellAt(x, y)?.value ?? 0) : 0)
  const inMatrix = (c: LossCell) => shownYears.has(c.fromYear) && shownYears.has(c.toYear) && c.toYear > c.fromYear

  const columns = shown.map((y) => ({
    year: y.year,
    usedTotal: sum(cells.filter((c) => inMatrix(c) && c.toYear === y.year).map((c) => c.value)),
    usedMax: Math.max(0, y.baseAmount)
  }))
  const rows = shown.map((x) => {
    const available = lossOf(x)
    const remaining = available - sum(cells.filter((c) => inMatrix(c) && c.fromYear === x.year).map((c) => c.value))
    const rowCells = columns.map((column): MatrixCell => {
      if (column.year <= x.year) {
        return { toYear: column.year, value: null, protected: false, limit: 0, editable: false }
      }
      const value = valueAt(x.year, column.year)
      const limit = Math.min(remaining + value, column.usedMax - column.usedTotal + value)
      const inWindow = column.year <= x.year + CARRY_FORWARD_YEARS
      return {
        toYear: column.year,
        value,
        protected: cellAt(x.year, column.year)?.protected ?? false,
        limit,
        editable: limit > 0 && inWindow
      }
    })
    return { year: x.year, available, remaining, cells: rowCells }
  })
  return { rows, columns }
}

/** The editing limit of cell x → y (§4.4), or undefined when one of the years is not in the matrix or y ≤ x. */
export const limitOf = (matrix: LossMatrix, fromYear: number, toYear: number): number | undefined =>
  matrix.rows.find((r) => r.year === fromYear)?.cells.find((c) => c.toYear === toYear && c.value !== null)?.limit
