/** Loading families (all years and cells of some policies) and writing their changes back, set-based. */
import type { SqlClient } from "@effect/sql"
import { Effect, Either } from "effect"
import type { CalculationInputError } from "../../domain/CalculationInputError.js"
import { kronerOf, kronerOrNullOf } from "../../domain/Kroner.js"
import { daysInYear } from "../../domain/DaysInYear.js"
import {
  blankState,
  type CellChange,
  cellChanges,
  type Family,
  makeFamily,
  type Member,
  memberChanged,
  type MemberState,
  recalculate
} from "./Family.js"
import type { LossCell } from "../../domain/LossCarryForward.js"

/** A bigint column as the `pg` driver returns it. */
export type Money = string | number | null

/** The columns of a policy-year that a recalculation reads and writes (`toMember`). */
export interface MemberRow {
  readonly id: number
  readonly year: number
  readonly active: boolean
  readonly number_of_days: number | null
  readonly assessed_amount: Money
  readonly self_reported_amount: Money
  readonly prefilled_amount: Money
  readonly prefilled_amount_edited: Money
  readonly base_calculation_amount: Money
  readonly year_adjusted_amount: Money
  readonly calculated_full_tax: Money
  readonly calculated_result: Money
  readonly available_negative_return: Money
  readonly used_negative_return: Money
  readonly indifference_limited: boolean
  readonly foreign_paid_amount_actual: Money
  readonly preliminary_paid_amount: Money
  readonly slutlignet: boolean
  readonly efterbehandling: boolean
  readonly company_pays: boolean
}

/** A loss-transfer cell as `loadFamilies` reads it. */
export interface CellRow {
  readonly used_from_id: number
  readonly used_for_id: number
  readonly transferred_negative_payout: Money
  readonly protected_against_recalculations: boolean
}

const familiesCte = `
with t as (
  select distinct pty.person_id, p.pension_company_id, p.policy_number
  from kas.policy_tax_year p join kas.person_tax_year pty on pty.id = p.person_tax_year_id
  where p.id = any($1::int[])
)`

const membersSql = `${familiesCte}
select f.id, ty.year, t.person_id || ':' || t.pension_company_id || ':' || t.policy_number as family, f.active,
  fpty.number_of_days, f.assessed_amount, f.self_reported_amount, f.prefilled_amount, f.prefilled_amount_edited,
  f.base_calculation_amount, f.year_adjusted_amount, f.calculated_full_tax, f.calculated_result,
  f.available_negative_return, f.used_negative_return, f.indifference_limited, f.foreign_paid_amount_actual,
  f.preliminary_paid_amount, f.slutlignet, f.efterbehandling,
  ((pc.agreement_present or f.company_pay_override) and not f.citizen_pay_override) as company_pays
from t
join kas.person_tax_year fpty on fpty.person_id = t.person_id
join kas.policy_tax_year f on f.person_tax_year_id = fpty.id and f.pension_company_id = t.pension_company_id
  and f.policy_number = t.policy_number
join kas.tax_year ty on ty.id = fpty.tax_year_id
join kas.pension_company pc on pc.id = f.pension_company_id`

const cellsSql = `${familiesCte}
select c.used_from_id, c.used_for_id, c.transferred_negative_payout, c.protected_against_recalculations
from t
join kas.person_tax_year fpty on fpty.person_id = t.person_id
join kas.policy_tax_year f on f.person_tax_year_id = fpty.id and f.pension_company_id = t.pension_company_id
  and f.policy_number = t.policy_number
join kas.loss_transfer c on c.used_for_id = f.id`

/** A full member from its row. */
export const toMember = (r: MemberRow): Member => {
  const state = {
    yearAdjustedAmount: kronerOf(r.year_adjusted_amount),
    calculatedFullTax: kronerOf(r.calculated_full_tax),
    calculatedResult: kronerOf(r.calculated_result),
    availableNegativeReturn: kronerOrNullOf(r.available_negative_return),
    usedNegativeReturn: kronerOf(r.used_negative_return),
    indifferenceLimited: r.indifference_limited,
    baseCalculationAmount: kronerOrNullOf(r.base_calculation_amount),
    slutlignet: r.slutlignet,
    efterbehandling: r.efterbehandling
  }
  return {
    id: r.id,
    year: r.year,
    active: r.active,
    daysInYear: daysInYear(r.year),
    numberOfDays: r.number_of_days,
    assessedAmount: kronerOrNullOf(r.assessed_amount),
    selfReportedAmount: kronerOrNullOf(r.self_reported_amount),
    prefilledAmount: kronerOrNullOf(r.prefilled_amount),
    prefilledAmountEdited: kronerOrNullOf(r.prefilled_amount_edited),
    foreignPaidAmountActual: kronerOf(r.foreign_paid_amount_actual),
    preliminaryPaidAmount: kronerOrNullOf(r.preliminary_paid_amount),
    pensionCompanyPays: r.company_pays,
    original: { ...state },
    state,
    reason: null
  }
}

/** A policy-year about to be created that has no other years (no family yet), with what its calculation reads. */
export interface NewPolicyYear {
  readonly year: number
  /** The person-year's days. */
  readonly numberOfDays: number | null
  readonly prefilledAmount: number | null
  /** The company's `agreement_present` (a new policy-year has no pay overrides). */
  readonly pensionCompanyPays: boolean
}

/**
 * The stored results a new policy-year gets when it is created and then recalculated as the only year of its policy
 * (§4.2): the member is what `loadFamilies` would load for the new row (the column defaults of
 * `kas.policy_tax_year`), recalculated in memory. A single year writes no loss cells. Lets an import insert such rows
 * already calculated instead of inserting and then updating them.
 */
export const calculateNew = (
  policy: NewPolicyYear,
  reason: string
): Either.Either<MemberState, CalculationInputError> => {
  const state: MemberState = blankState()
  const member: Member = {
    id: 0,
    year: policy.year,
    active: true,
    daysInYear: daysInYear(policy.year),
    numberOfDays: policy.numberOfDays,
    assessedAmount: null,
    selfReportedAmount: null,
    prefilledAmount: policy.prefilledAmount,
    prefilledAmountEdited: null,
    foreignPaidAmountActual: 0,
    preliminaryPaidAmount: 0,
    pensionCompanyPays: policy.pensionCompanyPays,
    original: { ...state },
    state,
    reason: null
  }
  const family = makeFamily([member], [])
  return Either.map(recalculate(family, policy.year, reason, reason), () => member.state)
}

/** Loaded families, and for each given policy id the family and year it belongs to. */
export interface Loaded {
  readonly families: ReadonlyArray<Family>
  readonly byPolicy: ReadonlyMap<number, { readonly family: Family; readonly year: number }>
}

/**
 * Builds the families from member and cell rows (`loadFamilies`' or those of `kas.statement_inputs`); `policyIds` are
 * the targets looked up in `byPolicy`.
 */
export const assemble = (
  rows: ReadonlyArray<MemberRow & { readonly family: string }>,
  cellRows: ReadonlyArray<CellRow>,
  policyIds: ReadonlyArray<number>
): Loaded => {
  const groups = new Map<string, Array<Member>>()
  const yearOf = new Map<number, { family: string; year: number }>()
  for (const r of rows) {
    const m = toMember(r)
    const g = groups.get(r.family)
    if (g === undefined) groups.set(r.family, [m])
    else g.push(m)
    yearOf.set(r.id, { family: r.family, year: r.year })
  }
  const cellsByFamily = new Map<string, Array<LossCell>>()
  for (const c of cellRows) {
    const from = yearOf.get(c.used_from_id)
    const to = yearOf.get(c.used_for_id)
    if (from === undefined || to === undefined || from.family !== to.family) continue
    let list = cellsByFamily.get(from.family)
    if (list === undefined) {
      list = []
      cellsByFamily.set(from.family, list)
    }
    list.push({
      fromYear: from.year,
      toYear: to.year,
      value: kronerOf(c.transferred_negative_payout),
      protected: c.protected_against_recalculations
    })
  }
  const families = new Map<string, Family>()
  for (const [key, members] of groups) families.set(key, makeFamily(members, cellsByFamily.get(key) ?? []))
  const byPolicy = new Map<number, { family: Family; year: number }>()
  for (const id of policyIds) {
    const at = yearOf.get(id)
    if (at !== undefined) byPolicy.set(id, { family: families.get(at.family)!, year: at.year })
  }
  return { families: [...families.values()], byPolicy }
}

/** Loads the whole family of every policy in `policyIds` (two queries). */
export const loadFamilies = (sql: SqlClient.SqlClient, policyIds: ReadonlyArray<number>) =>
  Effect.gen(function* () {
    if (policyIds.length === 0) return { families: [], byPolicy: new Map() } satisfies Loaded
    const rows = yield* sql.unsafe<MemberRow & { readonly family: string }>(membersSql, [policyIds])
    const cellRows = yield* sql.unsafe<CellRow>(cellsSql, [policyIds])
    return assemble(rows, cellRows, policyIds)
  })

const updateCells = (sql: SqlClient.SqlClient, cells: ReadonlyArray<CellChange>) =>
  sql.unsafe(
    `update kas.loss_transfer c set transferred_negative_payout = u.v
     from unnest($1::int[], $2::int[], $3::bigint[]) as u(f, t, v) where c.used_from_id = u.f and c.used_for_id = u.t`,
    [cells.map((c) => c.fromId), cells.map((c) => c.forId), cells.map((c) => c.value)]
  )

const setReason = (sql: SqlClient.SqlClient, reason: string) =>
  sql`select set_config('kas.audit_reason', ${reason}, true)`

const groupBy = <A>(items: ReadonlyArray<A>, key: (a: A) => string): Map<string, Array<A>> => {
  const out = new Map<string, Array<A>>()
  for (const a of items) {
    const k = key(a)
    const list = out.get(k)
    if (list === undefined) out.set(k, [a])
    else list.push(a)
  }
  return out
}

/** The changed cells and policy-years of some families, in their order: what `writePending` writes. */
export interface PendingWrites {
  readonly cells: ReadonlyArray<CellChange>
  readonly members: ReadonlyArray<Member>
}

/**
 * The changes of `families` to write, taken as soon as they are computed, so that a year run need not keep the
 * families (every year and cell of a chunk) while their write waits for the database.
 */
export const pendingWrites = (families: ReadonlyArray<Family>): PendingWrites => ({
  cells: families.flatMap(cellChanges),
  members: families.flatMap((f) => [...f.members.values()].filter(memberChanged))
})

/** The writes of `a` then `b`: what `pendingWrites` of their families together gives. */
export const concatWrites = (a: PendingWrites, b: PendingWrites): PendingWrites => ({
  cells: [...a.cells, ...b.cells],
  members: [...a.members, ...b.members]
})

/**
 * Writes every changed cell and policy-year of `pending` back, one `UPDATE … FROM unnest(…)` (or `INSERT … SELECT
 * FROM unnest(…)` for new cells) per audit reason; the history triggers record each changed row. Restores
 * `restoreReason` as the transaction's audit reason afterwards. Returns the changed policy-years.
 */
export const writePending = (sql: SqlClient.SqlClient, pending: PendingWrites, restoreReason: string) =>
  Effect.gen(function* () {
    const { cells, members } = pending
    for (const [reason, group] of groupBy(cells, (c) => c.reason)) {
      yield* setReason(sql, reason)
      const updates = group.filter((c) => c.stored)
      const inserts = group.filter((c) => !c.stored)
      if (updates.length > 0) yield* updateCells(sql, updates)
      if (inserts.length > 0) {
        // A cell created meanwhile by another transaction is updated instead; `do nothing` (not `do update`) so that
        // the usual case fires only the insert triggers.
        const inserted = yield* sql.unsafe<{ f: number; t: number }>(
          `insert into kas.loss_transfer (used_from_id, used_for_id, transferred_negative_payout)
           select * from unnest($1::int[], $2::int[], $3::bigint[])
           on conflict (used_from_id, used_for_id) do nothing returning used_from_id as f, used_for_id as t`,
          [inserts.map((c) => c.fromId), inserts.map((c) => c.forId), inserts.map((c) => c.value)]
        )
        if (inserted.length < inserts.length) {
          const done = new Set(inserted.map((r) => `${r.f}:${r.t}`))
          yield* updateCells(
            sql,
            inserts.filter((c) => !done.has(`${c.fromId}:${c.forId}`))
          )
        }
      }
    }
    for (const [reason, group] of groupBy(members, (m) => m.reason ?? restoreReason)) {
      yield* setReason(sql, reason)
      yield* sql.unsafe(
        `update kas.policy_tax_year p set year_adjusted_amount = u.yaa, calculated_full_tax = u.ft,
           calculated_result = u.cr, available_negative_return = u.anr, used_negative_return = u.unr,
           indifference_limited = u.il, base_calculation_amount = u.bca, slutlignet = u.sl, efterbehandling = u.eb
         from unnest($1::int[], $2::bigint[], $3::bigint[], $4::bigint[], $5::bigint[], $6::bigint[], $7::bool[],
           $8::bigint[], $9::bool[], $10::bool[]) as u(id, yaa, ft, cr, anr, unr, il, bca, sl, eb)
         where p.id = u.id`,
        [
          group.map((m) => m.id),
          group.map((m) => m.state.yearAdjustedAmount),
          group.map((m) => m.state.calculatedFullTax),
          group.map((m) => m.state.calculatedResult),
          group.map((m) => m.state.availableNegativeReturn),
          group.map((m) => m.state.usedNegativeReturn),
          group.map((m) => m.state.indifferenceLimited),
          group.map((m) => m.state.baseCalculationAmount),
          group.map((m) => m.state.slutlignet),
          group.map((m) => m.state.efterbehandling)
        ]
      )
    }
    if (cells.length > 0 || members.length > 0) yield* setReason(sql, restoreReason)
    return members
  })
