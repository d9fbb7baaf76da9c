import {
  DaysInYear,
  PersonYearPage,
  PersonYearRules,
  PolicyCalculation,
  type PolicyTaxYear,
  yearPartLabels
} from "@kas/core"
import { Effect } from "effect"
import { StaffUsers } from "../auth/StaffUsers.js"
import type { Format } from "../web/Format.js"
import { documentRows, noteRows } from "./notesViewModel.js"

/** The person-year page (staff-web.md §6): what it reads, and the view built from it. */

/** Everything the page shows: the person-year page's read in core (one statement), and the users it names. */
export const loadPersonYear = (year: number, personId: number, options: { readonly transactions: boolean }) =>
  Effect.gen(function* () {
    const page = yield* Effect.flatMap(PersonYearPage, (p) => p.load(personId, year, options))
    const users = yield* Effect.flatMap(StaffUsers, (u) =>
      u.usernames([
        ...page.notes.map((n) => n.author_id),
        ...page.documents.flatMap((d) => (d.uploaded_by_id === null ? [] : [d.uploaded_by_id]))
      ])
    )
    return { ...page, users }
  })

/** What the page reads. */
export type PersonYearData = Effect.Effect.Success<ReturnType<typeof loadPersonYear>>

const personStatus: Record<string, string> = { Undefined: "", Alive: "", Dead: "Afdød", Invalid: "Ugyldig" }
const transactionStatus: Record<string, string> = {
  created: "Oprettet",
  ready: "Klar til overførsel",
  transferred: "Overført",
  cancelled: "Annulleret",
  indifferent: "Afregnes ikke"
}
const transactionType: Record<string, string> = {
  prisme10q: "Prisme opkrævning / tilbagebetaling",
  prepayment: "Forudindbetaling"
}

/** "{name} ({res})" (domain.md §2.6). */
export const companyLabel = (c: { readonly name: string | null; readonly res: number | null } | undefined): string =>
  c === undefined ? "" : c.res === null ? (c.name ?? "") : `${c.name ?? ""} (${c.res})`

/** "self-reported − prefilled (trunc %)": empty unless both are set; no % when prefilled is 0. */
export const selfReportedDifference = (fmt: Format, p: PolicyTaxYear): string => {
  if (p.self_reported_amount === null || p.prefilled_amount === null) return ""
  const diff = p.self_reported_amount - p.prefilled_amount
  const percent = p.prefilled_amount === 0 ? "" : ` (${Math.trunc((diff * 100) / p.prefilled_amount)} %)`
  return `${fmt.kroner(diff)}${percent}`
}

/** The amounts of a policy as the policy list and the policy page show them (§3.2 base amount, day adjustment). */
export const policyAmounts = (p: PolicyTaxYear, numberOfDays: number | null, year: number) => {
  const amounts = {
    assessedAmount: p.assessed_amount,
    selfReportedAmount: p.self_reported_amount,
    prefilledAmount: p.prefilled_amount,
    prefilledAmountEdited: p.prefilled_amount_edited,
    baseCalculationAmount: p.base_calculation_amount,
    numberOfDays,
    daysInYear: DaysInYear.daysInYear(year)
  }
  return { adjusted: PolicyCalculation.prefilledAdjustedAmount(amounts), base: PolicyCalculation.baseAmount(amounts) }
}

/** The page's view model; `can` answers the user's permissions. */
export const personYearView = (data: PersonYearData, fmt: Format, can: (...permissions: Array<string>) => boolean) => {
  const { person, personYear, taxYear, policies } = data
  const flags = policies.map((p) => ({
    active: p.active,
    slutlignet: p.slutlignet,
    efterbehandling: p.efterbehandling,
    nextProcessingDate: p.next_processing_date
  }))
  const base = `/tax_year/${taxYear.year}/persons/${person.id}/`
  return {
    title: `${fmt.cpr(person.cpr)} ${person.name ?? ""} ${taxYear.year}`,
    base,
    personId: person.id,
    personTaxYearId: personYear.id,
    year: taxYear.year,
    master: {
      cpr: fmt.cpr(person.cpr),
      name: person.name ?? "",
      municipalityCode: person.municipality_code ?? "",
      municipalityName: person.municipality_name ?? "",
      postalAddress: person.postal_address,
      fullAddress: person.full_address ?? "",
      status: personStatus[person.status] ?? "",
      liability: personYear.fully_tax_liable ? "Fuldt skattepligtig" : "Ikke fuldt skattepligtig",
      days: personYear.number_of_days ?? "",
      slutlignet: fmt.yesNo(PersonYearRules.slutlignet(flags)),
      efterbehandling: fmt.yesNo(PersonYearRules.efterbehandling(flags)),
      updatedFromDafo: fmt.yesNo(person.updated_from_dafo),
      handled: personYear.all_documents_and_notes_handled
    },
    years: data.years.map((y) => ({
      href: `/tax_year/${y.year}/persons/${person.id}/`,
      label: `${y.year} (${yearPartLabels[y.year_part]})`,
      selected: y.id === taxYear.id
    })),
    actions: {
      handled: !personYear.all_documents_and_notes_handled && can("persontaxyear.change"),
      censusRefresh: can("persontaxyear.change"),
      addPolicy: can("policy.add"),
      /** "Hent selvangivelse PDF" (§6.4): when a tax slip exists. */
      taxSlip: personYear.tax_slip_id !== null && can("taxslip.view"),
      addNotes: can("note.add", "document.add"),
      history: can("persontaxyear.view"),
      represent: can("persontaxyear.add"),
      generateStatement:
        taxYear.year_part === "genoptagelsesperiode" && policies.length > 0 && can("finalstatement.add")
    },
    policies: policies.map((p) => {
      const amounts = policyAmounts(p, personYear.number_of_days, taxYear.year)
      return {
        id: p.id,
        href: `/policy/${p.id}/`,
        inactive: !p.active,
        year: taxYear.year,
        company: companyLabel(data.companies.get(p.pension_company_id)),
        number: p.policy_number,
        slutlignet: fmt.yesNo(p.slutlignet),
        efterbehandling: fmt.yesNo(p.efterbehandling),
        nextDate: fmt.date(p.next_processing_date),
        prefilled: fmt.kroner(p.prefilled_amount),
        edited: fmt.kroner(p.prefilled_amount_edited),
        adjusted: fmt.kroner(amounts.adjusted),
        selfReported: fmt.kroner(p.self_reported_amount),
        assessed: fmt.kroner(p.assessed_amount),
        base: fmt.kroner(amounts.base),
        difference: selfReportedDifference(fmt, p)
      }
    }),
    notes: noteRows(data, fmt, can),
    documents: documentRows(data, fmt, can),
    foreignPensionNotes: personYear.foreign_pension_notes ?? "",
    generalNotes: personYear.general_notes ?? "",
    showTransactions: can("transaction.view"),
    transactions: data.transactions.map((t) => ({
      status: transactionStatus[t.status] ?? t.status,
      type: transactionType[t.type] ?? t.type,
      created: fmt.dateTime(t.created_at),
      batch: t.prisme10q_batch_id,
      /** "Prisme bunke" links to the batch page (batch.view). */
      batchHref: t.prisme10q_batch_id !== null && can("batch.view") ? `/prisme/batch/${t.prisme10q_batch_id}/` : null,
      amount: fmt.kroner(t.amount)
    }))
  }
}
