import { SqlClient } from "@effect/sql"
import { Effect } from "effect"
import { NotFound } from "../../domain/DomainError.js"
import * as LossMatrix from "../../domain/LossMatrix.js"
import * as PolicyCalculation from "../../domain/PolicyCalculation.js"
import { loadFamilies } from "../internal/FamilyStore.js"

/** A cell of the matrix as the tab shows it: the domain cell, with its row's id and whether it has a history. */
export interface MatrixCellView extends LossMatrix.MatrixCell {
  /** The `kas.loss_transfer` id; null while the cell was never saved (and so has no history). */
  readonly cellId: number | null
}

/** The loss matrix of a policy-year (domain.md §4.4) as the policy page's tab shows it. */
export interface PolicyLossMatrix {
  /** The viewed policy-year's year. */
  readonly year: number
  readonly rows: ReadonlyArray<Omit<LossMatrix.MatrixRow, "cells"> & { readonly cells: ReadonlyArray<MatrixCellView> }>
  readonly columns: ReadonlyArray<LossMatrix.MatrixColumn>
}

/** One cell with what its form's side panel shows (staff-web.md §9). */
export interface LossCellView {
  readonly fromYear: number
  readonly toYear: number
  readonly usedFromId: number
  readonly usedForId: number
  readonly cellId: number | null
  readonly value: number
  readonly protected: boolean
  /** The editing limit (§4.4); the form accepts 0 … limit. */
  readonly limit: number
  readonly editable: boolean
  /** Used in the to-year (its column sum) and its taxable ceiling. */
  readonly usedTotal: number
  readonly usedMax: number
  /** The from-year's loss and what is left of it. */
  readonly available: number
  readonly remaining: number
}

/**
 * Reads the loss matrix "Anvendt negativt afkast" of a policy (domain.md §4.4, staff-web.md §9): the tab of a
 * policy-year (its active years up to the viewed one) and one cell for its form. Limits are those of the whole policy
 * (every active year, as `Policies.saveCell` checks them), so a cell offered for editing is one the save accepts.
 */
export class LossMatrices extends Effect.Service<LossMatrices>()("@kas/core/LossMatrices", {
  effect: Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient

    const load = (policyId: number) =>
      Effect.gen(function* () {
        const loaded = yield* loadFamilies(sql, [policyId])
        const at = loaded.byPolicy.get(policyId)
        if (at === undefined) return yield* Effect.fail(NotFound.of("Police", policyId))
        const members = [...at.family.members.values()]
        const years = members.map((m) => ({
          year: m.year,
          active: m.active,
          yearAdjustedAmount: m.state.yearAdjustedAmount,
          baseAmount: PolicyCalculation.baseAmount({ ...m, baseCalculationAmount: m.state.baseCalculationAmount })
        }))
        const cells = at.family.cells
        const full = LossMatrix.build(years, cells, Math.max(...years.map((y) => y.year)))
        const ids = yield* sql<{ id: number; used_from_id: number; used_for_id: number }>`
          select id, used_from_id, used_for_id from kas.loss_transfer
          where used_for_id = any(${members.map((m) => m.id)}::int[])`
        const idOf = new Map(members.map((m) => [m.year, m.id]))
        const cellIdOf = (fromYear: number, toYear: number) =>
          ids.find((c) => c.used_from_id === idOf.get(fromYear) && c.used_for_id === idOf.get(toYear))?.id ?? null
        return { at, members, years, cells, full, idOf, cellIdOf }
      })

    return {
      /** The tab of a policy-year: rows are loss years, columns the years that deduct, up to the viewed year. */
      ofPolicy: Effect.fn("LossMatrices.ofPolicy")(function* (policyId: number) {
        const { at, years, cells, full, cellIdOf } = yield* load(policyId)
        const viewed = LossMatrix.build(years, cells, at.year)
        const fullCell = (x: number, y: number) =>
          full.rows.find((r) => r.year === x)?.cells.find((c) => c.toYear === y)
        return {
          year: at.year,
          columns: viewed.columns,
          rows: viewed.rows.map((r) => ({
            ...r,
            cells: r.cells.map((c): MatrixCellView => {
              const f = fullCell(r.year, c.toYear)
              return {
                ...c,
                limit: f?.limit ?? c.limit,
                editable: f?.editable ?? c.editable,
                cellId: c.value === null ? null : cellIdOf(r.year, c.toYear)
              }
            })
          }))
        } satisfies PolicyLossMatrix
      }),
      /**
       * Cell fromYear → toYear of the policy of `policyId`, with its side panel; NotFound unless both years are
       * active years of that policy and fromYear < toYear.
       */
      cell: Effect.fn("LossMatrices.cell")(function* (policyId: number, fromYear: number, toYear: number) {
        const { full, idOf, cellIdOf } = yield* load(policyId)
        const row = full.rows.find((r) => r.year === fromYear)
        const cell = row?.cells.find((c) => c.toYear === toYear)
        const column = full.columns.find((c) => c.year === toYear)
        if (row === undefined || cell === undefined || cell.value === null || column === undefined)
          return yield* Effect.fail(NotFound.of("Celle", `${fromYear}/${toYear}`))
        return {
          fromYear,
          toYear,
          usedFromId: idOf.get(fromYear)!,
          usedForId: idOf.get(toYear)!,
          cellId: cellIdOf(fromYear, toYear),
          value: cell.value,
          protected: cell.protected,
          limit: cell.limit,
          editable: cell.editable,
          usedTotal: column.usedTotal,
          usedMax: column.usedMax,
          available: row.available,
          remaining: row.remaining
        } satisfies LossCellView
      })
    }
  })
}) {}
