/**
 * Text on pdfkit without laying it out for every letter: the lines pdfkit's own line wrapper breaks a text into (by
 * font, size and width) are kept for the process, and so are the text-showing operators of each line
 * (`[<glyphs> kerning …] TJ`) for the documents whose font subsets start alike (Fonts.ts). A letter then writes its
 * fixed paragraphs as ready strings, one content write per text. What is written is byte for byte what pdfkit's
 * `text()` writes (Pdf.test.ts renders letters both ways and compares the files); where it could differ (a text that
 * might run past the page's end, a glyph placed off its line) the text is left to pdfkit.
 */
/** The position of a glyph in pdfkit's layout (thousandths of the font size). */
interface GlyphPosition {
  readonly xAdvance: number
  readonly advanceWidth: number
  readonly xOffset: number
  readonly yOffset: number
}

/** What is used of pdfkit's embedded font objects (not in pdfkit's typings). */
export interface EmbeddedFont {
  readonly id: string
  readonly ascender: number
  layoutCache?: object
  /** The characters of each glyph of the subset, by the glyph's id in the subset. */
  unicode: Array<ReadonlyArray<number>>
  widths: Array<number>
  readonly subset: { glyphs: Array<number>; mapping: Record<number, number> }
  /** Lays out the text and adds its glyphs to the font's subset: the glyphs' subset ids (hex) and positions. */
  encode(text: string): [ReadonlyArray<string>, ReadonlyArray<GlyphPosition>]
  ref(): unknown
}

/** What is used of pdfkit's document beyond its typings. */
interface DocumentInternals {
  x: number
  y: number
  readonly _font: EmbeddedFont
  readonly _fontSize: number
  readonly page: { readonly height: number; readonly fonts: Record<string, unknown> }
  addContent(data: string | Uint8Array): unknown
  widthOfString(text: string, options?: object): number
  currentLineHeight(includeGap?: boolean): number
  _text(
    text: string,
    x: number,
    y: number,
    options: object,
    onLine: (line: string, options: { readonly lineWidth: number }) => void
  ): unknown
}

/** One line of a wrapped text. */
interface Line {
  /** The text pdfkit writes for the line (line breaks removed; an empty line writes nothing). */
  readonly text: string
  /** Right-aligned, how far right of x the line starts (pdfkit's line width less the trimmed line's width). */
  readonly shift: number
}

/**
 * A cache of the texts that come again: a text is kept the second time it is offered within the last `SEEN` offers,
 * and when the kept ones reach `size` the older half is dropped (as a generation: what was used since stays). Names,
 * addresses and amounts, new in almost every letter, are not kept: kept, they made a bulk worker's heap larger than
 * the caches themselves (V8 lets the heap grow in proportion to what stays alive), about 60 MB at its peak.
 */
class RepeatedTexts<V> {
  private young = new Map<string, V>()
  private old = new Map<string, V>()
  private readonly seen = new Set<string>()
  constructor(private readonly size: number) {}

  get(key: string): V | undefined {
    const found = this.young.get(key)
    if (found !== undefined) return found
    const old = this.old.get(key)
    if (old !== undefined) this.keep(key, old)
    return old
  }

  /** Offers a text's value: kept if the text was offered before (recently). */
  offer(key: string, value: V): void {
    if (this.seen.delete(key)) {
      this.keep(key, value)
      return
    }
    if (this.seen.size >= SEEN) this.seen.clear()
    this.seen.add(key)
  }

  private keep(key: string, value: V): void {
    if (this.young.size >= this.size / 2) {
      this.old = this.young
      this.young = new Map()
    }
    this.young.set(key, value)
  }
}

/** How many texts offered once are remembered (a few letters' worth). */
const SEEN = 256

/** How many texts are kept per font and box, and per font subset seed (a letter has about 100 fixed texts). */
const CACHED_TEXTS = 1024

/**
 * The lines of each text, by font, size and width, then by text (a text from Texts.ts is the same string object in
 * every letter, and a string keeps its hash: looking it up costs little however long it is).
 */
const wrapped = new Map<string, RepeatedTexts<ReadonlyArray<Line>>>()

/** The operators of each line (by font and text), per font subset seed: valid in every document with that seed. */
const shown = new Map<string, RepeatedTexts<string>>()

/** A number as pdfkit writes it into a content stream (its `PDFObject.number`: rounded to 6 decimals). */
const number = (n: number): number => {
  if (n > -1e21 && n < 1e21) return Math.round(n * 1e6) / 1e6
  throw new Error(`unsupported number: ${n}`)
}

/** The operators that show `text`'s glyphs (`[…] TJ`, empty for none), as pdfkit's `_fragment` writes them. */
const showText = (
  font: EmbeddedFont,
  text: string
): { readonly operators: string; readonly gids: ReadonlyArray<string> } | undefined => {
  const [encoded, positions] = font.encode(text)
  const commands: Array<string> = []
  let last = 0
  const segment = (end: number) => {
    if (last < end) {
      const advance = positions[end - 1]!.xAdvance - positions[end - 1]!.advanceWidth
      commands.push(`<${encoded.slice(last, end).join("")}> ${number(-advance)}`)
    }
    last = end
  }
  for (let i = 0; i < positions.length; i++) {
    const position = positions[i]!
    // A glyph off its line is placed with its own text matrix, which depends on x: not kept (pdfkit writes it).
    if (position.xOffset || position.yOffset) return undefined
    if (position.xAdvance - position.advanceWidth !== 0) segment(i + 1)
  }
  segment(positions.length)
  return { operators: commands.length > 0 ? `[${commands.join(" ")}] TJ` : "", gids: encoded }
}

/** The font of a document as the writer knows it. */
export interface WriterFont {
  /** Which of the process's fonts ("regular", "bold"). */
  readonly key: string
  readonly font: EmbeddedFont
  /** The seed its subset started with (Fonts.ts), undefined when none. */
  readonly seed: string | undefined
  /** How many glyphs the subset had after the seed: glyphs below that have the same id in every seeded document. */
  readonly seededGlyphs: number
}

/** Writes wrapped text into one pdfkit document as its `text()` would. */
export class TextWriter {
  private readonly doc: DocumentInternals
  private readonly shownBy = new Map<string, RepeatedTexts<string> | undefined>()
  /** The text matrix operator pdfkit writes before each line ("1 0 0 -1 0 <page height> cm"), by page height. */
  private flip = ""
  private flipHeight = Number.NaN

  constructor(
    doc: PDFKit.PDFDocument,
    private readonly fonts: Readonly<Record<string, WriterFont>>
  ) {
    this.doc = doc as unknown as DocumentInternals
    for (const f of Object.values(fonts)) {
      const key = `${f.key}\u0000${f.seed}`
      let cache = shown.get(key)
      if (cache === undefined && f.seed !== undefined && f.seed !== "") {
        cache = new RepeatedTexts<string>(CACHED_TEXTS)
        shown.set(key, cache)
      }
      this.shownBy.set(f.key, cache)
    }
  }

  /** The lines of `text` in the current font and size in a box of `width`, as pdfkit's line wrapper breaks it. */
  lines(fontKey: string, text: string, width: number): ReadonlyArray<Line> {
    const doc = this.doc
    const box = `${fontKey} ${doc._fontSize} ${width}`
    let cache = wrapped.get(box)
    if (cache === undefined) {
      cache = new RepeatedTexts<ReadonlyArray<Line>>(CACHED_TEXTS)
      wrapped.set(box, cache)
    }
    const found = cache.get(text)
    if (found !== undefined) return found
    const { x, y } = doc
    const lines: Array<Line> = []
    // pdfkit's own wrapping (as `heightOfString` runs it: no page end), each line's width measured as `_fragment`
    // measures a right-aligned line.
    doc._text(text, x, y, { width, height: Number.POSITIVE_INFINITY }, (raw, options) => {
      const line = raw.replace(/\n/g, "")
      const shift = line === "" ? 0 : options.lineWidth - doc.widthOfString(line.replace(/\s+$/, ""), options)
      lines.push({ text: line, shift })
    })
    doc.x = x
    doc.y = y
    cache.offer(text, lines)
    return lines
  }

  /** The height pdfkit's `heightOfString` gives `text` in the current font and size at its current y. */
  height(fontKey: string, text: string, width: number): number {
    const doc = this.doc
    const count = this.lines(fontKey, text, width).length
    const lineHeight = doc.currentLineHeight(true)
    let y = doc.y
    for (let i = 0; i < count; i++) y += lineHeight + 0
    return y - doc.y
  }

  /**
   * Writes `text` in the current font and size at (x, y) in a box of `width`, leaving pdfkit's cursor below it as
   * `text()` does. False, having written nothing, when it must be left to pdfkit.
   */
  write(fontKey: string, text: string, x: number, y: number, width: number, align: "left" | "right"): boolean {
    const doc = this.doc
    const font = doc._font
    const page = doc.page
    const lines = this.lines(fontKey, text, width)
    const lineHeight = doc.currentLineHeight(true)
    // pdfkit would continue on a new page if a line reached the page's end (never in these letters): left to it.
    if (y + (lines.length + 1) * lineHeight > page.height - 1) return false
    const cache = this.shownBy.get(fontKey)
    const seeded = this.fonts[fontKey]!.seededGlyphs
    const size = doc._fontSize
    const dy = (font.ascender / 1000) * size
    if (page.height !== this.flipHeight) {
      this.flipHeight = page.height
      this.flip = `${[1, 0, 0, -1, 0, page.height].map(number).join(" ")} cm`
    }
    const head = `\n/${font.id} ${number(size)} Tf\n`
    const operators: Array<string> = []
    for (const line of lines) {
      if (line.text === "") continue
      let shown = cache?.get(line.text)
      if (shown === undefined) {
        const made = showText(font, line.text)
        if (made === undefined) return false
        shown = made.operators
        if (cache !== undefined && made.gids.every((gid) => Number.parseInt(gid, 16) < seeded)) {
          cache.offer(line.text, shown)
        }
      }
      operators.push(shown)
    }
    let out = ""
    let cursor = y
    let shownIndex = 0
    for (const line of lines) {
      if (line.text !== "") {
        if (page.fonts[font.id] == null) page.fonts[font.id] = font.ref()
        const left = align === "right" ? x + line.shift : x
        const top = page.height - cursor - dy
        const show = operators[shownIndex++]!
        // pdfkit's `_fragment`: save, flip the y axis, the text object with its matrix, font and glyphs, restore.
        out += `q\n${this.flip}\nBT\n1 0 0 1 ${number(left)} ${number(top)} Tm${head}`
        out += `${show === "" ? "" : `${show}\n`}ET\nQ\n`
      }
      cursor += lineHeight + 0
    }
    // Bytes, not a string: pdfkit would copy a string into bytes one character at a time (and add the last "\n").
    if (out !== "") doc.addContent(Buffer.from(out, "latin1"))
    doc.x = x
    doc.y = cursor
    return true
  }
}
