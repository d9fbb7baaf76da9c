/**
 * One chunk of a year run (`Recalculation.recalculateYear`): the families of some persons that have an active policy
 * in the tax year, in one query and one row per family. The target policy-year comes with every column its
 * recalculation reads; the family's years (the target too) only with their loss data, and the family's cells, as two
 * text columns that are parsed here. Recalculating the target needs no more; in the rare case that it cascades to
 * another year (§4.3), that member is `partial`, the family is marked `incomplete`, and the caller reloads it whole
 * (`loadFamilies`). Before, every year came as a row of 25 columns, and decoding them (55 000 rows per chunk) was most
 * of the run's time in Node.
 */
import type { SqlClient } from "@effect/sql"
import { Effect } from "effect"
import type { LossCell } from "../../domain/LossCarryForward.js"
import { blankState, type Family, makeFamily, type Member } from "./Family.js"
import { type Loaded, type MemberRow, toMember } from "./FamilyStore.js"

// The chunk's targets are found first (materialized; the `offset 0` lateral keeps them per-person-year index probes),
// then for each its family's years: the person's years, each one's policy by the unique (person_tax_year_id, …)
// index (`+ 0` keeps the planner off the identity index, which it would probe once per person-year, reading every
// year of the policy each time), and the cells into those years in one index scan.
// `members`: per year `id tax_year_id active year_adjusted_amount`, space-separated, years separated by commas;
// `cells`: per cell `used_for_id used_from_id value protected`, the same way.
const yearChunkSql = `
with t as materialized (
  select tp.person_id, tp.number_of_days, f.*
  from kas.person_tax_year tp
  cross join lateral (select f.id, f.pension_company_id, f.policy_number, f.assessed_amount, f.self_reported_amount,
      f.prefilled_amount, f.prefilled_amount_edited, f.base_calculation_amount, f.year_adjusted_amount,
      f.calculated_full_tax, f.calculated_result, f.available_negative_return, f.used_negative_return,
      f.indifference_limited, f.foreign_paid_amount_actual, f.preliminary_paid_amount, f.slutlignet, f.efterbehandling,
      ((pc.agreement_present or f.company_pay_override) and not f.citizen_pay_override) as company_pays
    from kas.policy_tax_year f join kas.pension_company pc on pc.id = f.pension_company_id
    where f.person_tax_year_id = tp.id and f.active offset 0) f
  where tp.tax_year_id = $1 and tp.person_id > $2 and tp.person_id <= $3
)
select t.id, t.number_of_days, t.assessed_amount, t.self_reported_amount, t.prefilled_amount,
  t.prefilled_amount_edited, t.base_calculation_amount, t.year_adjusted_amount, t.calculated_full_tax,
  t.calculated_result, t.available_negative_return, t.used_negative_return, t.indifference_limited,
  t.foreign_paid_amount_actual, t.preliminary_paid_amount, t.slutlignet, t.efterbehandling, t.company_pays, m.members,
  (select string_agg(concat_ws(' ', c.used_for_id, c.used_from_id, c.transferred_negative_payout,
      c.protected_against_recalculations::int), ',')
    from kas.loss_transfer c where c.used_for_id = any(m.ids)) as cells
from t cross join lateral (
  select array_agg(o.id) as ids,
    string_agg(concat_ws(' ', o.id, opty.tax_year_id, o.active::int, o.year_adjusted_amount), ',') as members
  from kas.person_tax_year opty
  join kas.policy_tax_year o on o.person_tax_year_id = opty.id and o.pension_company_id + 0 = t.pension_company_id
    and o.policy_number = t.policy_number
  where opty.person_id = t.person_id
) m`

type ChunkRow = Omit<MemberRow, "year" | "active"> & { readonly members: string; readonly cells: string | null }

/** Reads the space- and comma-separated integers of a `members` text. */
class Scanner {
  pos = 0
  constructor(readonly text: string) {}
  /** Past the comma between two entries; false at the end. */
  next(): boolean {
    if (this.pos >= this.text.length) return false
    this.pos++
    return true
  }
  /** The next integer (after one separator, if any); refused unless a safe integer. */
  int(): number {
    const text = this.text
    let i = this.pos
    if (text.charCodeAt(i) === 32) i++
    const start = i
    const negative = text.charCodeAt(i) === 45
    if (negative) i++
    let n = 0
    const digitsStart = i
    for (let c = text.charCodeAt(i); c >= 48 && c <= 57; c = text.charCodeAt(++i)) n = n * 10 + (c - 48)
    this.pos = i
    if (i === digitsStart || i - digitsStart > 15) {
      const value = Number(text.slice(start, i))
      if (i === digitsStart || !Number.isSafeInteger(value)) {
        throw new RangeError(`Not an integer within ±2^53 at ${start} of a year chunk: ${text.slice(start, i + 1)}`)
      }
      return value
    }
    return negative ? -n : n
  }
}

const partialMember = (id: number, year: number, active: boolean, yearAdjustedAmount: number): Member => {
  const state = blankState(yearAdjustedAmount)
  return {
    id,
    year,
    active,
    daysInYear: 365,
    numberOfDays: null,
    assessedAmount: null,
    selfReportedAmount: null,
    prefilledAmount: null,
    prefilledAmountEdited: null,
    foreignPaidAmountActual: 0,
    preliminaryPaidAmount: null,
    pensionCompanyPays: false,
    // Never recalculated (that marks the family incomplete instead), so its state stays what was loaded.
    original: state,
    state,
    reason: null,
    partial: true
  }
}

/** The family of one chunk row: the target full, the other years partial, the cells between its years. */
const familyOf = (row: ChunkRow, year: number, years: ReadonlyMap<number, number>): Family => {
  const members: Array<Member> = []
  const yearOfId = new Map<number, number>()
  const s = new Scanner(row.members)
  do {
    const id = s.int()
    const taxYearId = s.int()
    const memberYear = years.get(taxYearId)
    if (memberYear === undefined) throw new RangeError(`Unknown tax year ${taxYearId} in a year chunk`)
    const active = s.int() === 1
    const yearAdjustedAmount = s.int()
    yearOfId.set(id, memberYear)
    members.push(
      id === row.id
        ? toMember({ ...row, year, active: true })
        : partialMember(id, memberYear, active, yearAdjustedAmount)
    )
  } while (s.next())
  const cells: Array<LossCell> = []
  if (row.cells !== null) {
    const c = new Scanner(row.cells)
    do {
      const toYear = yearOfId.get(c.int())!
      const fromYear = yearOfId.get(c.int())
      const value = c.int()
      const isProtected = c.int() === 1
      // A cell from another policy is not a loss of this family.
      if (fromYear !== undefined) cells.push({ fromYear, toYear, value, protected: isProtected })
    } while (c.next())
  }
  return makeFamily(members, cells)
}

/**
 * Loads the families of the persons with id in (`afterPerson`, `upToPerson`] that have an active policy in the tax
 * year (`years`: every tax year's id → year), with those target policy-years in id order. Families never span
 * persons, so chunks are disjoint.
 */
export const loadYearChunk = (
  sql: SqlClient.SqlClient,
  taxYearId: number,
  years: ReadonlyMap<number, number>,
  afterPerson: number,
  upToPerson: number
) =>
  Effect.gen(function* () {
    const year = years.get(taxYearId)
    if (year === undefined) return { loaded: { families: [], byPolicy: new Map() } satisfies Loaded, targets: [] }
    const rows = yield* sql.unsafe<ChunkRow>(yearChunkSql, [taxYearId, afterPerson, upToPerson])
    const families: Array<Family> = []
    const byPolicy = new Map<number, { readonly family: Family; readonly year: number }>()
    for (const row of rows) {
      const family = familyOf(row, year, years)
      families.push(family)
      byPolicy.set(row.id, { family, year })
    }
    const targets = rows.map((r) => r.id).sort((a, b) => a - b)
    return { loaded: { families, byPolicy } satisfies Loaded, targets }
  })
