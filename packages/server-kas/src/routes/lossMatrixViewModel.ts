import { History, LossMatrices, type PolicyLossMatrix, type PolicyTaxYear } from "@kas/core"
import { Effect } from "effect"
import type { Format } from "../web/Format.js"
import { checkbox, kroner } from "../web/FormFields.js"
import { loadPolicy, type PolicyData } from "./policyViewModel.js"

/** The loss matrix (staff-web.md §9): the policy page's tab, the cell form and the cell's history. */

/** The matrices of some policies (the policies page shows one per policy). */
export const loadMatrices = (
  policies: ReadonlyArray<PolicyTaxYear>
): Effect.Effect<
  Map<number, PolicyLossMatrix>,
  Effect.Effect.Error<ReturnType<LossMatrices["ofPolicy"]>>,
  LossMatrices
> =>
  Effect.flatMap(LossMatrices, (m) =>
    Effect.forEach(policies, (p) => Effect.map(m.ofPolicy(p.id), (matrix) => [p.id, matrix] as const))
  ).pipe(Effect.map((entries) => new Map(entries)))

/** The path of a cell's form (and, with `/history/`, its history). */
export const cellPath = (policyId: number, fromYear: number, toYear: number) =>
  `/policy/${policyId}/negativepayoutdefined/${fromYear}/${toYear}/`

/** The tab's view: rows of loss years, a cell per later year ("-" where not applicable), and the column totals. */
export const lossMatrixView = (policyId: number, m: PolicyLossMatrix, fmt: Format, canChange: boolean) => ({
  years: m.columns.map((c) => c.year),
  rows: m.rows.map((r) => ({
    year: r.year,
    available: fmt.kroner(r.available),
    remaining: fmt.kroner(r.remaining),
    cells: r.cells.map((c) =>
      c.value === null
        ? null
        : {
            value: fmt.kroner(c.value),
            label: `${r.year} → ${c.toYear}`,
            href: canChange && c.editable ? cellPath(policyId, r.year, c.toYear) : null,
            history: c.cellId === null ? null : `${cellPath(policyId, r.year, c.toYear)}history/`,
            protected: c.protected
          }
    )
  })),
  totals: m.columns.map((c) => ({ used: fmt.kroner(c.usedTotal), max: fmt.kroner(c.usedMax) }))
})

/** The cell form's data: the policy (for the heading) and the cell with its side panel. */
export const loadCell = (policyId: number, fromYear: number, toYear: number) =>
  Effect.gen(function* () {
    const policy = yield* loadPolicy(policyId)
    const cell = yield* Effect.flatMap(LossMatrices, (m) => m.cell(policyId, fromYear, toYear))
    return { ...policy, cell }
  })

/** What the cell form reads. */
export type CellData = PolicyData & Effect.Effect.Success<ReturnType<typeof loadCell>>

/** The form's values as typed. */
export interface CellForm {
  readonly value: string
  readonly protect: boolean
}

/** The form's starting values: the current value, protection checked (staff-web.md §9). */
export const cellForm = (d: CellData): CellForm => ({ value: String(d.cell.value), protect: true })

/** Decodes a posted cell form; the range (0 … limit) is the save's rule (`Policies.saveCell`). */
export const parseCell = (body: Record<string, unknown>) => {
  const raw = typeof body.value === "string" ? body.value : ""
  const form: CellForm = { value: raw, protect: checkbox(body.protect) }
  const value = kroner(raw, { required: true })
  return value.ok
    ? { valid: true as const, form, value: value.value!, errors: {} }
    : { valid: false as const, form, errors: { value: value.error } }
}

/** The cell form's view. */
export const cellView = (d: CellData, fmt: Format, form: CellForm, errors: Record<string, string>, back: string) => {
  const c = d.cell
  return {
    title: `Anvendt negativt afkast ${c.fromYear} → ${c.toYear}`,
    heading: `Anvendt negativt afkast fra ${c.fromYear} i ${c.toYear}: police ${d.policy.policy_number}`,
    person: `${fmt.cpr(d.person.cpr)} ${d.person.name ?? ""}`,
    action: cellPath(d.policy.id, c.fromYear, c.toYear),
    history: c.cellId === null ? null : `${cellPath(d.policy.id, c.fromYear, c.toYear)}history/`,
    back,
    panel: [
      [`Anvendt i ${c.toYear}`, fmt.kroner(c.usedTotal)],
      [`Skattepligtigt beløb i ${c.toYear}`, fmt.kroner(c.usedMax)],
      [`Negativt afkast i ${c.fromYear}`, fmt.kroner(c.available)],
      [`Ikke fordelt negativt afkast fra ${c.fromYear}`, fmt.kroner(c.remaining)],
      ["Nuværende værdi", fmt.kroner(c.value)],
      ["Maksimum", fmt.kroner(c.limit)]
    ],
    protectedNow: c.protected,
    form,
    errors
  }
}

/** The cell's history: every version, newest first; NotFound when the cell was never saved. */
export const loadCellHistory = (policyId: number, fromYear: number, toYear: number) =>
  Effect.gen(function* () {
    const d = yield* loadCell(policyId, fromYear, toYear)
    const entries =
      d.cell.cellId === null ? [] : yield* Effect.flatMap(History, (h) => h.historyOf("LossTransfer", d.cell.cellId!))
    return { ...d, entries }
  })

/** The history page's view. */
export const cellHistoryView = (
  d: Effect.Effect.Success<ReturnType<typeof loadCellHistory>>,
  fmt: Format,
  back: string
) => ({
  title: `Historik for anvendt negativt afkast ${d.cell.fromYear} → ${d.cell.toYear}`,
  heading:
    `Historik: anvendt negativt afkast fra ${d.cell.fromYear} i ${d.cell.toYear}, ` +
    `police ${d.policy.policy_number}`,
  person: `${fmt.cpr(d.person.cpr)} ${d.person.name ?? ""}`,
  back,
  rows: [...d.entries].reverse().map((e) => ({
    date: fmt.dateTime(e.history_date),
    user: e.history_user ?? "",
    value: fmt.kroner(Number(e.snapshot.transferred_negative_payout ?? 0)),
    protected: fmt.yesNo(e.snapshot.protected_against_recalculations === true),
    reason: e.change_reason ?? ""
  }))
})
