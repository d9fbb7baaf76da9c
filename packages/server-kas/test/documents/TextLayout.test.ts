import type { DueDates, LetterPolicy, StatementDraft, TaxSlipDraft } from "@kas/core"
import { StatementAmounts } from "@kas/core"
import { describe, expect, it } from "vitest"
import { finalStatementPdf } from "../../src/documents/FinalStatementPdf.js"
import { taxSlipPdf } from "../../src/documents/TaxSlipPdf.js"

// The documents write their texts from kept line breaks and glyph operators (TextLayout.ts) instead of pdfkit's
// `text()`: over a spread of letters and slips the files must be byte for byte the ones pdfkit's own layout writes
// (the creation date and the file id, which hashes it, aside).

/** A small deterministic random number generator (mulberry32). */
const random = (seed: number) => {
  let s = seed >>> 0
  return () => {
    s = (s + 0x6d2b79f5) >>> 0
    let t = Math.imul(s ^ (s >>> 15), s | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const names = [
  "Åse Ødegård Kristiansen",
  "Ülle Zäpfel-Quist ĸ Éÿ",
  // Combining marks: glyphs placed off their line, which pdfkit writes itself.
  "Ane\u0301 Ko\u0308nig",
  "Aviaja Kristiansen-Lyberth Heilmann Petersen Motzfeldt Olsen Berthelsen Kleist Lynge",
  "A",
  null
]
const companies = [
  "Alfa Pension",
  "Sulisartut Pensionskasse og Livsforsikringsselskab for Grønlands Arbejdere og Funktionærer A/S",
  "Pæn Ørn Pension",
  null
]
const texts: ReadonlyArray<DueDates.PaymentText> = ["BULK", "DUE", "DUE_ON_DATE", "PREV_AMOUNT_DUE", "REFUND"]
const addresses = [
  [],
  ["Aqqusinersuaq 12", "3900 Nuuk"],
  ["c/o Længere Adresselinje med mange ord", "Postboks 1234", "3920"]
]

/** A statement with every kind of row and text: `i` picks policies, amounts, transactions and the payment text. */
const statement = (i: number): StatementDraft => {
  const r = random(i * 7919 + 1)
  const pick = <T>(xs: ReadonlyArray<T>) => xs[Math.floor(r() * xs.length)]!
  const amount = () => Math.round((r() - 0.3) * 10 ** (2 + Math.floor(r() * 6)))
  const count = r() < 0.1 ? 0 : r() < 0.15 ? 9 + Math.floor(r() * 6) : 1 + Math.floor(r() * 4)
  const policies = Array.from({ length: count }, (_, k): LetterPolicy => {
    const base = amount()
    const kind = r()
    const taxable = Math.max(0, base)
    const fullTax = Math.trunc(taxable * 0.153)
    const foreign = r() < 0.3 ? Math.abs(amount()) : 0
    const prepaid = r() < 0.3 ? Math.abs(amount()) : 0
    return {
      policyNumber: r() < 0.2 ? `POL-${k}-${"X".repeat(Math.floor(r() * 60))}` : `P-${i}-${k}`,
      companyName: pick(companies),
      pensionCompanyPays: r() < 0.3,
      assessedAmount: kind < 0.2 ? base : null,
      selfReportedAmount: kind >= 0.2 && kind < 0.4 ? base : null,
      unadjustedPrefilledAmount: amount(),
      baseAmount: base,
      lossesUsed: r() < 0.3 ? [2015, 2017, 2019].map((year) => ({ year, amount: Math.abs(amount()) })) : [],
      taxableAmount: taxable,
      fullTax,
      foreignPaidAmountActual: foreign,
      preliminaryPaidAmount: prepaid,
      taxWithDeductions: fullTax - foreign - prepaid,
      letterTax: r() < 0.1 ? 0 : fullTax - foreign - prepaid
    }
  })
  const createdAt = new Date("2024-03-01T12:00:00Z")
  const transactions: Array<StatementAmounts.StatementTransaction> = []
  if (r() < 0.4)
    transactions.push({ type: "prepayment", status: "transferred", amount: -Math.abs(amount()), createdAt })
  if (r() < 0.5) transactions.push({ type: "prisme10q", status: "transferred", amount: amount(), createdAt })
  const input: StatementAmounts.StatementInput = {
    policies: policies.map((p) => ({
      policyNumber: p.policyNumber,
      companyName: p.companyName ?? "",
      pensionCompanyPays: p.pensionCompanyPays,
      taxToPay: p.pensionCompanyPays ? 0 : p.letterTax
    })),
    transactions,
    previousStatementExists: r() < 0.5,
    interestOnRemainder: r() < 0.5 ? Math.round(r() * 1000) / 100 : 0,
    extraPaymentForPreviousMissing: r() < 0.3 ? Math.abs(amount()) : 0
  }
  return {
    gathered: {
      input,
      personTaxYearId: i,
      year: 2023,
      taxYearId: 1,
      cpr: String(1_000_000_000 + i),
      lockId: 1,
      letter: {
        name: pick(names),
        addressLines: pick(addresses),
        numberOfDays: r() < 0.5 ? 365 : 1 + Math.floor(r() * 364),
        daysInYear: 365,
        policies
      }
    },
    amounts: StatementAmounts.compute(input),
    textUsedForPayment: pick(texts),
    dueDate: "2024-11-01",
    lastPaymentDate: "2024-11-20",
    today: "2024-07-05"
  }
}

const slip = (i: number): TaxSlipDraft => {
  const r = random(i * 104729 + 3)
  return {
    personTaxYearId: i,
    year: 2024,
    cpr: String(2_000_000_000 + i),
    name: names[Math.floor(r() * names.length)]!,
    addressLines: addresses[Math.floor(r() * addresses.length)]!,
    numberOfDays: 1 + Math.floor(r() * 365),
    policies: Array.from({ length: Math.floor(r() * 10) }, (_, k) => ({
      companyName: companies[Math.floor(r() * companies.length)]!,
      policyNumber: `S-${k}`,
      prefilledAmount: r() < 0.2 ? null : Math.round(r() * 1e6),
      yearAdjustedAmount: Math.round(r() * 1e6),
      pensionCompanyPays: r() < 0.3
    }))
  }
}

/** The file as text with its creation date and id masked (both change from one second to the next). */
const masked = (pdf: Uint8Array) =>
  Buffer.from(pdf)
    .toString("latin1")
    .replace(/\(D:\d+Z\)/g, "(D:)")
    .replace(/\/ID \[<[0-9a-f]+> <[0-9a-f]+>\]/, "/ID []")

describe("kept text layout", () => {
  it("writes final statements and tax slips byte for byte as pdfkit's text() does", async () => {
    // A process's first document of a kind starts the font subsets of the next ones (Fonts.ts): render it first, so
    // that both ways start alike.
    await finalStatementPdf(statement(0))
    await taxSlipPdf(slip(0))
    const differing: Array<string> = []
    for (let i = 1; i <= 80; i++) {
      const draft = statement(i)
      // Twice each way: the second time every text is found in the caches.
      const kept = [await finalStatementPdf(draft), await finalStatementPdf(draft)]
      const reference = masked(await finalStatementPdf(draft, "pdfkit"))
      if (kept.some((pdf) => masked(pdf) !== reference)) differing.push(`statement ${i}`)
    }
    for (let i = 1; i <= 20; i++) {
      const draft = slip(i)
      const kept = [await taxSlipPdf(draft), await taxSlipPdf(draft)]
      const reference = masked(await taxSlipPdf(draft, "pdfkit"))
      if (kept.some((pdf) => masked(pdf) !== reference)) differing.push(`tax slip ${i}`)
    }
    expect(differing).toEqual([])
  })
})
