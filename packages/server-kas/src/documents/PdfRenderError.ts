import { Data } from "effect"

/** A PDF could not be rendered (a defect of the layout or the font files); nothing was stored. */
export class PdfRenderError extends Data.TaggedError("PdfRenderError")<{
  readonly document: "final_statement" | "tax_slip"
  readonly cause: unknown
}> {
  override get message() {
    return `PDF-dokumentet (${this.document}) kunne ikke dannes`
  }
}
