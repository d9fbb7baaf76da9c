import { execFileSync } from "node:child_process"
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import type { DueDates, LetterPolicy, StatementDraft, TaxSlipDraft } from "@kas/core"
import { StatementAmounts } from "@kas/core"
import { Effect } from "effect"
import { afterAll, describe, expect, it } from "vitest"
import { renderFinalStatement } from "../../src/documents/FinalStatementPdf.js"
import { formatAmount } from "../../src/documents/Layout.js"
import { renderTaxSlip } from "../../src/documents/TaxSlipPdf.js"
import { finalStatementTexts as A, fill, taxSlipTexts as B } from "../../src/documents/Texts.js"

// The two PDFs (integrations.md §5, Appendix A and B) read back as text with poppler's pdftotext: every conditional
// section in both languages, and one page rendered with pdftoppm.
const dir = mkdtempSync(join(tmpdir(), "kas-pdf-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
let files = 0

/** Whitespace as single spaces; a line broken after a hyphen or slash is joined ("Cpr-\nnummer" → "Cpr-nummer"). */
const squash = (text: string) =>
  text
    .replace(/\s+/g, " ")
    .replace(/(\S)([-/]) (?=[^\s-])/gu, "$1$2")
    .trim()

/** The text of a PDF, split into its Greenlandic and Danish parts at the Danish title. */
const textOf = (pdf: Uint8Array, danishTitle: string) => {
  const file = join(dir, `doc${files++}.pdf`)
  writeFileSync(file, pdf)
  const text = squash(execFileSync("pdftotext", ["-raw", file, "-"], { encoding: "utf8" }))
  const at = text.indexOf(squash(danishTitle))
  expect(at).toBeGreaterThan(0)
  return { kl: text.slice(0, at), da: text.slice(at), all: text, file }
}

const policy = (overrides: Partial<LetterPolicy>): LetterPolicy => ({
  policyNumber: "P-1",
  companyName: "Alfa Pension",
  pensionCompanyPays: false,
  assessedAmount: null,
  selfReportedAmount: null,
  unadjustedPrefilledAmount: 20_000,
  baseAmount: 20_000,
  lossesUsed: [],
  taxableAmount: 20_000,
  fullTax: 3060,
  foreignPaidAmountActual: 0,
  preliminaryPaidAmount: 0,
  taxWithDeductions: 3060,
  letterTax: 3060,
  ...overrides
})

interface DraftOptions {
  readonly policies: ReadonlyArray<LetterPolicy>
  readonly taxToPay?: ReadonlyArray<number>
  readonly transactions?: StatementAmounts.StatementInput["transactions"]
  readonly previous?: boolean
  readonly interest?: number
  readonly extra?: number
  readonly text?: DueDates.PaymentText
  readonly numberOfDays?: number
}

const draftOf = (o: DraftOptions): StatementDraft => {
  const input: StatementAmounts.StatementInput = {
    policies: o.policies.map((p, i) => ({
      policyNumber: p.policyNumber,
      companyName: p.companyName ?? "",
      pensionCompanyPays: p.pensionCompanyPays,
      taxToPay: o.taxToPay?.[i] ?? (p.pensionCompanyPays ? 0 : p.letterTax)
    })),
    transactions: o.transactions ?? [],
    previousStatementExists: o.previous ?? false,
    interestOnRemainder: o.interest ?? 0,
    extraPaymentForPreviousMissing: o.extra ?? 0
  }
  return {
    gathered: {
      input,
      personTaxYearId: 1,
      year: 2023,
      taxYearId: 1,
      cpr: "0101571234",
      lockId: 1,
      letter: {
        name: "Åse Ødegård Kristiansen",
        addressLines: ["Aqqusinersuaq 12", "3900 Nuuk"],
        numberOfDays: o.numberOfDays ?? 365,
        daysInYear: 365,
        policies: o.policies
      }
    },
    amounts: StatementAmounts.compute(input),
    textUsedForPayment: o.text ?? "BULK",
    dueDate: o.text === "DUE_ON_DATE" || o.text === "PREV_AMOUNT_DUE" ? "2024-11-01" : "2024-09-01",
    lastPaymentDate: o.text === "DUE_ON_DATE" || o.text === "PREV_AMOUNT_DUE" ? "2024-11-20" : "2024-09-20",
    today: "2024-07-05"
  }
}

const render = async (draft: StatementDraft) =>
  textOf(await Effect.runPromise(renderFinalStatement(draft)), fill(A.A1.da, { year: 2023 }))

/** Both parts contain the text of `id` (filled); the Greenlandic one in Greenlandic. */
const expectBoth = (parts: { kl: string; da: string }, text: { kl: string; da: string }, values = {}) => {
  expect(parts.kl).toContain(squash(fill(text.kl, values)))
  expect(parts.da).toContain(squash(fill(text.da, values)))
}
const expectNeither = (parts: { all: string }, text: { kl: string; da: string }, values = {}) => {
  expect(parts.all).not.toContain(squash(fill(text.kl, values)))
  expect(parts.all).not.toContain(squash(fill(text.da, values)))
}

describe("final statement PDF", () => {
  it("has the header, address window, info box, intro and closing texts in both languages", async () => {
    const t = await render(draftOf({ policies: [policy({})] }))
    expectBoth(t, A.A1, { year: 2023 })
    expect(t.kl).toContain("Ulloq: 05-07-2024")
    expect(t.da).toContain("Dato 05-07-2024")
    for (const part of [t.kl, t.da]) {
      expect(part).toContain("Åse Ødegård Kristiansen Aqqusinersuaq 12 3900 Nuuk")
      expect(part).toContain("Skattestyrelsen Postboks 1605 3900 Nuuk")
      expect(part).toContain("0101571234")
    }
    expect(t.da).toContain("Personnummer: 0101571234")
    expect(t.da).toContain("Kapitalafkastskat: 15,3%")
    expect(t.da).toContain("Antal skattepligtsdage: 365")
    expect(t.kl).toContain("Ullut akileraartussaaffiit: 365")
    for (const id of [
      "A5",
      "A7",
      "A8",
      "A22",
      "A23",
      "A24",
      "A35",
      "A36",
      "A37",
      "A43",
      "A44",
      "A45",
      "A46"
    ] as const) {
      expectBoth(t, A[id])
    }
    // One policy: A9/A10 headers, A11 with the prefilled amount, A16, A17, bold A20.
    expect(t.da).toContain("Pensionsselskab: Alfa Pension Policenummer: P-1 Kapitalafkast 20.000")
    expect(t.da).toContain("Beskatningsgrundlag (kapitalafkast efter modregning) 20.000")
    expect(t.da).toContain("Kapitalafkastskat (15,3% af beskatningsgrundlag) 3.060")
    expect(t.kl).toContain(squash(`${A.A16.kl} 20.000 ${A.A17.kl} 3.060 ${A.A20.kl} 3.060`))
    // Summary: the citizen's row, A28 = total tax, A34b = the payment.
    expect(t.da).toContain("Kapitalafkastskat 15,3% for Alfa Pension - P-1 3.060")
    expect(t.da).toContain("Kapitalafkastskat til betaling 3.060")
    expect(t.da).toContain("Til opkrævning i alt (DKK): 3.060")
    expect(t.kl).toContain(squash(`${A.A34b.kl} 3.060`))
    // Rows that need their conditions are absent.
    for (const id of [
      "A11b",
      "A13",
      "A14",
      "A18",
      "A19",
      "A21",
      "A27",
      "A29",
      "A30a",
      "A30b",
      "A33",
      "A34a"
    ] as const) {
      expectNeither(t, A[id], { days: 365, days_in_year: 365, company: "Alfa Pension" })
    }
    expect(t.da).not.toContain("Ansat kapitalafkast")
  })

  it("shows assessed and self-reported labels, the day adjustment, losses, foreign tax and prepaid tax", async () => {
    const t = await render(
      draftOf({
        numberOfDays: 200,
        policies: [
          policy({ policyNumber: "A-1", assessedAmount: 30_000, baseAmount: 30_000, taxableAmount: 30_000 }),
          policy({
            policyNumber: "B-1",
            unadjustedPrefilledAmount: 36_500,
            baseAmount: 20_000,
            lossesUsed: [
              { year: 2019, amount: 1500 },
              { year: 2021, amount: 500 }
            ],
            taxableAmount: 18_000,
            fullTax: 2754,
            foreignPaidAmountActual: 400,
            preliminaryPaidAmount: 300,
            taxWithDeductions: 2054,
            letterTax: 2054
          }),
          policy({ policyNumber: "C-1", selfReportedAmount: 0, baseAmount: 0, taxableAmount: 0, fullTax: 0 })
        ]
      })
    )
    expect(t.da).toContain("Policenummer: A-1 Ansat kapitalafkast 30.000")
    expect(t.kl).toContain("Policenormu: A-1 Ansat kapitalafkast 30.000")
    // Neither assessed nor self-reported: the unadjusted prefilled amount, then A13 with the base amount.
    expect(t.da).toContain(
      "Policenummer: B-1 Kapitalafkast 36.500 Justeret for antal skattepligtsdage i året (200 af 365) 20.000"
    )
    expect(t.kl).toContain(squash(`${A.A11.kl} 36.500 ${fill(A.A13.kl, { days: 200, days_in_year: 365 })} 20.000`))
    expect(t.da).toContain("Modregning af negativt afkast (2019) -1.500 Modregning af negativt afkast (2021) -500")
    expect(t.kl).toContain(squash(`${fill(A.A15.kl, { year: 2019 })} -1.500`))
    expect(t.da).toContain("Nedslag for betalt skat i udlandet -400 Forudbetalt kapitalafkastskat -300")
    expect(t.kl).toContain(squash(`${A.A18.kl} -400 ${A.A19.kl} -300 ${A.A20.kl} 2.054`))
    // Self-reported 0 counts as set (decision): A11b with the base amount, no A13.
    expect(t.da).toContain("Policenummer: C-1 Selvangivet kapitalafkast 0")
    expect(t.kl).toContain(squash(`${A.A11b.kl} 0`))
    expect(t.da.split("Justeret for antal skattepligtsdage").length).toBe(2)
  })

  it("shows a negative return for carry-forward and a company-paid policy in the company box", async () => {
    const t = await render(
      draftOf({
        policies: [
          policy({
            policyNumber: "N-1",
            unadjustedPrefilledAmount: -5000,
            baseAmount: -5000,
            taxableAmount: 0,
            fullTax: 0,
            taxWithDeductions: 0,
            letterTax: 0
          }),
          policy({ policyNumber: "K-1", companyName: "Beta Liv", pensionCompanyPays: true, letterTax: 765 })
        ]
      })
    )
    expect(t.da).toContain("Policenummer: N-1 Kapitalafkast -5.000 Negativt afkast til fremførsel 5.000")
    expect(t.kl).toContain(squash(`${A.A14.kl} 5.000`))
    // Nothing more for a loss policy: its table ends before the next policy's header.
    const n1 = t.da.slice(t.da.indexOf("Policenummer: N-1"), t.da.indexOf("Pensionsselskab: Beta Liv"))
    expect(n1).not.toContain("Beskatningsgrundlag")
    expect(t.da).toContain("Afregnes af Beta Liv")
    expect(t.kl).toContain("Akilernissaa Beta Liv-p isumagissavaa")
    expect(t.da).toContain(
      "Afregnes af Deres pensionsselskab Kapitalafkastskat 15,3% for Beta Liv - K-1 765 Kapitalafkastskat 765"
    )
    expect(t.kl).toContain(squash(`${fill(A.A25.kl, { company: "Beta Liv", policy: "K-1" })} 765 ${A.A26.kl} 765`))
    // Nothing to pay: no payment text.
    expect(t.da).toContain("Til opkrævning i alt (DKK): 0")
    expectNeither(t, A.A38, { betalingsaar: 2024 })
  })

  it("shows the prepayment, the earlier statement's remainder with interest and the extra payment", async () => {
    const created = new Date("2024-03-01T12:00:00Z")
    const t = await render(
      draftOf({
        policies: [policy({})],
        transactions: [
          { type: "prepayment", status: "transferred", amount: -500, createdAt: created },
          { type: "prisme10q", status: "transferred", amount: 1000, createdAt: created }
        ],
        previous: true,
        interest: 2.5,
        extra: 250,
        text: "PREV_AMOUNT_DUE"
      })
    )
    // total 3060, prepaid 500, earlier 1000: remainder 1560, interest trunc(0.025 × 1560) = 39.
    expect(t.da).toContain(
      "Modtaget indbetaling af foreløbig kapitalafkastskat -500 Kapitalafkastskat til betaling 2.560 " +
        "Tidligere opkrævet kapitalafkastskat: 1.000 For lidt opkrævet kapitalafkastskat: 1.560 " +
        "Tillæg af for lidt opkrævet kapitalafkastskat (2,5% af 1.560 kr.): 39 " +
        "For lidt opkrævet kapitalafkastskat med tillæg: 1.599 " +
        "Ikke betalt kapitalafkastskat ifølge tidligere meddelelse: 250 Til opkrævning i alt (DKK): 1.849"
    )
    expect(t.kl).toContain(
      squash(
        `${A.A27.kl} -500 ${A.A28.kl} 2.560 ${A.A29.kl} 1.000 ${A.A30b.kl} 1.560 ` +
          `${fill(A.A31b.kl, { pct: "2,5", remainder: "1.560" })} 39 ${A.A32b.kl} 1.599 ${A.A33.kl} 250`
      )
    )
    // PREV_AMOUNT_DUE with A47; dates in running text in each language.
    expect(t.da).toContain(
      "Beløbet 250 kr. er forfaldent til betaling og 1.849 kr. forfalder til betaling den 1. november 2024 med " +
        "sidste rettidige betalingsdag den 20. november 2024. Indbetaling skal ske til Skattestyrelsens bankkonto " +
        "6471 - 1508196 med angivelse af Deres Cpr.nr./KAS/Skatteår. Eksempel: 1234567890/KAS/2023."
    )
    expect(t.kl).toContain("akilerneqassaaq ulloq 1. novembari 2024 kingusinnerpaamillu akilerneqassalluni ulloq 20.")
    expect(t.kl).toContain("1234567890/KAS/2023")
  })

  it("shows an overpaid remainder as a refund (A30a–A32a, A34a) with the refund text", async () => {
    const t = await render(
      draftOf({
        policies: [policy({})],
        transactions: [{ type: "prisme10q", status: "transferred", amount: 4000, createdAt: new Date() }],
        previous: true,
        interest: 1,
        text: "REFUND"
      })
    )
    // remainder 3060 − 4000 = −940, interest trunc(−9.4) = −9.
    expect(t.da).toContain(
      "For meget opkrævet kapitalafkastskat: -940 " +
        "Godtgørelse af for meget opkrævet kapitalafkastskat 1% af -940 kr.: -9 " +
        "For meget opkrævet kapitalafkastskat med renter: -949 Til udbetaling i alt: -949"
    )
    expectBoth(t, A.A30a)
    expectBoth(t, A.A32a)
    expectBoth(t, A.A34a)
    expectBoth(t, A.A42)
    expectNeither(t, A.A47, { skatteaar: 2023 })
  })

  it("chooses the payment text: BULK, DUE and DUE_ON_DATE", async () => {
    const bulk = await render(draftOf({ policies: [policy({})], text: "BULK" }))
    expectBoth(bulk, A.A38, { betalingsaar: 2024 })
    const due = await render(draftOf({ policies: [policy({})], text: "DUE" }))
    expectBoth(due, A.A39)
    expectBoth(due, A.A47, { skatteaar: 2023 })
    const onDate = await render(draftOf({ policies: [policy({})], text: "DUE_ON_DATE" }))
    expect(onDate.da).toContain(
      squash(fill(A.A40.da, { forfaldsdato: "1. november 2024", sidste_betalingsdato: "20. november 2024" }))
    )
    expect(onDate.kl).toContain("Akiligassaq akilerneqassaaq ulloq 1. novembari 2024")
  })

  it("renders a page as an A4 image with visible content, and restarts page numbers in the Danish part", async () => {
    const policies = Array.from({ length: 9 }, (_, i) => policy({ policyNumber: `M-${i}` }))
    const pdf = await Effect.runPromise(renderFinalStatement(draftOf({ policies })))
    const t = textOf(pdf, fill(A.A1.da, { year: 2023 }))
    const pages = Number(/Pages:\s+(\d+)/.exec(execFileSync("pdfinfo", [t.file], { encoding: "utf8" }))![1])
    expect(pages).toBeGreaterThanOrEqual(6)
    // Each part starts at page 1: the footer "0101571234 1" appears once per part.
    expect(t.all.split(/0101571234 1(?!\d)/).length - 1).toBeGreaterThanOrEqual(2)
    execFileSync("pdftoppm", ["-f", "1", "-l", "1", "-r", "40", "-gray", t.file, join(dir, "page")])
    const image = readFileSync(join(dir, "page-1.pgm"))
    const header = /^P5\s+(\d+)\s+(\d+)\s+255\s/.exec(image.subarray(0, 40).toString("latin1"))!
    const [width, height] = [Number(header[1]), Number(header[2])]
    expect(Math.abs(width - Math.round((210 / 25.4) * 40))).toBeLessThanOrEqual(1)
    expect(Math.abs(height - Math.round((297 / 25.4) * 40))).toBeLessThanOrEqual(1)
    const pixels = image.subarray(image.length - width * height)
    const dark = pixels.filter((p) => p < 128).length
    expect(dark / pixels.length).toBeGreaterThan(0.005)
    expect(dark / pixels.length).toBeLessThan(0.5)
  })

  it("letters rendered in a row show their own name and amounts, also with characters new to them", async () => {
    // The documents of a process share their font subsets' encoding (Fonts.ts): a later letter whose name brings
    // characters the first one lacked must still print and read back as itself, and a letter rendered again (its
    // subset then found in the cache) must look exactly as the first time.
    const names = ["Aka Berthelsen", "Ülle Zäpfel-Quist ĸ Éÿ", "Aka Berthelsen", "Ülle Zäpfel-Quist ĸ Éÿ"]
    const amounts = [1234, 98765, 1234, 98765]
    const images: Array<Buffer> = []
    for (const [i, name] of names.entries()) {
      const draft = draftOf({ policies: [policy({ letterTax: amounts[i]!, taxWithDeductions: amounts[i]! })] })
      const pdf = await Effect.runPromise(
        renderFinalStatement({ ...draft, gathered: { ...draft.gathered, letter: { ...draft.gathered.letter, name } } })
      )
      const t = textOf(pdf, fill(A.A1.da, { year: 2023 }))
      for (const part of [t.kl, t.da]) {
        expect(part).toContain(`${name} Aqqusinersuaq 12 3900 Nuuk`)
        expect(part).toContain(formatAmount(amounts[i]!))
      }
      for (const other of names.filter((n) => n !== name)) expect(t.all).not.toContain(other)
      const fonts = execFileSync("pdffonts", [t.file], { encoding: "utf8" })
      expect(fonts.match(/DejaVuSans(-Bold)?\s+CID TrueType\s+Identity-H\s+yes yes yes/g)).toHaveLength(2)
      execFileSync("pdftoppm", ["-f", "1", "-l", "1", "-r", "60", "-gray", t.file, join(dir, `again${i}`)])
      images.push(readFileSync(join(dir, `again${i}-1.pgm`)))
    }
    expect(images[2]!.equals(images[0]!)).toBe(true)
    expect(images[3]!.equals(images[1]!)).toBe(true)
    expect(images[1]!.equals(images[0]!)).toBe(false)
  })
})

describe("tax slip PDF", () => {
  const slip = (policies: TaxSlipDraft["policies"]): TaxSlipDraft => ({
    personTaxYearId: 1,
    year: 2024,
    cpr: "0202024444",
    name: "Nuka ĸ. Møller",
    addressLines: ["Postboks 7", "3911 Sisimiut"],
    numberOfDays: 300,
    policies
  })

  it("has every text in both languages, the policies four per page and the company note", async () => {
    const policies = Array.from({ length: 5 }, (_, i) => ({
      companyName: i === 4 ? null : "Gamma Pension",
      policyNumber: `S-${i}`,
      prefilledAmount: i === 1 ? null : 12_345,
      yearAdjustedAmount: 10_147,
      pensionCompanyPays: i === 2
    }))
    const pdf = await Effect.runPromise(renderTaxSlip(slip(policies)))
    const t = textOf(pdf, fill(B.B1.da, { year: 2024 }))
    expectBoth(t, B.B1, { year: 2024 })
    // The deadline is written in Danish in both parts.
    expect(t.kl).toContain("Nassitsinissamut killissarititaq 1. maj 2025")
    expect(t.da).toContain("Indsendelsesfrist senest 1. maj 2025")
    expect(t.kl).toContain("Nuka ĸ. Møller Postboks 7 3911 Sisimiut")
    expect(t.da).toContain("Kapitalafkastskat: 15.30%")
    expect(t.da).toContain("Tast selv internet: sullissivik.gl")
    expect(t.da).toContain("Antal skattepligtsdage: 300")
    const values = { year: 2024, "year+1": 2025, deadline: "1. maj 2025" }
    for (const id of [
      "B5",
      "B8",
      "B9",
      "B10",
      "B11",
      "B12",
      "B13",
      "B14",
      "B15",
      "B16",
      "B23",
      "B26",
      "B27"
    ] as const) {
      expectBoth(t, B[id], values)
    }
    for (const id of ["B28", "B29", "B30", "B31", "B24", "B25"] as const) expectBoth(t, B[id])
    expect(t.da).toContain("Gamma Pension - S-0")
    expect(t.da).toContain("- - S-4")
    expect(t.da).toContain("Kapitalafkast PBL (DK) § 53 A 12.345 300 10.147")
    expect(t.kl).toContain("Pigisanit pissarsiat PBL (DK) § 53 A 12.345 300 10.147")
    // No prefilled amount: the cell is blank.
    expect(t.da).toContain("Gamma Pension - S-1 Feltnavn Fortrykt Antal skattepligtsdage")
    expect(t.da.split(B.B22.da).length - 1).toBe(1)
    expect(t.kl.split(squash(B.B22.kl)).length - 1).toBe(1)
    // Per part: the intro, two policy pages (4 + 1) and the page to fill in; each part's pages start at 1.
    expect(
      Number(/Pages:\s+(\d+)/.exec(execFileSync("pdfinfo", [t.file], { encoding: "utf8" }))![1])
    ).toBeGreaterThanOrEqual(8)
    expect(t.kl.split(/0202024444 1(?!\d)/).length - 1).toBe(1)
    expect(t.da.split(/0202024444 1(?!\d)/).length - 1).toBe(1)
  })
})
