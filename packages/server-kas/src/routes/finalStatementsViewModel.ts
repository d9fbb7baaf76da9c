import {
  Dispatch,
  DueDates,
  FinalStatements,
  Persons,
  Policies,
  TaxYearPeriod,
  TaxYears,
  Transactions
} from "@kas/core"
import { Effect } from "effect"
import type { Format } from "../web/Format.js"
import { personYearPath } from "./personYear.js"

/** The final statements of staff-web.md §11: what the tab, the forms and the download read, and their views. */

/** A person-year with its year and page (the context of every statement page). */
export const personYearOf = (personTaxYearId: number) =>
  Effect.gen(function* () {
    const personYear = yield* Effect.flatMap(Persons, (p) => p.getPersonTaxYear(personTaxYearId))
    const taxYear = yield* Effect.flatMap(TaxYears, (t) => t.get(personYear.tax_year_id))
    const person = yield* Effect.flatMap(Persons, (p) => p.get(personYear.person_id))
    return { personYear, taxYear, person, page: personYearPath(taxYear.year, person.id) }
  })

/** A statement with its person-year context. */
export const statementOf = (uuid: string) =>
  Effect.gen(function* () {
    const statement = yield* Effect.flatMap(FinalStatements, (s) => s.get(uuid))
    return { statement, ...(yield* personYearOf(statement.person_tax_year_id)) }
  })

/** What the tab "Slutopgørelser" (§11.2) reads. */
export const loadStatementsTab = (personTaxYearId: number) =>
  Effect.gen(function* () {
    const context = yield* personYearOf(personTaxYearId)
    const statements = yield* Effect.flatMap(FinalStatements, (s) => s.listByPersonTaxYear(personTaxYearId))
    const transactions = yield* Effect.flatMap(Transactions, (t) => t.listByPersonTaxYear(personTaxYearId))
    return { ...context, statements, transactions }
  })

/** The tab's rows (also of a person-year's version, staff-web.md §10); `can` answers the user's permissions. */
export const statementsTabView = (
  data: Pick<Effect.Effect.Success<ReturnType<typeof loadStatementsTab>>, "taxYear" | "statements" | "transactions">,
  fmt: Format,
  can: (...permissions: Array<string>) => boolean
) => {
  const dispatchPeriod = TaxYearPeriod.allows(data.taxYear.year_part, "dispatchFinalStatement")
  return {
    rows: data.statements.map((s) => {
      const tx = data.transactions.find(
        (t) => t.final_statement_uuid === s.uuid && t.type === "prisme10q" && t.status !== "cancelled"
      )
      return {
        uuid: s.uuid,
        created: fmt.dateTime(s.created_at),
        sent: fmt.dateTime(s.send_at),
        title: s.title,
        status: s.invalid ? "Ugyldig" : Dispatch.dispatchStatusLabels[s.status],
        delivery: Dispatch.deliveryStatusText(s),
        prismeAmount: tx === undefined ? "" : fmt.kroner(tx.amount),
        batchHref: tx?.prisme10q_batch_id == null ? null : `/prisme/batch/${tx.prisme10q_batch_id}/`,
        show: can("finalstatement.view"),
        invalidate: can("finalstatement.change") && !s.invalid && s.status === "created",
        dispatch: can("finalstatement.change") && !s.invalid && Dispatch.allowDispatch(s.status) && dispatchPeriod
      }
    })
  }
}

/** The choices of "Tekst om beløb til betaling" (BULK is not offered, §11.1). */
export const paymentTextChoices = (["DUE_ON_DATE", "DUE", "PREV_AMOUNT_DUE", "REFUND"] as const).map((value) => ({
  value,
  label: DueDates.paymentTextLabels[value]
}))

/** The form of §11.1 as the user typed it. */
export interface GenerateForm {
  readonly interest: string
  readonly extra: string
  readonly text: string
}

/** Parses the generation form; a field that does not parse gets its message (the ranges are core's rule). */
export const parseGenerateForm = (body: Record<string, unknown>) => {
  const form: GenerateForm = {
    interest: typeof body.interest_on_remainder === "string" ? body.interest_on_remainder.trim() : "",
    extra:
      typeof body.extra_payment_for_previous_missing === "string" ? body.extra_payment_for_previous_missing.trim() : "",
    text: typeof body.text_used_for_payment === "string" ? body.text_used_for_payment : ""
  }
  const errors: Record<string, string> = {}
  const interest = form.interest === "" ? 0 : Number(form.interest.replace(",", "."))
  if (!/^\d{1,3}([.,]\d{1,2})?$/.test(form.interest === "" ? "0" : form.interest)) {
    errors.interest_on_remainder = "Indtast en procentsats mellem 0,00 og 999,99 med højst to decimaler"
  }
  const extra = form.extra === "" ? 0 : Number(form.extra)
  if (!/^\d+$/.test(form.extra === "" ? "0" : form.extra) || !Number.isSafeInteger(extra)) {
    errors.extra_payment_for_previous_missing = "Indtast et helt beløb på 0 eller mere"
  }
  const choice = paymentTextChoices.find((c) => c.value === form.text)
  if (choice === undefined) errors.text_used_for_payment = "Vælg en tekst om beløb til betaling"
  return {
    form,
    errors,
    valid: Object.keys(errors).length === 0,
    values: {
      interestOnRemainder: interest,
      extraPaymentForPreviousMissing: extra,
      textUsedForPayment: (choice?.value ?? "DUE") as DueDates.PaymentText
    }
  }
}

/** The field a core form refusal belongs to (`FinalStatements.validateForm`'s rule names). */
export const fieldOfRule: Readonly<Record<string, string>> = {
  interest: "interest_on_remainder",
  "extra-payment": "extra_payment_for_previous_missing",
  "payment-text": "text_used_for_payment"
}

/** The latest future `next_processing_date` of the person-year's policies, for the dispatch warning (§11.4). */
export const futureProcessingDate = (personTaxYearId: number, today: string) =>
  Effect.map(
    Effect.flatMap(Policies, (p) => p.listByPersonTaxYear(personTaxYearId)),
    (policies) =>
      policies
        .map((p) => p.next_processing_date)
        .filter((d): d is string => d !== null && d > today)
        .sort()
        .at(-1) ?? null
  )

/** Whether the statement may be dispatched now (§11.4): valid, `created` or `failed`, year in genoptagelsesperiode. */
export const dispatchAllowed = (d: Effect.Effect.Success<ReturnType<typeof statementOf>>) =>
  !d.statement.invalid &&
  Dispatch.allowDispatch(d.statement.status) &&
  TaxYearPeriod.allows(d.taxYear.year_part, "dispatchFinalStatement")
