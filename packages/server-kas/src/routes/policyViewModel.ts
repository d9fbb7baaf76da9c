import {
  Companies,
  Persons,
  PolicyCalculation,
  Policies,
  type PolicyLossMatrix,
  TaxYearPeriod,
  TaxYears
} from "@kas/core"
import { Effect } from "effect"
import type { Format } from "../web/Format.js"
import { checkbox, collect, date, kroner } from "../web/FormFields.js"
import { lossMatrixView } from "./lossMatrixViewModel.js"
import { documentRows, noteRows } from "./notesViewModel.js"
import { companyLabel, type PersonYearData, policyAmounts } from "./personYearViewModel.js"
import { policyEditLinks } from "./policyEditsViewModel.js"

/** The policy pages (staff-web.md §8): the tabs page of a person-year's policies and the amount edit forms. */

/** The policy with its person-year, tax year, person and company. */
export const loadPolicy = (id: number) =>
  Effect.gen(function* () {
    const policy = yield* Effect.flatMap(Policies, (p) => p.get(id))
    const personYear = yield* Effect.flatMap(Persons, (p) => p.getPersonTaxYear(policy.person_tax_year_id))
    const person = yield* Effect.flatMap(Persons, (p) => p.get(personYear.person_id))
    const taxYear = yield* Effect.flatMap(TaxYears, (t) => t.get(personYear.tax_year_id))
    const company = yield* Effect.flatMap(Companies, (c) => c.get(policy.pension_company_id))
    return { policy, personYear, person, taxYear, company }
  })

/** What an edit form reads. */
export type PolicyData = Effect.Effect.Success<ReturnType<typeof loadPolicy>>

/** The path of the policies page with the policy's tab (and one of its sub-tabs). */
export const policyPath = (d: PolicyData, tab?: string) =>
  `/tax_year/${d.taxYear.year}/persons/${d.person.id}/policies/${
    tab === undefined || tab === "stamdata" ? "" : `?tab=${tab}`
  }#policy_${d.policy.id}`

/** The two amount edits and the period each needs (staff-web.md §8.3). */
export const amountEdits = {
  selfReported: {
    action: "editSelfReportedAmount",
    path: "/change/selfreportedamount/",
    label: "Ret selvangivet beløb"
  },
  amounts: { action: "editAmounts", path: "/change/editamounts/", label: "Ret beløb" }
} as const satisfies Record<
  string,
  { readonly action: TaxYearPeriod.PeriodAction; readonly path: string; readonly label: string }
>

/** Whether an edit is open for the policy: active and the year in the edit's period. */
export const editOpen = (
  d: {
    readonly policy: { readonly active: boolean }
    readonly taxYear: { readonly year_part: TaxYearPeriod.YearPart }
  },
  edit: keyof typeof amountEdits
) => d.policy.active && TaxYearPeriod.allows(d.taxYear.year_part, amountEdits[edit].action)

/** The sub-tabs of each policy (staff-web.md §8.1: `?tab=<name>` selects one; "stamdata" by default). */
export const policySubTabs: ReadonlyArray<{ readonly name: string; readonly label: string }> = [
  { name: "stamdata", label: "Stamdata" },
  { name: "beregning", label: "Beregningsdetaljer" },
  { name: "negativt_afkast", label: "Negativt afkast" },
  { name: "notater", label: "Notater" },
  { name: "bilag", label: "Bilag" }
]

/** The sub-tab a `?tab=` value selects. */
export const selectedSubTab = (tab: unknown): string => policySubTabs.find((t) => t.name === tab)?.name ?? "stamdata"

/** The policies page: one tab per policy of the person-year, inactive ones included. */
export const policiesView = (
  data: PersonYearData,
  fmt: Format,
  can: (...permissions: Array<string>) => boolean,
  tab?: unknown,
  matrices: ReadonlyMap<number, PolicyLossMatrix> = new Map()
) => {
  const { person, personYear, taxYear } = data
  return {
    subTabs: policySubTabs,
    tab: selectedSubTab(tab),
    title: `Policer · ${fmt.cpr(person.cpr)} ${taxYear.year}`,
    personHref: `/tax_year/${taxYear.year}/persons/${person.id}/`,
    personLabel: `${fmt.cpr(person.cpr)} ${person.name ?? ""}`,
    year: taxYear.year,
    policies: data.policies.map((p) => {
      const company = data.companies.get(p.pension_company_id)
      const agreement = company?.agreement_present ?? false
      const companyPays = PolicyCalculation.pensionCompanyPays({
        agreementPresent: agreement,
        companyPayOverride: p.company_pay_override,
        citizenPayOverride: p.citizen_pay_override
      })
      const d = { policy: p, taxYear }
      const notices = [
        ...(agreement && companyPays
          ? ["Pensionsselskabet har aftale med Skattestyrelsen om automatisk betaling"]
          : []),
        ...(agreement && !companyPays
          ? ["Pensionsselskabet har aftale med Skattestyrelsen om automatisk betaling, men borgeren skal selv betale"]
          : []),
        ...(p.active ? [] : ["Policen er afregistreret"])
      ]
      return {
        id: p.id,
        number: p.policy_number,
        inactive: !p.active,
        company: companyLabel(company),
        r75: fmt.kroner(p.prefilled_amount_edited ?? p.prefilled_amount),
        selfReported: fmt.kroner(p.self_reported_amount),
        assessed: fmt.kroner(p.assessed_amount),
        base: fmt.kroner(policyAmounts(p, personYear.number_of_days, taxYear.year).base),
        tax: fmt.kroner(p.calculated_result),
        paidBy: companyPays ? "Pensionsselskab" : "Borger",
        nextDate: fmt.date(p.next_processing_date),
        slutlignet: fmt.yesNo(p.slutlignet),
        efterbehandling: fmt.yesNo(p.efterbehandling),
        active: fmt.yesNo(p.active),
        notices,
        lossMatrix: lossMatrixView(
          p.id,
          matrices.get(p.id) ?? { year: taxYear.year, rows: [], columns: [] },
          fmt,
          can("policy.change")
        ),
        notes: noteRows(data, fmt, can, p.id),
        documents: documentRows(data, fmt, can, p.id),
        addNotes: can("note.add", "document.add") ? `/policy/${p.id}/add/notes-attachments/` : null,
        edits: can("policy.change")
          ? [
              ...(Object.keys(amountEdits) as Array<keyof typeof amountEdits>)
                .filter((e) => editOpen(d, e))
                .map((e) => ({ href: `${amountEdits[e].path}${p.id}/`, label: amountEdits[e].label })),
              ...policyEditLinks({ policy: p, company }).edits
            ]
          : [],
        /** "ret" beside "Kræver efterbehandling", and "Afregistrer"/"Aktivér" (policy.change). */
        manage: can("policy.change") ? policyEditLinks({ policy: p, company }) : null
      }
    })
  }
}

/** The form values as typed (strings), from the policy or from a posted body. */
export type AmountForm = Record<string, string>

const str = (n: number | null) => (n === null ? "" : String(n))

/** "Ret beløb": the form's starting values; the edited R75 amount is pre-filled with the prefilled one when empty. */
export const amountsForm = (d: PolicyData): AmountForm => ({
  prefilled_amount_edited: str(d.policy.prefilled_amount_edited ?? d.policy.prefilled_amount),
  self_reported_amount: str(d.policy.self_reported_amount),
  assessed_amount: str(d.policy.assessed_amount),
  slutlignet: d.policy.slutlignet ? "on" : "",
  next_processing_date: d.policy.next_processing_date ?? ""
})

/** "Ret selvangivet beløb": the form's starting values. */
export const selfReportedForm = (d: PolicyData): AmountForm => ({
  self_reported_amount: str(d.policy.self_reported_amount),
  next_processing_date: d.policy.next_processing_date ?? ""
})

const posted = (body: Record<string, unknown>, names: ReadonlyArray<string>): AmountForm =>
  Object.fromEntries(names.map((n) => [n, typeof body[n] === "string" ? (body[n] as string) : ""]))

/** Decodes a posted "Ret beløb". */
export const parseAmounts = (body: Record<string, unknown>) => {
  const form = posted(body, [
    "prefilled_amount_edited",
    "self_reported_amount",
    "assessed_amount",
    "slutlignet",
    "next_processing_date"
  ])
  const parsed = collect({
    prefilled_amount_edited: kroner(form.prefilled_amount_edited),
    self_reported_amount: kroner(form.self_reported_amount),
    assessed_amount: kroner(form.assessed_amount),
    next_processing_date: date(form.next_processing_date)
  })
  return { form, ...parsed, slutlignet: checkbox(body.slutlignet) }
}

/** Decodes a posted "Ret selvangivet beløb" (the amount is required). */
export const parseSelfReported = (body: Record<string, unknown>) => {
  const form = posted(body, ["self_reported_amount", "next_processing_date"])
  return {
    form,
    ...collect({
      self_reported_amount: kroner(form.self_reported_amount, { required: true }),
      next_processing_date: date(form.next_processing_date)
    })
  }
}

/** The view of an edit form. */
export const editView = (
  d: PolicyData,
  fmt: Format,
  edit: keyof typeof amountEdits,
  form: AmountForm,
  errors: Record<string, string>,
  error?: string
) => ({
  title: amountEdits[edit].label,
  heading: `${amountEdits[edit].label}: police ${d.policy.policy_number}`,
  action: `${amountEdits[edit].path}${d.policy.id}/`,
  back: policyPath(d),
  person: `${fmt.cpr(d.person.cpr)} ${d.person.name ?? ""} · ${d.taxYear.year}`,
  company: companyLabel(d.company),
  base: fmt.kroner(policyAmounts(d.policy, d.personYear.number_of_days, d.taxYear.year).base),
  form,
  errors,
  error
})

/** The years of each policy (`Policies.yearsOfSamePolicies`) as the "År" selector of its master data (§8.2). */
export const loadPolicyYears = (personTaxYearId: number) =>
  Effect.flatMap(Policies, (p) => p.yearsOfSamePolicies(personTaxYearId))

/** Adds the "År" selector to each policy of the policies page's view. */
export const withPolicyYears = <V extends { readonly policies: ReadonlyArray<{ readonly id: number }> }>(
  view: V,
  rows: ReadonlyArray<{ readonly policy_id: number; readonly id: number; readonly year: number }>
) => ({
  ...view,
  policies: view.policies.map((p) => ({
    ...p,
    years: rows
      .filter((r) => r.policy_id === p.id)
      .map((r) => ({ href: `/policy/${r.id}/`, label: String(r.year), selected: r.id === p.id }))
  }))
})
