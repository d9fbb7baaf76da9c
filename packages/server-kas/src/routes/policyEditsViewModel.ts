import { Companies, PolicyCalculation } from "@kas/core"
import { Effect } from "effect"
import type { Format } from "../web/Format.js"
import { checkbox } from "../web/FormFields.js"
import { companyLabel } from "./personYearViewModel.js"
import { type PolicyData, policyPath } from "./policyViewModel.js"

/**
 * The identity and flag edits of a policy (staff-web.md §8.2 "ret", §8.3): "Skift pensionsselskab", "Skift
 * policenummer", "Ret borgerbetaling", "Afregistrer"/"Aktivér" and the efterbehandling toggle — when each is offered,
 * its form values, the decoding of a posted form, and the view of its page. The rules themselves are core's
 * (`PolicyChanges`, `Policies`); this module only decides what the page shows.
 */

/** The edits with a form page of their own. */
export const policyEdits = {
  company: { route: "/policy/:pk/company/", label: "Skift pensionsselskab" },
  number: { route: "/policy/:pk/number/", label: "Skift policenummer" },
  paymentOverride: { route: "/policy/:pk/paymentoverride/", label: "Ret borgerbetaling" },
  efterbehandling: { route: "/policy/:pk/update_efterbehandling", label: "Ret kræver efterbehandling" }
} as const

/** The path of an edit's page for a policy. */
export const policyEditPath = (edit: PolicyEdit, id: number) => policyEdits[edit].route.replace(":pk", String(id))

/** An edit of `policyEdits`. */
export type PolicyEdit = keyof typeof policyEdits

/** What decides whether an edit is offered: the policy's active flag and its company's agreement. */
export interface EditState {
  readonly policy: { readonly active: boolean }
  readonly company: { readonly agreement_present: boolean } | undefined
}

/**
 * Whether an edit is open: every edit only for an active policy (§8.3), "Ret borgerbetaling" only when the company
 * has an agreement; the efterbehandling toggle always (decision: an inactive policy's flag still counts).
 */
export const policyEditOpen = (d: EditState, edit: PolicyEdit): boolean => {
  switch (edit) {
    case "efterbehandling":
      return true
    case "paymentOverride":
      return d.policy.active && d.company?.agreement_present === true
    default:
      return d.policy.active
  }
}

/** The links of the open edits and the (de)activation of a policy, for the policies page. */
export const policyEditLinks = (d: EditState & { readonly policy: { readonly id: number } }) => ({
  edits: (["company", "number", "paymentOverride"] as const)
    .filter((e) => policyEditOpen(d, e))
    .map((e) => ({ href: policyEditPath(e, d.policy.id), label: policyEdits[e].label })),
  efterbehandlingHref: policyEditPath("efterbehandling", d.policy.id),
  activate: {
    action: `/policy/${d.policy.id}/activate/`,
    value: d.policy.active ? "false" : "true",
    label: d.policy.active ? "Afregistrer" : "Aktivér",
    confirm: d.policy.active ? "Er du sikker på at du vil afregistrere policen for dette skatteår?" : null
  }
})

/** The companies a policy can be moved to (all, by name). */
export const loadCompanies = Effect.flatMap(Companies, (c) => c.list())

/** The form values as typed. */
export type EditForm = Record<string, string>

const field = (body: Record<string, unknown>, name: string) => (typeof body[name] === "string" ? body[name] : "")

/** The form's starting values from the policy. */
export const editForm = (d: PolicyData, edit: PolicyEdit): EditForm => {
  switch (edit) {
    case "company":
      return { company: String(d.policy.pension_company_id) }
    case "number":
      return { policy_number: d.policy.policy_number, rename_other_years: "" }
    case "paymentOverride":
      return { citizen_pay_override: d.policy.citizen_pay_override ? "on" : "" }
    case "efterbehandling":
      return { efterbehandling: d.policy.efterbehandling ? "on" : "" }
  }
}

/** The message of a company choice that is not a company. */
export const chooseCompanyMessage = "Vælg et pensionsselskab"

/** "Skift pensionsselskab": the chosen company id, or the field's message. */
export const parseCompany = (body: Record<string, unknown>) => {
  const raw = field(body, "company").trim()
  const id = /^\d{1,9}$/.test(raw) ? Number(raw) : null
  const errors: Record<string, string> = id === null ? { company: chooseCompanyMessage } : {}
  return { form: { company: raw }, id, errors }
}

/** "Skift policenummer": the number as typed (core checks the rule) and the checkbox. */
export const parseNumber = (body: Record<string, unknown>) => {
  const number = field(body, "policy_number")
  const rename = checkbox(body.rename_other_years)
  return { form: { policy_number: number, rename_other_years: rename ? "on" : "" }, number, rename }
}

/** A checkbox form ("Ret borgerbetaling", the efterbehandling toggle). */
export const parseCheckbox = (body: Record<string, unknown>, name: string) => {
  const value = checkbox(body[name])
  return { form: { [name]: value ? "on" : "" }, value }
}

/** The view of an edit page. */
export const policyEditView = (
  d: PolicyData,
  fmt: Format,
  edit: PolicyEdit,
  form: EditForm,
  errors: Record<string, string>,
  companies: ReadonlyArray<{ readonly id: number; readonly name: string | null; readonly res: number | null }> = []
) => {
  const companyPays = PolicyCalculation.pensionCompanyPays({
    agreementPresent: d.company.agreement_present,
    companyPayOverride: d.policy.company_pay_override,
    citizenPayOverride: d.policy.citizen_pay_override
  })
  return {
    title: policyEdits[edit].label,
    heading: `${policyEdits[edit].label}: police ${d.policy.policy_number}`,
    action: policyEditPath(edit, d.policy.id),
    back: policyPath(d),
    person: `${fmt.cpr(d.person.cpr)} ${d.person.name ?? ""} · ${d.taxYear.year}`,
    company: companyLabel(d.company),
    paidBy: companyPays ? "Pensionsselskab" : "Borger",
    companies: companies.map((c) => ({ id: String(c.id), label: companyLabel(c) })),
    form,
    errors,
    error: undefined
  }
}
