/**
 * The loss carry-forward rules of domain.md §4.1–§4.3 as plain data in, plain data out: the database layer loads
 * one policy's years and cells, calls these, and writes the returned cell values with the returned reasons.
 * Within one policy (same CPR, company and policy number) a year identifies the policy-year, so years are the keys.
 */
import * as Calculation from "./Calculation.js"
import { sum } from "./internal/arithmetic.js"

/** One policy-year of the policy, as far as losses are concerned. */
export interface LossYear {
  readonly year: number
  readonly active: boolean
  /** Stored `year_adjusted_amount`; negative = a loss. */
  readonly yearAdjustedAmount: number
}

/** One loss-matrix cell: `value` of the loss of `fromYear` deducted in `toYear` (> fromYear). */
export interface LossCell {
  readonly fromYear: number
  readonly toYear: number
  /** `transferred_negative_payout`, ≥ 0. */
  readonly value: number
  /** `protected_against_recalculations`. */
  readonly protected: boolean
}

/** A cell to save: set cell fromYear → toYear to `value` (creating it unprotected if absent), audited with `reason`. */
export interface CellWrite {
  readonly fromYear: number
  readonly toYear: number
  readonly value: number
  readonly reason: string
}

/** Reason of a protected cell reduced because the year wants less than its protected cells hold (§4.2). */
export const protectedReductionReason = (wanted: number): string =>
  `automatisk rettelse for at undgå at det totale anvendte beløb er over ${wanted}`

/** Reason of a cell reduced because its loss shrank below what is used (§4.3). */
export const overUseReason = "automatisk rettelse for at undgå at det totale resterende beløb falder under 0"

/** Audit reason of the recalculations that an over-use correction triggers (§4.3). */
export const overUseRecalculationReason = "Genberegning"

/** What §4.1 gives for a policy-year: the deductions, or the loss years that must be corrected (§4.3) first. */
export interface AvailableDeductions {
  /** Loss year → amount still available to this year (≥ 0); input for `Calculation.perform`. */
  readonly deductions: ReadonlyMap<number, number>
  /** Loss years whose other uses exceed the loss: run `overUseCorrection` and compute again. Oldest first. */
  readonly overUsedLossYears: ReadonlyArray<number>
}

/** The loss of a year as a positive number (0 for a year without a loss). */
export const lossOf = (year: LossYear): number => Math.max(0, -year.yearAdjustedAmount)

/** §4.1: losses of the policy's active years forYear-10 … forYear-1, minus what other years already use. */
export const availableDeductions = (
  years: ReadonlyArray<LossYear>,
  cells: ReadonlyArray<LossCell>,
  forYear: number
): AvailableDeductions => {
  const deductions = new Map<number, number>()
  const overUsedLossYears: Array<number> = []
  const from = forYear - Calculation.CARRY_FORWARD_YEARS
  const lossYears = years
    .filter((x) => x.active && x.yearAdjustedAmount < 0 && x.year >= from && x.year < forYear)
    .sort((a, b) => a.year - b.year)
  for (const x of lossYears) {
    const usedElsewhere = sum(cells.filter((c) => c.fromYear === x.year && c.toYear !== forYear).map((c) => c.value))
    const available = -x.yearAdjustedAmount - usedElsewhere
    if (available < 0) overUsedLossYears.push(x.year)
    else deductions.set(x.year, available)
  }
  return { deductions, overUsedLossYears }
}

/** §4.2 step 1: every non-zero, unprotected cell into forYear is set to 0 with the recalculation's reason. */
export const resetCells = (cells: ReadonlyArray<LossCell>, forYear: number, reason: string): ReadonlyArray<CellWrite> =>
  cells
    .filter((c) => c.toYear === forYear && c.value !== 0 && !c.protected)
    .sort((a, b) => a.fromYear - b.fromYear)
    .map((c) => ({ fromYear: c.fromYear, toYear: forYear, value: 0, reason }))

/** The outcome of §4.2 step 3. */
export interface ProtectedDistribution {
  /** Loss year → amount this year should use, oldest first; protected cells at their (possibly reduced) value. */
  readonly usage: ReadonlyMap<number, number>
  /** Protected cells reduced because W < S, newest loss year first, with the spec's reason. */
  readonly reductions: ReadonlyArray<CellWrite>
}

/**
 * §4.2 step 3: places W (`usedNegativeReturn` of the calculation) given the protected cells into forYear:
 * W > S keeps them and spreads W − S over the unprotected loss years oldest first, capped by `available`;
 * W < S reduces them newest first down to W; W = S uses exactly them.
 */
export const distributeProtected = (options: {
  readonly forYear: number
  readonly wanted: number
  readonly cells: ReadonlyArray<LossCell>
  /** §4.1 `deductions` of forYear. */
  readonly available: ReadonlyMap<number, number>
}): ProtectedDistribution => {
  const { available, forYear, wanted } = options
  const protectedCells = options.cells
    .filter((c) => c.toYear === forYear && c.protected)
    .sort((a, b) => a.fromYear - b.fromYear)
  const usage = new Map<number, number>()
  const reductions: Array<CellWrite> = []
  const protectedSum = sum(protectedCells.map((c) => c.value))
  if (wanted >= protectedSum) {
    for (const c of protectedCells) if (c.value > 0) usage.set(c.fromYear, c.value)
    let rest = wanted - protectedSum
    const protectedYears = new Set(protectedCells.map((c) => c.fromYear))
    const free = [...available].filter(([year]) => !protectedYears.has(year)).sort(([a], [b]) => a - b)
    for (const [year, amount] of free) {
      if (rest <= 0) break
      const use = Math.min(amount, rest)
      if (use > 0) {
        usage.set(year, use)
        rest -= use
      }
    }
  } else {
    let excess = protectedSum - wanted
    const values = new Map(protectedCells.map((c) => [c.fromYear, c.value]))
    for (const c of [...protectedCells].reverse()) {
      if (excess <= 0) break
      const cut = Math.min(c.value, excess)
      if (cut > 0) {
        excess -= cut
        values.set(c.fromYear, c.value - cut)
        const reason = protectedReductionReason(wanted)
        reductions.push({ fromYear: c.fromYear, toYear: forYear, value: c.value - cut, reason })
      }
    }
    for (const [year, value] of values) if (value > 0) usage.set(year, value)
  }
  return { usage: new Map([...usage].sort(([a], [b]) => a - b)), reductions }
}

/**
 * §4.2 "use the loss of X for P, up to amount": how much is used, and the cell write (none for a protected cell or
 * a zero use). `cells` must be the current state, including earlier writes of the same recalculation.
 */
export const useLoss = (options: {
  readonly lossYear: LossYear
  readonly forYear: number
  readonly amount: number
  readonly cells: ReadonlyArray<LossCell>
  readonly reason: string
}): { readonly used: number; readonly write: CellWrite | undefined } => {
  const { amount, forYear, lossYear, reason } = options
  const fromCells = options.cells.filter((c) => c.fromYear === lossYear.year)
  const usedSoFar = sum(fromCells.map((c) => c.value))
  if (lossYear.yearAdjustedAmount >= 0 || usedSoFar >= -lossYear.yearAdjustedAmount) {
    return { used: 0, write: undefined }
  }
  const used = Math.min(-lossYear.yearAdjustedAmount - usedSoFar, amount)
  const cell = fromCells.find((c) => c.toYear === forYear)
  if (cell?.protected === true || used === 0) return { used, write: undefined }
  return { used, write: { fromYear: lossYear.year, toYear: forYear, value: (cell?.value ?? 0) + used, reason } }
}

/** Applies cell writes to a list of cells (new cells are unprotected). */
export const applyWrites = (
  cells: ReadonlyArray<LossCell>,
  writes: ReadonlyArray<CellWrite>
): ReadonlyArray<LossCell> => {
  const result = cells.map((c) => ({ ...c }))
  for (const w of writes) {
    const cell = result.find((c) => c.fromYear === w.fromYear && c.toYear === w.toYear)
    if (cell === undefined) result.push({ fromYear: w.fromYear, toYear: w.toYear, value: w.value, protected: false })
    else cell.value = w.value
  }
  return result
}

/** The cell writes of one policy-year recalculation (§4.2 steps 1, 3 and 4), in the order they happen. */
export interface RecalculationPlan {
  /** Step 1 resets, step 3 protected reductions, step 4 uses; several writes may touch one cell. */
  readonly writes: ReadonlyArray<CellWrite>
  /** Loss year → amount the year should use (step 3). */
  readonly usage: ReadonlyMap<number, number>
  /** The cells afterwards. */
  readonly cells: ReadonlyArray<LossCell>
}

/**
 * §4.2 without the database: given the policy's years and cells (no over-used loss year, see `availableDeductions`)
 * and W = `usedNegativeReturn` of forYear's calculation, the cell writes with reason R.
 */
export const planRecalculation = (options: {
  readonly years: ReadonlyArray<LossYear>
  readonly cells: ReadonlyArray<LossCell>
  readonly forYear: number
  readonly wanted: number
  readonly reason: string
}): RecalculationPlan => {
  const { forYear, reason, wanted, years } = options
  const resets = resetCells(options.cells, forYear, reason)
  let cells = applyWrites(options.cells, resets)
  const { deductions } = availableDeductions(years, cells, forYear)
  const { reductions, usage } = distributeProtected({ forYear, wanted, cells, available: deductions })
  cells = applyWrites(cells, reductions)
  const uses: Array<CellWrite> = []
  for (const [year, amount] of usage) {
    const lossYear = years.find((x) => x.year === year)
    if (lossYear === undefined) continue
    const { write } = useLoss({ lossYear, forYear, amount, cells, reason })
    if (write !== undefined) {
      uses.push(write)
      cells = applyWrites(cells, [write])
    }
  }
  return { writes: [...resets, ...reductions, ...uses], usage, cells }
}

/** The cells into forYear as deductions: loss year → cell value, non-zero cells only, oldest first. */
export const columnOf = (cells: ReadonlyArray<LossCell>, forYear: number): Calculation.Deductions =>
  new Map(
    cells
      .filter((c) => c.toYear === forYear && c.value > 0)
      .sort((a, b) => a.fromYear - b.fromYear)
      .map((c) => [c.fromYear, c.value])
  )

/**
 * §4.2 step 6 (decision: the matrix is the record of use): `result` is the calculation of forYear from `input`, and
 * `cells` the policy's cells after `planRecalculation`. When the cells into forYear record less than the calculation
 * deducted (protected cells elsewhere left too little loss for the rest), the year is calculated again with exactly
 * those cells as its deductions, so that `usedNegativeReturn`, `taxableAmount` and the taxes follow the column; the
 * pool `availableNegativeReturn` (§4.1) stays. Afterwards `usedNegativeReturn` = Σ of the cells into forYear, so a
 * loss is never deducted without a cell recording it, and never twice.
 */
export const capAtColumn = (options: {
  readonly input: Calculation.CalculationInput
  readonly result: Calculation.CalculationResult
  readonly cells: ReadonlyArray<LossCell>
  readonly forYear: number
  readonly calculationOptions?: Calculation.CalculationOptions | undefined
}): Calculation.CalculationResult => {
  const { result } = options
  const column = columnOf(options.cells, options.forYear)
  if (sum(column.values()) === result.usedNegativeReturn) return result
  // The input was valid for `result` and a column holds no negative cell, so this cannot fail.
  const input = { ...options.input, availableDeductions: column }
  const capped = Calculation.performOrThrow(input, options.calculationOptions)
  return { ...capped, availableNegativeReturn: result.availableNegativeReturn }
}

/** The net effect of writes: one write per cell whose final value differs from its value before, last reason kept. */
export const collapseWrites = (
  before: ReadonlyArray<LossCell>,
  writes: ReadonlyArray<CellWrite>
): ReadonlyArray<CellWrite> => {
  const last = new Map<string, CellWrite>()
  for (const w of writes) last.set(`${w.fromYear}:${w.toYear}`, w)
  return [...last.values()].filter((w) => {
    const cell = before.find((c) => c.fromYear === w.fromYear && c.toYear === w.toYear)
    return (cell?.value ?? 0) !== w.value
  })
}

/** The outcome of an over-use correction (§4.3). */
export interface OverUseCorrection {
  /** Reduced cells with the reason `overUseReason`, in the order they were reduced. */
  readonly writes: ReadonlyArray<CellWrite>
  /** Later years whose cell was reduced: recalculate each (§4.2, reason "Genberegning"), oldest first. */
  readonly recalculate: ReadonlyArray<number>
}

/**
 * §4.3: for every loss year whose cells use more than its loss, reduce its cells into later years — unprotected ones
 * first, then protected ones, each group by ascending later year — until nothing is over-used. `onlyLossYears`
 * limits it to some loss years (§4.1: "for the affected loss years", i.e. `overUsedLossYears`).
 */
export const overUseCorrection = (
  years: ReadonlyArray<LossYear>,
  cells: ReadonlyArray<LossCell>,
  options?: { readonly onlyLossYears?: ReadonlyArray<number> | undefined }
): OverUseCorrection => {
  const writes: Array<CellWrite> = []
  const recalculate = new Set<number>()
  const only = options?.onlyLossYears
  for (const x of [...years].sort((a, b) => a.year - b.year)) {
    if (only !== undefined && !only.includes(x.year)) continue
    const fromCells = cells.filter((c) => c.fromYear === x.year && c.toYear > x.year)
    let excess = sum(cells.filter((c) => c.fromYear === x.year).map((c) => c.value)) - lossOf(x)
    if (excess <= 0) continue
    const ordered = [
      ...fromCells.filter((c) => !c.protected).sort((a, b) => a.toYear - b.toYear),
      ...fromCells.filter((c) => c.protected).sort((a, b) => a.toYear - b.toYear)
    ]
    for (const c of ordered) {
      if (excess <= 0) break
      const cut = Math.min(c.value, excess)
      if (cut <= 0) continue
      excess -= cut
      writes.push({ fromYear: x.year, toYear: c.toYear, value: c.value - cut, reason: overUseReason })
      recalculate.add(c.toYear)
    }
  }
  return { writes, recalculate: [...recalculate].sort((a, b) => a - b) }
}
