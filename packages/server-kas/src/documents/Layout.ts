/**
 * The common layout of the two PDF documents (integrations.md §5.1) on pdfkit: A4 portrait, left margin 17 mm, body
 * text 8.5 pt, a Greenlandic then a Danish part each starting on a new page with its own page numbers, a footer with
 * the CPR and the page number, the address window and the crossed-out sender. The font is DejaVu Sans (embedded, so
 * æ, ø, å and every Greenlandic letter print; decision: the spec's Helvetica has no embeddable file here).
 */
import { deflateSync } from "node:zlib"
import PDFDocument from "pdfkit"
import { applySeed, deflatedSubset, fonts, learnSeed, sharedLayoutCaches } from "./Fonts.js"
import { type EmbeddedFont, TextWriter, type WriterFont } from "./TextLayout.js"
import type { Language } from "./Texts.js"

/** Millimetres to PDF points. */
export const mm = (value: number): number => (value * 72) / 25.4

/** Whole kroner with "." as thousands separator and "-" for negative (§5.1). */
export const formatAmount = (amount: number): string => {
  const digits = String(Math.abs(Math.trunc(amount))).replace(/\B(?=(\d{3})+(?!\d))/g, ".")
  return amount < 0 ? `-${digits}` : digits
}

const monthNames: Readonly<Record<Language, ReadonlyArray<string>>> = {
  da: [
    "januar",
    "februar",
    "marts",
    "april",
    "maj",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "december"
  ],
  kl: [
    "januaari",
    "februaari",
    "marsi",
    "apriili",
    "maaji",
    "juuni",
    "juuli",
    "aggusti",
    "septembari",
    "oktobari",
    "novembari",
    "decembari"
  ]
}

const parts = (iso: string) => iso.split("-").map(Number) as [number, number, number]

/** A date in a header: dd-mm-yyyy. */
export const headerDate = (iso: string): string => {
  const [y, m, d] = parts(iso)
  return `${String(d).padStart(2, "0")}-${String(m).padStart(2, "0")}-${y}`
}

/** A date in running text: "{day}. {month name} {year}" in the part's language. */
export const textDate = (iso: string, language: Language): string => {
  const [y, m, d] = parts(iso)
  return `${d}. ${monthNames[language][m - 1]} ${y}`
}

/** The body font size. */
export const BODY = 8.5
/** The font size of a grid's column headers. */
const HEADER = 7.5
const LEFT = mm(17)
const RIGHT = mm(17)
const PAGE_WIDTH = mm(210)
const PAGE_HEIGHT = mm(297)
/** The width of the text column. */
export const WIDTH = PAGE_WIDTH - LEFT - RIGHT
const BOTTOM = mm(282) - 14

/**
 * The zlib level of the pages' content streams. pdfkit compresses with zlib's default, level 6; level 3 takes less
 * than half the time for about a sixth more bytes (the text of a page is about 12–20 KB, 1.9 KB at level 6).
 */
const CONTENT_LEVEL = 3

/**
 * The character maps (ToUnicode) of the fonts as pdfkit compresses them, by their text: a letter whose subset is the
 * seed's has the same map as the one before (at most this many kept).
 */
const deflatedCmaps = new Map<string, Uint8Array>()
const MAX_CACHED_CMAPS = 16
const CMAP_START = "/CIDInit /ProcSet findresource begin"

/** A stream's bytes as pdfkit would compress them, when they were compressed before: font files and ToUnicode maps. */
const compressedBefore = (chunk: Uint8Array | string | undefined): Uint8Array | undefined => {
  if (chunk instanceof Uint8Array) return deflatedSubset(chunk)
  if (chunk === undefined || !chunk.startsWith(CMAP_START)) return undefined
  let deflated = deflatedCmaps.get(chunk)
  if (deflated === undefined) {
    // pdfkit writes a string stream as its bytes and a line break.
    deflated = deflateSync(Buffer.from(`${chunk}\n`, "latin1"))
    if (deflatedCmaps.size >= MAX_CACHED_CMAPS) deflatedCmaps.delete(deflatedCmaps.keys().next().value as string)
    deflatedCmaps.set(chunk, deflated)
  }
  return deflated
}

/** What `finish` uses of pdfkit's stream objects (not in pdfkit's typings). */
interface StreamReference {
  buffer: Array<Uint8Array>
  compress: boolean
  readonly data: Record<string, unknown>
  end(chunk?: Uint8Array | string): void
}

/** Within this many points of the page's end, paragraphs and tables are measured before they are placed. */
const NEAR_BOTTOM = 260

/** How `textAt` writes. */
interface TextOptions {
  readonly bold?: boolean
  readonly size?: number
  readonly align?: "left" | "right"
}

/** One row of a two-column table: a label and a right-aligned value (blank for none). */
export interface Row {
  readonly label: string
  readonly value?: string | undefined
  readonly bold?: boolean | undefined
}

/** Builds one bilingual document page by page; `y` is the cursor in points from the page top. */
export class Document {
  readonly doc: PDFKit.PDFDocument
  private readonly chunks: Array<Buffer> = []
  /** The first page index of each language part. */
  private readonly partStarts: Array<number> = []
  private pages = 0
  y = 0

  /**
   * `kind` names the kind of document (the subsets of its fonts start alike, see Fonts.ts). `textLayout` "pdfkit"
   * leaves every text to pdfkit's `text()` (the reference the tests compare the kept layouts with).
   */
  constructor(
    readonly cpr: string,
    title: string,
    readonly kind: "final_statement" | "tax_slip",
    textLayout: "kept" | "pdfkit" = "kept"
  ) {
    const f = fonts()
    this.doc = new PDFDocument({
      size: "A4",
      // The default font is ours, not Helvetica: pdfkit would read the Helvetica metrics for every document.
      font: f.regular as unknown as string,
      margins: { top: mm(15), bottom: 0, left: LEFT, right: RIGHT },
      autoFirstPage: false,
      bufferPages: true,
      info: { Title: title, Author: "Skattestyrelsen" }
    })
    this.doc.on("data", (chunk: Buffer) => this.chunks.push(chunk))
    // pdfkit takes a parsed fontkit font as well as a file (its typings only name the file forms). Opened once by
    // object, a font is then found by its PostScript name; `registerFont` would reopen it on every switch.
    this.doc.font(f.bold as unknown as string)
    this.fontNames = { regular: f.regular.postscriptName, bold: f.bold.postscriptName }
    // The text layout of each word is cached per font; the letters share the texts, so they share the cache. The
    // subset of each font starts with the same glyphs in every document, so that its encoding is shared (Fonts.ts).
    const caches = sharedLayoutCaches()
    const families = (this.doc as unknown as { _fontFamilies: Record<string, EmbeddedFont> })._fontFamilies
    const writerFonts: Record<string, WriterFont> = {}
    for (const key of ["regular", "bold"] as const) {
      const font = families[this.fontNames[key]]
      if (font === undefined) throw new Error(`font ${key} was not opened`)
      if (font.layoutCache !== undefined) font.layoutCache = caches[key]
      const seed = applySeed(kind, key, font)
      writerFonts[key] = { key, font, seed, seededGlyphs: font.subset.glyphs.length }
    }
    this.writer = textLayout === "kept" ? new TextWriter(this.doc, writerFonts) : undefined
  }

  private readonly writer: TextWriter | undefined

  private readonly fontNames: { readonly regular: string; readonly bold: string }

  /** Starts a language part on a new page (page numbers restart at 1). */
  startPart(): void {
    this.partStarts.push(this.pages)
    this.newPage()
  }

  /** A new page; the cursor at the top margin. */
  newPage(): void {
    this.doc.addPage()
    this.pages++
    this.y = mm(15)
  }

  /** A new page when the cursor is below `limit` points (or would pass the bottom with `needed` more). */
  breakIfBeyond(limit: number, needed = 0): void {
    if (this.y > limit || this.y + needed > BOTTOM) this.newPage()
  }

  /** Sets the font; bold or regular. */
  font(bold: boolean, size = BODY): PDFKit.PDFDocument {
    return this.doc.font(bold ? this.fontNames.bold : this.fontNames.regular).fontSize(size)
  }

  /** Text at (x, y) in a box of `width`; returns its height. Does not move the cursor. */
  textAt(text: string, x: number, y: number, width: number, options?: TextOptions) {
    const bold = options?.bold ?? false
    const align = options?.align ?? "left"
    this.font(bold, options?.size)
    if (this.writer?.write(bold ? "bold" : "regular", text, x, y, width, align) === true) return this.doc.y - y
    this.doc.text(text, x, y, { width, align, lineBreak: true })
    // pdfkit leaves its own cursor below the text: the height without laying the text out twice.
    return this.doc.y - y
  }

  /** Near the bottom of a page, whether `measure()` points still fit; elsewhere anything short does. */
  private fits(measure: () => number) {
    return this.y < BOTTOM - NEAR_BOTTOM || this.y + measure() <= BOTTOM
  }

  /** A paragraph in the text column at the cursor, followed by `gap` points. */
  paragraph(text: string, options?: { bold?: boolean; size?: number; gap?: number; x?: number; width?: number }) {
    const x = options?.x ?? LEFT
    const width = options?.width ?? WIDTH
    if (!this.fits(() => this.measure(text, width, options?.bold ?? false, options?.size))) this.newPage()
    const height = this.textAt(text, x, this.y, width, { bold: options?.bold ?? false, size: options?.size ?? BODY })
    this.y += height + (options?.gap ?? 6)
  }

  /**
   * A boxed two-column table at the cursor: header rows in bold across the width, then the rows with the values
   * right-aligned. Breaks to a new page first when it would not fit.
   */
  table(header: ReadonlyArray<string>, rows: ReadonlyArray<Row>, options?: { width?: number; gap?: number }) {
    const width = options?.width ?? WIDTH
    const valueWidth = mm(35)
    const labelWidth = width - valueWidth - 12
    const pad = 3
    const total = () =>
      [
        ...header.map((h) => this.measure(h, width - 2 * pad, true)),
        ...rows.map((r) => Math.max(this.measure(r.label, labelWidth, r.bold ?? false), BODY + 2))
      ].reduce((a, b) => a + b + pad, pad)
    if (!this.fits(total)) this.newPage()
    const top = this.y
    let y = top + pad
    for (const h of header) y += this.textAt(h, LEFT + pad, y, width - 2 * pad, { bold: true }) + pad
    if (header.length > 0 && rows.length > 0) {
      this.doc
        .moveTo(LEFT, y - pad / 2)
        .lineTo(LEFT + width, y - pad / 2)
        .stroke()
    }
    for (const r of rows) {
      const bold = r.bold ?? false
      let height = this.textAt(r.label, LEFT + pad, y, labelWidth, { bold })
      if (r.value !== undefined) {
        const x = LEFT + width - pad - valueWidth
        height = Math.max(height, this.textAt(r.value, x, y, valueWidth, { bold, align: "right" }))
      }
      y += Math.max(height, BODY + 2) + pad
    }
    this.doc
      .lineWidth(0.5)
      .rect(LEFT, top, width, y - top)
      .stroke()
    this.y = y + (options?.gap ?? 10)
  }

  /** A grid with column headers and rows of cells (the tax slip's tables). */
  grid(
    columns: ReadonlyArray<{ readonly title: string; readonly width: number }>,
    rows: ReadonlyArray<ReadonlyArray<string>>
  ) {
    const pad = 3
    const headerHeight =
      Math.max(...columns.map((c) => this.measure(c.title, c.width - 2 * pad, true, HEADER))) + 2 * pad
    const rowHeights = rows.map(
      (r) => Math.max(BODY + 4, ...r.map((cell, i) => this.measure(cell, columns[i]!.width - 2 * pad, false))) + 2 * pad
    )
    this.breakIfBeyond(BOTTOM, headerHeight + rowHeights.reduce((a, b) => a + b, 0))
    const top = this.y
    let x = LEFT
    for (const c of columns) {
      this.doc.lineWidth(0.5).rect(x, top, c.width, headerHeight).stroke()
      this.textAt(c.title, x + pad, top + pad, c.width - 2 * pad, { bold: true, size: HEADER })
      x += c.width
    }
    let y = top + headerHeight
    rows.forEach((r, ri) => {
      let cx = LEFT
      r.forEach((cell, i) => {
        const w = columns[i]!.width
        this.doc.rect(cx, y, w, rowHeights[ri]!).stroke()
        this.textAt(cell, cx + pad, y + pad, w - 2 * pad, { align: i === 0 ? "left" : "right" })
        cx += w
      })
      y += rowHeights[ri]!
    })
    this.y = y + 8
  }

  /** An empty box for the reader to write in, `height` points tall. */
  blankBox(height: number) {
    this.breakIfBeyond(BOTTOM, height)
    this.doc.lineWidth(0.5).rect(LEFT, this.y, WIDTH, height).stroke()
    this.y += height + 8
  }

  private measure(text: string, width: number, bold: boolean, size: number = BODY) {
    this.font(bold, size)
    if (this.writer !== undefined) return this.writer.height(bold ? "bold" : "regular", text, width)
    return this.doc.heightOfString(text, { width })
  }

  /** The address window (x 17 mm, y 37 mm, 70 mm wide) and, 12 mm below it, the crossed-out sender. */
  addressWindow(name: string | null, addressLines: ReadonlyArray<string>) {
    const width = mm(70)
    const lines = [name ?? "", ...addressLines].filter((l) => l !== "").join("\n")
    const height = Math.max(this.textAt(lines === "" ? " " : lines, LEFT, mm(37), width), BODY * 4)
    const senderTop = mm(37) + height + mm(12)
    const sender = "Skattestyrelsen\nPostboks 1605\n3900 Nuuk"
    const senderHeight = this.textAt(sender, LEFT, senderTop, width, { size: 7 })
    const senderWidth = this.doc.widthOfString("Skattestyrelsen") + 4
    this.doc
      .lineWidth(0.5)
      .moveTo(LEFT, senderTop)
      .lineTo(LEFT + senderWidth, senderTop + senderHeight)
      .stroke()
      .moveTo(LEFT, senderTop + senderHeight)
      .lineTo(LEFT + senderWidth, senderTop)
      .stroke()
    return senderTop + senderHeight
  }

  /** The info box at (x 100 mm, y 27 mm): lines of "label value" text; returns its bottom. */
  infoBox(lines: ReadonlyArray<string>) {
    const x = mm(100)
    const width = PAGE_WIDTH - RIGHT - x
    const pad = 4
    let y = mm(27) + pad
    for (const line of lines) y += this.textAt(line, x + pad, y, width - 2 * pad) + 3
    this.doc
      .lineWidth(0.5)
      .rect(x, mm(27), width, y - mm(27))
      .stroke()
    return y
  }

  /** Writes the footers (CPR left, page number of the part right) and returns the whole file. */
  finish(): Promise<Uint8Array> {
    const range = this.doc.bufferedPageRange()
    for (let i = range.start; i < range.start + range.count; i++) {
      this.doc.switchToPage(i)
      const partStart = [...this.partStarts].reverse().find((s) => s <= i) ?? 0
      this.font(false, 7.5)
      const number = String(i - partStart + 1)
      if (this.writer?.write("regular", this.cpr, LEFT, mm(285), WIDTH / 2, "left") !== true) {
        this.doc.text(this.cpr, LEFT, mm(285), { width: WIDTH / 2, lineBreak: false })
      }
      if (this.writer?.write("regular", number, LEFT + WIDTH / 2, mm(285), WIDTH / 2, "right") !== true) {
        this.doc.text(number, LEFT + WIDTH / 2, mm(285), { width: WIDTH / 2, align: "right", lineBreak: false })
      }
    }
    const families = (this.doc as unknown as { _fontFamilies: Record<string, EmbeddedFont> })._fontFamilies
    for (const key of ["regular", "bold"] as const) {
      const font = families[this.fontNames[key]]
      if (font !== undefined) learnSeed(this.kind, key, font.unicode)
    }
    this.compressStreams()
    return new Promise((resolve, reject) => {
      // The joined chunks are the file (a Buffer is a Uint8Array): not copied again, a bulk run makes less garbage.
      this.doc.on("end", () => resolve(Buffer.concat(this.chunks)))
      this.doc.on("error", reject)
      this.doc.end()
    })
  }

  /**
   * Compresses the pages' contents now, at `CONTENT_LEVEL` (pdfkit keeps `/Length`, then `/Filter /FlateDecode` in
   * their dictionaries), and has pdfkit take each font file and character map compressed as it was for a letter
   * before (`reuseCompressedStreams`).
   */
  private compressStreams() {
    const internals = this.doc as unknown as {
      readonly _pageBuffer: ReadonlyArray<{ readonly content: StreamReference }>
      readonly _root: StreamReference
    }
    for (const { content } of internals._pageBuffer) {
      if (!content.compress || content.buffer.length === 0) continue
      content.buffer = [deflateSync(Buffer.concat(content.buffer), { level: CONTENT_LEVEL })]
      content.compress = false
    }
    reuseCompressedStreams(Object.getPrototypeOf(internals._root) as StreamReference)
  }
}

let reusing = false
/**
 * Has pdfkit's stream objects (all of them: the prototype, patched once per process) write a font file or a
 * character map that was compressed before as those bytes (`compressedBefore`): the same bytes pdfkit's own
 * compression gives, in a stream with the same dictionary. (Wrapping each document's streams instead kept the
 * documents' memory about twice as long: a bulk worker's peak RSS grew by about 90 MB.)
 */
const reuseCompressedStreams = (prototype: StreamReference) => {
  if (reusing) return
  reusing = true
  const end = prototype.end
  prototype.end = function (this: StreamReference, chunk) {
    const deflated = this.compress && this.buffer.length === 0 ? compressedBefore(chunk) : undefined
    if (deflated === undefined) return end.call(this, chunk)
    this.data.Length = 0
    this.data.Filter = "FlateDecode"
    this.compress = false
    end.call(this, deflated)
  }
}

/** Page height in points (for callers that place text near the bottom). */
export const PAGE = { width: PAGE_WIDTH, height: PAGE_HEIGHT, left: LEFT }
