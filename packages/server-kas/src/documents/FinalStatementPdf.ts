/**
 * The final statement letter ("slutopgørelse", integrations.md §5.2 and Appendix A): a Greenlandic part, then a Danish
 * one, rendered from the statement's draft (the stored amounts, the due dates and the letter's policies).
 */
import type { DueDates, LetterPolicy, StatementDraft } from "@kas/core"
import { Effect } from "effect"
import { PdfRenderError } from "./PdfRenderError.js"
import { Document, formatAmount, headerDate, mm, type Row, textDate } from "./Layout.js"
import { finalStatementTexts as A, type Bilingual, fill, type Language } from "./Texts.js"

/** The file name of a final statement (§5.2). */
export const finalStatementFileName = (year: number, cpr: string) => `Y_FINAL_${year}_${cpr}.pdf`

/** A percentage as the letter writes it: a decimal comma, at most two decimals ("2,5"). */
const percent = (value: number) => String(Math.round(value * 100) / 100).replace(".", ",")

const neg = (amount: number) => formatAmount(0 - amount)

/** The rows of one policy's table (§5.2 step 5). */
export const policyRows = (p: LetterPolicy, draft: StatementDraft, lang: Language): ReadonlyArray<Row> => {
  const letter = draft.gathered.letter
  const neitherSet = p.assessedAmount === null && p.selfReportedAmount === null
  const rows: Array<Row> = []
  const first = p.assessedAmount !== null ? A.A12 : p.selfReportedAmount !== null ? A.A11b : A.A11
  rows.push({ label: first[lang], value: formatAmount(neitherSet ? p.unadjustedPrefilledAmount : p.baseAmount) })
  if (letter.numberOfDays < letter.daysInYear && neitherSet) {
    const label = fill(A.A13[lang], { days: letter.numberOfDays, days_in_year: letter.daysInYear })
    rows.push({ label, value: formatAmount(p.baseAmount) })
  }
  if (p.baseAmount < 0) {
    rows.push({ label: A.A14[lang], value: formatAmount(Math.abs(p.baseAmount)), bold: true })
  } else {
    for (const loss of p.lossesUsed)
      rows.push({ label: fill(A.A15[lang], { year: loss.year }), value: neg(loss.amount) })
    rows.push({ label: A.A16[lang], value: formatAmount(p.taxableAmount) })
    rows.push({ label: A.A17[lang], value: formatAmount(p.fullTax) })
    if (p.foreignPaidAmountActual !== 0) rows.push({ label: A.A18[lang], value: neg(p.foreignPaidAmountActual) })
    if (p.preliminaryPaidAmount !== 0) rows.push({ label: A.A19[lang], value: neg(p.preliminaryPaidAmount) })
    rows.push({ label: A.A20[lang], value: formatAmount(p.letterTax), bold: true })
  }
  if (p.pensionCompanyPays) rows.push({ label: fill(A.A21[lang], { company: p.companyName ?? "-" }), bold: true })
  return rows
}

/** The summary rows (§5.2 step 6): the company box, the citizen box and the totals. */
export const summaryBoxes = (draft: StatementDraft, lang: Language) => {
  const a = draft.amounts
  const policies = draft.gathered.letter.policies
  const label = (p: LetterPolicy) => fill(A.A25[lang], { company: p.companyName ?? "-", policy: p.policyNumber })
  const companyPaid = policies.filter((p) => p.pensionCompanyPays)
  const company: Array<Row> = companyPaid.map((p) => ({ label: label(p), value: formatAmount(p.letterTax) }))
  company.push({ label: A.A26[lang], value: formatAmount(companyPaid.reduce((s, p) => s + p.letterTax, 0)) })
  const citizen: Array<Row> = policies
    .filter((p) => !p.pensionCompanyPays && p.letterTax > 0)
    .map((p) => ({ label: label(p), value: formatAmount(p.letterTax) }))
  citizen.push({ label: A.A28[lang], value: formatAmount(a.totalTax), bold: true })
  if (a.prepayment !== 0) {
    citizen.push({ label: A.A27[lang], value: formatAmount(a.prepayment) })
    citizen.push({ label: A.A28[lang], value: formatAmount(a.totalTax + a.prepayment), bold: true })
  }
  if (draft.gathered.input.previousStatementExists && a.remainderWithInterest !== 0) {
    const over = a.remainder < 0
    const values = { pct: percent(draft.gathered.input.interestOnRemainder), remainder: formatAmount(a.remainder) }
    citizen.push({ label: A.A29[lang], value: formatAmount(a.previousTransactionSum) })
    citizen.push({ label: (over ? A.A30a : A.A30b)[lang], value: formatAmount(a.remainder) })
    citizen.push({ label: fill((over ? A.A31a : A.A31b)[lang], values), value: formatAmount(a.interest) })
    citizen.push({ label: (over ? A.A32a : A.A32b)[lang], value: formatAmount(a.remainderWithInterest) })
  }
  const extra = draft.gathered.input.extraPaymentForPreviousMissing
  if (extra !== 0) citizen.push({ label: A.A33[lang], value: formatAmount(extra) })
  citizen.push({
    label: (a.totalPayment < 0 ? A.A34a : A.A34b)[lang],
    value: formatAmount(a.totalPayment),
    bold: true
  })
  return { company, citizen }
}

const paymentTexts: Readonly<Record<DueDates.PaymentText, { readonly text: Bilingual; readonly a47: boolean }>> = {
  BULK: { text: A.A38, a47: false },
  DUE: { text: A.A39, a47: true },
  DUE_ON_DATE: { text: A.A40, a47: true },
  PREV_AMOUNT_DUE: { text: A.A41, a47: true },
  REFUND: { text: A.A42, a47: false }
}

/** The bold payment text chosen by `text_used_for_payment` (A38–A42, A39–A41 followed by A47), filled. */
export const paymentText = (draft: StatementDraft, lang: Language): string => {
  const values = {
    skatteaar: draft.gathered.year,
    betalingsaar: draft.gathered.year + 1,
    forfaldsdato: textDate(draft.dueDate, lang),
    sidste_betalingsdato: textDate(draft.lastPaymentDate, lang),
    ikke_betalt_fra_tidligere: formatAmount(draft.gathered.input.extraPaymentForPreviousMissing),
    for_lidt_opkraevet_med_tillaeg: formatAmount(draft.amounts.totalPayment)
  }
  const chosen = paymentTexts[draft.textUsedForPayment]
  const text = fill(chosen.text[lang], values)
  return chosen.a47 ? `${text} ${fill(A.A47[lang], values)}` : text
}

const part = (d: Document, draft: StatementDraft, lang: Language) => {
  const { gathered, amounts } = draft
  const letter = gathered.letter
  d.startPart()
  d.textAt(fill(A.A1[lang], { year: gathered.year }), mm(17), mm(12), mm(176), { bold: true, size: 11 })
  d.textAt(fill(A.A2[lang], { date: headerDate(draft.today) }), mm(17), mm(22), mm(80))
  const addressBottom = d.addressWindow(letter.name, letter.addressLines)
  const infoBottom = d.infoBox([
    `${A.A3[lang]} ${gathered.cpr}`,
    `${A.A4[lang]} 15,3%`,
    A.A5[lang],
    `${A.A6[lang]}: ${letter.numberOfDays}`
  ])
  d.y = Math.max(addressBottom, infoBottom) + mm(10)
  d.paragraph(A.A7[lang])
  d.paragraph(A.A8[lang], { gap: 12 })
  for (const p of letter.policies) {
    d.breakIfBeyond(mm(190))
    const header = [fill(A.A9[lang], { company: p.companyName ?? "-" }), fill(A.A10[lang], { number: p.policyNumber })]
    d.table(header, policyRows(p, draft, lang))
  }
  d.newPage()
  d.paragraph(A.A22[lang], { bold: true, size: 11, gap: 10 })
  const boxes = summaryBoxes(draft, lang)
  d.table([A.A23[lang]], boxes.company)
  d.table([A.A24[lang]], boxes.citizen, { gap: 14 })
  d.paragraph(A.A35[lang])
  d.paragraph(A.A36[lang])
  d.paragraph(A.A37[lang])
  if (amounts.totalPayment !== 0) d.paragraph(paymentText(draft, lang), { bold: true })
  d.paragraph(A.A43[lang])
  d.paragraph(A.A44[lang])
  d.paragraph(A.A45[lang])
  d.paragraph(A.A46[lang])
}

/**
 * Letters rendered by this process, the milliseconds spent on them and the process's CPU milliseconds meanwhile (read
 * by bench/documents).
 */
export const renderStats = { count: 0, ms: 0, cpuMs: 0 }

/** The PDF of a final statement; `textLayout` as `Document` takes it ("pdfkit": the reference for the tests). */
export const finalStatementPdf = (draft: StatementDraft, textLayout?: "kept" | "pdfkit"): Promise<Uint8Array> => {
  const d = new Document(
    draft.gathered.cpr,
    fill(A.A1.da, { year: draft.gathered.year }),
    "final_statement",
    textLayout
  )
  part(d, draft, "kl")
  part(d, draft, "da")
  return d.finish()
}

/** Renders the final statement of a draft: the `PdfRenderer` of `FinalStatements.generate` and `generateBulk`. */
export const renderFinalStatement = (draft: StatementDraft): Effect.Effect<Uint8Array, PdfRenderError> =>
  Effect.tryPromise({
    try: async () => {
      const started = performance.now()
      const cpu = process.cpuUsage()
      const pdf = await finalStatementPdf(draft)
      renderStats.count++
      renderStats.ms += performance.now() - started
      const used = process.cpuUsage(cpu)
      renderStats.cpuMs += (used.user + used.system) / 1000
      return pdf
    },
    catch: (cause) => new PdfRenderError({ document: "final_statement", cause })
  }).pipe(Effect.withSpan("renderFinalStatement"))
