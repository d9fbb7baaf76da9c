/**
 * One policy (same CPR, company and policy number) with all its years and loss cells, loaded into memory so that
 * a recalculation (domain.md §4.2, §4.3) runs without a round trip per step. The rules themselves are the pure
 * helpers of `LossCarryForward` and `PolicyCalculation`; this module only sequences them and records what changed.
 */
import { Either } from "effect"
import * as Calculation from "../../domain/Calculation.js"
import type { CalculationInputError } from "../../domain/CalculationInputError.js"
import { changeKind } from "../../domain/History.js"
import * as Loss from "../../domain/LossCarryForward.js"
import * as PolicyCalculation from "../../domain/PolicyCalculation.js"

/** The stored results of a policy-year (§3.5) plus the fields autoligning writes. */
export interface MemberState {
  yearAdjustedAmount: number
  calculatedFullTax: number
  calculatedResult: number
  availableNegativeReturn: number | null
  /** The deduction the taxes were computed with: Σ of the cells into the year (§4.2 step 6). */
  usedNegativeReturn: number
  indifferenceLimited: boolean
  baseCalculationAmount: number | null
  slutlignet: boolean
  efterbehandling: boolean
}

/** The state of a member before any calculation: nothing computed, not locked, not sent to efterbehandling. */
export const blankState = (yearAdjustedAmount = 0): MemberState => ({
  yearAdjustedAmount,
  calculatedFullTax: 0,
  calculatedResult: 0,
  availableNegativeReturn: null,
  usedNegativeReturn: 0,
  indifferenceLimited: false,
  baseCalculationAmount: null,
  slutlignet: false,
  efterbehandling: false
})

/** One policy-year of the family. */
export interface Member {
  readonly id: number
  readonly year: number
  readonly active: boolean
  readonly daysInYear: number
  readonly numberOfDays: number | null
  readonly assessedAmount: number | null
  readonly selfReportedAmount: number | null
  readonly prefilledAmount: number | null
  readonly prefilledAmountEdited: number | null
  readonly foreignPaidAmountActual: number
  readonly preliminaryPaidAmount: number | null
  readonly pensionCompanyPays: boolean
  /** As loaded. */
  readonly original: Readonly<MemberState>
  /** As recalculated. */
  readonly state: MemberState
  /** The audit reason of the last recalculation of this member (null = untouched). */
  reason: string | null
  /** The calculation of the last recalculation (the calculation-details page reads it). */
  result?: Calculation.CalculationResult | undefined
  /**
   * Only the loss data (id, year, active, year-adjusted amount) was loaded (a year run loads the other years of a
   * family so): recalculating it marks the family `incomplete` instead, and the caller reloads the family whole.
   */
  readonly partial?: boolean
}

/** A family being recalculated. */
export interface Family {
  readonly members: Map<number, Member>
  readonly originalCells: ReadonlyArray<Loss.LossCell>
  cells: ReadonlyArray<Loss.LossCell>
  readonly writes: Array<Loss.CellWrite>
  /** A recalculation reached a `partial` member: the results are void, reload the family whole and start again. */
  incomplete: boolean
}

/** A new family from its members and stored cells. */
export const makeFamily = (members: ReadonlyArray<Member>, cells: ReadonlyArray<Loss.LossCell>): Family => ({
  members: new Map(members.map((m) => [m.year, m])),
  originalCells: cells,
  cells,
  writes: [],
  incomplete: false
})

const lossYears = (family: Family): ReadonlyArray<Loss.LossYear> =>
  [...family.members.values()].map((m) => ({
    year: m.year,
    active: m.active,
    yearAdjustedAmount: m.state.yearAdjustedAmount
  }))

const MAX_DEPTH = 64

/**
 * The reason of the later years an over-use correction recalculates: "Genberegning" (§4.3) when a person's change
 * caused it; an import's (or autoligning's) own recalculation reason otherwise, so that the history tells a change
 * an import caused from one a person caused (issue 14 item 10: only the latter sends a policy to efterbehandling).
 */
const overUseReasonFor = (cause: string): string =>
  changeKind(cause) === "person" ? Loss.overUseRecalculationReason : cause

const correctOverUse = (family: Family, cause: string, depth: number): Either.Either<void, CalculationInputError> => {
  const correction = Loss.overUseCorrection(lossYears(family), family.cells)
  if (correction.writes.length === 0) return Either.void
  family.cells = Loss.applyWrites(family.cells, correction.writes)
  family.writes.push(...correction.writes)
  if (depth >= MAX_DEPTH) return Either.void
  for (const year of correction.recalculate) {
    if (!family.members.has(year)) continue
    const reason = overUseReasonFor(cause)
    const result = recalculate(family, year, reason, reason, depth + 1)
    if (Either.isLeft(result)) return result
  }
  return Either.void
}

/**
 * §4.2 for the member of `year`: resets its unprotected cells, calculates (§3.4) with the available deductions of
 * §4.1 (after an over-use correction if needed), places the usage around protected cells, caps the deduction at what
 * the cells into the year then record (step 6), stores the results and runs §4.3 when its year-adjusted amount changed.
 */
export const recalculate = (
  family: Family,
  year: number,
  cellReason: string,
  policyReason: string,
  depth = 0
): Either.Either<void, CalculationInputError> => {
  const member = family.members.get(year)
  if (member === undefined || family.incomplete) return Either.void
  if (member.partial === true) {
    family.incomplete = true
    return Either.void
  }
  let available = Loss.availableDeductions(lossYears(family), family.cells, year)
  if (available.overUsedLossYears.length > 0) {
    const corrected = correctOverUse(family, cellReason, depth)
    if (Either.isLeft(corrected)) return corrected
    available = Loss.availableDeductions(lossYears(family), family.cells, year)
  }
  const input = PolicyCalculation.policyCalculationInput({
    ...member,
    baseCalculationAmount: member.state.baseCalculationAmount,
    availableDeductions: available.deductions
  })
  const calculation = Calculation.perform(input)
  if (Either.isLeft(calculation)) return Either.left(calculation.left)
  const plan = Loss.planRecalculation({
    years: lossYears(family),
    cells: family.cells,
    forYear: year,
    wanted: member.active ? calculation.right.usedNegativeReturn : 0,
    reason: cellReason
  })
  const result = Loss.capAtColumn({ input, result: calculation.right, cells: plan.cells, forYear: year })
  family.cells = plan.cells
  family.writes.push(...plan.writes)
  const yearAdjustedChanged = member.state.yearAdjustedAmount !== result.yearAdjustedAmount
  member.state.yearAdjustedAmount = result.yearAdjustedAmount
  member.state.calculatedFullTax = result.fullTax
  member.state.calculatedResult = result.taxWithDeductions
  member.state.availableNegativeReturn = result.availableNegativeReturn
  member.state.usedNegativeReturn = result.usedNegativeReturn
  member.state.indifferenceLimited = result.indifferenceLimited
  member.reason = policyReason
  member.result = result
  return yearAdjustedChanged ? correctOverUse(family, cellReason, depth) : Either.void
}

/** True when the member's state differs from what was loaded. */
export const memberChanged = (m: Member): boolean =>
  m.state.yearAdjustedAmount !== m.original.yearAdjustedAmount ||
  m.state.calculatedFullTax !== m.original.calculatedFullTax ||
  m.state.calculatedResult !== m.original.calculatedResult ||
  m.state.availableNegativeReturn !== m.original.availableNegativeReturn ||
  m.state.usedNegativeReturn !== m.original.usedNegativeReturn ||
  m.state.indifferenceLimited !== m.original.indifferenceLimited ||
  m.state.baseCalculationAmount !== m.original.baseCalculationAmount ||
  m.state.slutlignet !== m.original.slutlignet ||
  m.state.efterbehandling !== m.original.efterbehandling

/** A cell to write back: an update of the stored cell `fromId` → `forId` (`stored`) or a new cell. */
export interface CellChange {
  readonly stored: boolean
  readonly fromId: number
  readonly forId: number
  readonly value: number
  readonly reason: string
}

/** The net cell changes of the family (one per cell whose value differs from the loaded one, last reason kept). */
export const cellChanges = (family: Family): ReadonlyArray<CellChange> => {
  const out: Array<CellChange> = []
  for (const w of Loss.collapseWrites(family.originalCells, family.writes)) {
    const from = family.members.get(w.fromYear)
    const to = family.members.get(w.toYear)
    if (from === undefined || to === undefined) continue
    const stored = family.originalCells.some((c) => c.fromYear === w.fromYear && c.toYear === w.toYear)
    out.push({ stored, fromId: from.id, forId: to.id, value: w.value, reason: w.reason })
  }
  return out
}
