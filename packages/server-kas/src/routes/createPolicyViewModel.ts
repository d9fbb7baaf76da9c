import { Companies, NotFound, Persons } from "@kas/core"
import { Effect } from "effect"
import type { Format } from "../web/Format.js"
import { collect, kroner } from "../web/FormFields.js"
import { companyLabel } from "./personYearViewModel.js"
import { chooseCompanyMessage } from "./policyEditsViewModel.js"

/** "Opret ny police" (staff-web.md §8.5): what the page reads, the decoding of the form and the page's view. */

/** The person-year the policy is created in, and the companies to choose from. */
export const loadCreatePolicy = (year: number, personId: number) =>
  Effect.gen(function* () {
    const persons = yield* Persons
    const person = yield* persons.get(personId)
    const personYear = yield* persons.findPersonTaxYear(person.cpr, year)
    if (personYear === null) return yield* Effect.fail(NotFound.of("Personskatteår", `${person.cpr}/${year}`))
    const companies = yield* Effect.flatMap(Companies, (c) => c.list())
    return { person, personYear, year, companies }
  })

/** What the page reads. */
export type CreatePolicyData = Effect.Effect.Success<ReturnType<typeof loadCreatePolicy>>

/** The form values as typed. */
export type CreatePolicyForm = Record<"company" | "policy_number" | "self_reported_amount", string>

const text = (body: Record<string, unknown>, name: string) => (typeof body[name] === "string" ? body[name] : "")

/**
 * Decodes the posted form: the company must be one of the list, the amount whole kroner and required. The policy
 * number is passed as typed: its rule (`PolicyNumber`) and the duplicate check are core's.
 */
export const parseCreatePolicy = (d: CreatePolicyData, body: Record<string, unknown>) => {
  const form: CreatePolicyForm = {
    company: text(body, "company").trim(),
    policy_number: text(body, "policy_number"),
    self_reported_amount: text(body, "self_reported_amount")
  }
  const company = d.companies.find((c) => String(c.id) === form.company)
  const parsed = collect({ self_reported_amount: kroner(form.self_reported_amount, { required: true }) })
  const errors: Record<string, string> = { ...parsed.errors }
  if (company === undefined) errors.company = chooseCompanyMessage
  return {
    form,
    errors,
    valid: Object.keys(errors).length === 0,
    input: {
      person_tax_year_id: d.personYear.id,
      pension_company_id: company?.id ?? 0,
      policy_number: form.policy_number,
      self_reported_amount: parsed.values.self_reported_amount ?? null
    }
  }
}

/** The empty form. */
export const emptyCreatePolicyForm: CreatePolicyForm = { company: "", policy_number: "", self_reported_amount: "" }

/** The page's view. */
export const createPolicyView = (
  d: CreatePolicyData,
  fmt: Format,
  form: CreatePolicyForm,
  errors: Record<string, string>
) => ({
  title: "Opret ny police",
  heading: `Opret ny police · ${fmt.cpr(d.person.cpr)} ${d.person.name ?? ""} · ${d.year}`,
  action: `/tax_year/${d.year}/persons/${d.person.id}/policy/`,
  back: `/tax_year/${d.year}/persons/${d.person.id}/`,
  companies: d.companies.map((c) => ({ id: String(c.id), label: companyLabel(c) })),
  form,
  errors
})
