/**
 * The tax slip ("selvangivelse", integrations.md §5.3 and Appendix B): a Greenlandic part, then a Danish one, with the
 * person-year's active policies four per page and a page for what the citizen adds.
 */
import type { TaxSlipDraft } from "@kas/core"
import { Effect } from "effect"
import { Document, formatAmount, mm, WIDTH } from "./Layout.js"
import { PdfRenderError } from "./PdfRenderError.js"
import { fill, type Language, taxSlipTexts as B } from "./Texts.js"

/** The file name of a tax slip (§5.3). */
export const taxSlipFileName = (year: number, cpr: string) => `Y_${year}_${cpr}.pdf`

const part = (d: Document, draft: TaxSlipDraft, lang: Language) => {
  // The deadline is written in Danish in both parts (§5.3 step 1).
  const deadline = `1. maj ${draft.year + 1}`
  d.startPart()
  d.textAt(fill(B.B1[lang], { year: draft.year }), mm(17), mm(12), mm(176), { bold: true, size: 11 })
  d.textAt(fill(B.B2[lang], { deadline }), mm(17), mm(22), mm(80))
  const addressBottom = d.addressWindow(draft.name, draft.addressLines)
  const infoBottom = d.infoBox([
    `${B.B3[lang]} ${draft.cpr}`,
    `${B.B4[lang]} 15.30%`,
    B.B5[lang],
    `${B.B6[lang]}: sullissivik.gl`,
    `${B.B7[lang]}: ${draft.numberOfDays}`
  ])
  d.y = Math.max(addressBottom, infoBottom) + mm(10)
  const values = { year: draft.year, "year+1": draft.year + 1, deadline }
  for (const id of ["B8", "B9", "B10", "B11", "B12", "B13", "B14", "B15", "B16"] as const) {
    d.paragraph(fill(B[id][lang], values), { bold: id === "B8", gap: 9 })
  }
  const columns = [
    { title: B.B17[lang], width: WIDTH * 0.25 },
    { title: B.B18[lang], width: WIDTH * 0.15 },
    { title: B.B7[lang], width: WIDTH * 0.2 },
    { title: B.B19[lang], width: WIDTH * 0.24 },
    { title: B.B20[lang], width: WIDTH * 0.16 }
  ]
  draft.policies.forEach((p, i) => {
    if (i % 4 === 0) d.newPage()
    d.paragraph(`${p.companyName ?? "-"} - ${p.policyNumber}`, { bold: true, gap: 4 })
    d.grid(columns, [
      [
        B.B21[lang],
        p.prefilledAmount === null ? "" : formatAmount(p.prefilledAmount),
        String(draft.numberOfDays),
        formatAmount(p.yearAdjustedAmount),
        ""
      ]
    ])
    if (p.pensionCompanyPays) d.paragraph(B.B22[lang], { gap: 10 })
    d.y += 8
  })
  d.newPage()
  d.paragraph(B.B23[lang], { bold: true, gap: 8 })
  d.grid(
    [
      { title: B.B24[lang], width: WIDTH * 0.4 },
      { title: B.B25[lang], width: WIDTH * 0.3 },
      { title: B.B20[lang], width: WIDTH * 0.3 }
    ],
    [
      ["", "", ""],
      ["", "", ""]
    ]
  )
  d.paragraph(B.B26[lang], { gap: 4 })
  d.blankBox(mm(25))
  d.paragraph(B.B27[lang], { gap: 4 })
  d.blankBox(mm(25))
  d.paragraph(B.B28[lang], { gap: 8 })
  d.grid(
    [
      { title: B.B29[lang], width: WIDTH / 3 },
      { title: B.B30[lang], width: WIDTH / 3 },
      { title: B.B31[lang], width: WIDTH / 3 }
    ],
    [["", "", ""]]
  )
}

/** The PDF of a tax slip; `textLayout` as `Document` takes it ("pdfkit": the reference for the tests). */
export const taxSlipPdf = (draft: TaxSlipDraft, textLayout?: "kept" | "pdfkit"): Promise<Uint8Array> => {
  const d = new Document(draft.cpr, fill(B.B1.da, { year: draft.year }), "tax_slip", textLayout)
  part(d, draft, "kl")
  part(d, draft, "da")
  return d.finish()
}

/** Renders a tax slip: the `TaxSlipRenderer` of `TaxSlips.generate`. */
export const renderTaxSlip = (draft: TaxSlipDraft): Effect.Effect<Uint8Array, PdfRenderError> =>
  Effect.tryPromise({
    try: () => taxSlipPdf(draft),
    catch: (cause) => new PdfRenderError({ document: "tax_slip", cause })
  }).pipe(Effect.withSpan("renderTaxSlip"))
