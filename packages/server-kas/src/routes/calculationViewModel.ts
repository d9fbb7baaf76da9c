import {
  CalculationDetails,
  FinalStatements,
  PolicyCalculation,
  type PolicyCalculationDetail,
  StatementAmounts
} from "@kas/core"
import { Effect } from "effect"
import type { Format } from "../web/Format.js"

/**
 * The tab "Beregningsdetaljer" of the policy page (staff-web.md §8.4): the live calculation of each policy step by
 * step, and — when a final statement exists — the same rows from the policies' versions at the newest statement.
 * Every number is a value of core's calculation (`CalculationDetails`, `PolicyCalculation`); nothing is computed here.
 */

/** The live calculations of a person-year's policies and, if any, those as of its newest valid final statement. */
export const loadCalculations = (personTaxYearId: number) =>
  Effect.gen(function* () {
    const details = yield* CalculationDetails
    const live = yield* details.live(personTaxYearId)
    // Decision: an invalidated statement is not "the latest final statement".
    const statement = (yield* Effect.flatMap(FinalStatements, (f) => f.listByPersonTaxYear(personTaxYearId))).find(
      (s) => !s.invalid
    )
    const asOf = statement === undefined ? null : yield* details.asOf(personTaxYearId, statement.created_at)
    return { live, statement: statement ?? null, asOf }
  })

/** What the tab reads. */
export type CalculationData = Effect.Effect.Success<ReturnType<typeof loadCalculations>>

/** One row of a calculation table: label, optional help, amount and whether it is the result. */
export interface CalculationRow {
  readonly label: string
  readonly help?: string
  readonly amount: string
  readonly strong?: boolean
}

/** A policy's name in the person-year list of rows 5. */
export type PolicyNames = ReadonlyMap<number, string>

const policyRows = (d: PolicyCalculationDetail, fmt: Format): Array<CalculationRow> => {
  const r = d.result
  const rows: Array<CalculationRow> = [
    { label: "Fortrykt beløb", help: "Udfyldes fra R75", amount: fmt.kroner(d.prefilledAmount) },
    {
      label: "Ændret beløb fra pensionsselskab",
      help: "Beløb fra pensionsselskab, ændret af administrator i forhold til de oprindelige R75 data",
      amount: fmt.kroner(d.prefilledAmountEdited)
    },
    { label: "Selvangivet beløb", help: "Selvangivet beløb fra borgeren", amount: fmt.kroner(d.selfReportedAmount) },
    {
      label: "Ansat beløb",
      help: "Beløb angivet af ansat under sagsbehandling eller autoligning",
      amount: fmt.kroner(d.assessedAmount)
    },
    {
      label: `Kapitalafkast (${r.taxableDaysInYear} skattedage ud af ${r.daysInYear} dage)`,
      amount: fmt.kroner(r.initialAmount)
    }
  ]
  if (r.yearAdjustedAmount <= 0) {
    rows.push({ label: "Negativt afkast til fremførsel", amount: fmt.kroner(Math.abs(r.yearAdjustedAmount)) })
  } else {
    for (const [year, used] of r.desiredDeductions) {
      rows.push({ label: `Modregning af tidligere negativt kapitalafkast (${year})`, amount: fmt.kroner(-used) })
    }
    rows.push(
      { label: "Beskatningsgrundlag (kapitalafkast efter modregning)", amount: fmt.kroner(r.taxableAmount) },
      { label: "Kapitalafkastskat (15,3% af beskatningsgrundlag)", amount: fmt.kroner(r.fullTax) },
      { label: "Nedslag for betalt skat i udlandet", amount: fmt.kroner(0 - r.foreignPaidAmount) },
      { label: "Forudbetalt kapitalafkastskat", amount: fmt.kroner(0 - r.preliminaryPayment) },
      { label: "Tilbageværende kapitalafkastskat", amount: fmt.kroner(r.taxWithDeductions), strong: true }
    )
  }
  return rows
}

/** One table ("Senest opdaterede oplysninger" or "Seneste slutopgørelse") for the policy `policyId`. */
const table = (
  all: ReadonlyArray<PolicyCalculationDetail>,
  policyId: number,
  year: number,
  names: PolicyNames,
  fmt: Format
) => {
  const d = all.find((x) => x.policyId === policyId)
  if (d === undefined) return null
  const active = all.filter((x) => x.active)
  return {
    rows: policyRows(d, fmt),
    companyPays: d.pensionCompanyPays,
    /** Row 5: each active policy's amount to pay, "*" below the limit (only with several active policies). */
    perPolicy:
      active.length > 1
        ? active.map((x) => ({
            name: names.get(x.policyId) ?? "",
            amount: fmt.kroner(x.pensionCompanyPays ? 0 : x.result.taxWithDeductions),
            belowLimit: !x.pensionCompanyPays && StatementAmounts.belowIndifferenceLimit(x.result.taxWithDeductions),
            companyPays: x.pensionCompanyPays
          }))
        : [],
    totalLabel: `Kapitalafkastskat at betale i alt for policer i ${year}`,
    total: fmt.kroner(PolicyCalculation.personYearTaxToPay(all.map((x) => ({ ...x, taxToPay: x.result.taxToPay }))))
  }
}

/** The tab of one policy: the live table and, when a statement exists, the table as of it. */
export const calculationView = (
  data: CalculationData,
  policyId: number,
  year: number,
  names: PolicyNames,
  fmt: Format
) => {
  const latest = data.asOf === null ? null : table(data.asOf, policyId, year, names, fmt)
  return {
    live: table(data.live, policyId, year, names, fmt),
    statement:
      data.statement === null
        ? null
        : {
            created: fmt.dateTime(data.statement.created_at),
            table: latest,
            extraPayment: fmt.kroner(data.statement.extra_payment_for_previous_missing)
          }
  }
}

/** Adds each policy's calculation tab to the policies page's view. */
export const withCalculations = <
  V extends {
    readonly year: number
    readonly policies: ReadonlyArray<{ readonly id: number; readonly number: string; readonly company: string }>
  }
>(
  view: V,
  data: CalculationData,
  fmt: Format
) => {
  const names = new Map(view.policies.map((p) => [p.id, `${p.number} (${p.company})`]))
  return {
    ...view,
    policies: view.policies.map((p) => ({ ...p, calculation: calculationView(data, p.id, view.year, names, fmt) }))
  }
}
