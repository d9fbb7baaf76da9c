/** The editing limit of one loss-matrix cell (domain.md §4.4), from the policy's stored years and cells. */
import type { SqlClient } from "@effect/sql"
import { Effect } from "effect"
import * as LossMatrix from "../../domain/LossMatrix.js"
import * as PolicyCalculation from "../../domain/PolicyCalculation.js"
import { loadFamilies } from "./FamilyStore.js"

/**
 * The limit and editability of cell `fromId` → `forId`, in the matrix of the whole policy (every active year, so
 * that `remaining` counts every later use of the loss); undefined when a year is inactive or not the same policy.
 */
export const cellLimit = (sql: SqlClient.SqlClient, fromId: number, forId: number) =>
  Effect.map(loadFamilies(sql, [forId]), (loaded) => {
    const at = loaded.byPolicy.get(forId)
    if (at === undefined) return undefined
    const members = [...at.family.members.values()]
    const from = members.find((m) => m.id === fromId)
    if (from === undefined) return undefined
    const years = members.map((m) => ({
      year: m.year,
      active: m.active,
      yearAdjustedAmount: m.state.yearAdjustedAmount,
      baseAmount: PolicyCalculation.baseAmount({ ...m, baseCalculationAmount: m.state.baseCalculationAmount })
    }))
    const matrix = LossMatrix.build(years, at.family.cells, Math.max(...years.map((y) => y.year)))
    const cell = matrix.rows.find((r) => r.year === from.year)?.cells.find((c) => c.toYear === at.year)
    return cell === undefined || cell.value === null ? undefined : { limit: cell.limit, editable: cell.editable }
  })
