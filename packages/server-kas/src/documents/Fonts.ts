/**
 * The two fonts of the PDF documents (DejaVu Sans and DejaVu Sans Bold), parsed once per process and shared by every
 * document, with what makes a bulk run cheap: the word-layout caches, and the embedded font subsets encoded once per
 * set of glyphs instead of once per document.
 */
import { readFileSync } from "node:fs"
import { createRequire } from "node:module"
import { deflateSync } from "node:zlib"
import * as fontkit from "fontkit"

const require = createRequire(import.meta.url)

/** The subsets of one font, encoded, by their glyph ids (at most this many kept). */
const MAX_CACHED_SUBSETS = 16

/** What `withSubsetCache` uses of fontkit's objects beyond its typings. */
interface GlyphInternals {
  _decode?: () => unknown
}

/**
 * The font with what encoding its subsets takes memoised (encoding a TrueType subset cost about a third of a letter's
 * rendering): a subset's bytes by its glyph ids in order (the same glyphs give the same bytes), and each glyph's
 * decoded outline, which fontkit decodes again for every subset that includes the glyph (only to find the components
 * of a composite glyph; the font is never changed, so the outline is the same).
 */
const withSubsetCache = (font: fontkit.Font): fontkit.Font => {
  const getGlyph = font.getGlyph.bind(font)
  const memoised = new WeakSet<object>()
  font.getGlyph = (id, codePoints) => {
    const glyph = getGlyph(id, codePoints) as fontkit.Glyph & GlyphInternals
    if (glyph !== null && !memoised.has(glyph) && typeof glyph._decode === "function") {
      memoised.add(glyph)
      const decode = glyph._decode.bind(glyph)
      let decoded: { value: unknown } | undefined
      glyph._decode = () => {
        decoded ??= { value: decode() }
        return decoded.value
      }
    }
    return glyph
  }
  const cache = new Map<string, Uint8Array>()
  const createSubset = font.createSubset.bind(font)
  font.createSubset = () => {
    const subset = createSubset() as fontkit.Subset & { readonly glyphs: ReadonlyArray<number> }
    const encode = subset.encode.bind(subset)
    subset.encode = () => {
      const key = subset.glyphs.join(",")
      const cached = cache.get(key)
      if (cached !== undefined) return cached
      const bytes = encode()
      if (cache.size >= MAX_CACHED_SUBSETS) cache.delete(cache.keys().next().value as string)
      cache.set(key, bytes)
      subsetEncodings.add(bytes)
      return bytes
    }
    return subset
  }
  return font
}

/** The encodings the subset cache gave out (so that their compressed form can be kept with them). */
const subsetEncodings = new WeakSet<Uint8Array>()
const deflatedSubsets = new WeakMap<Uint8Array, Uint8Array>()

/**
 * The font file of an encoded subset as pdfkit compresses it (zlib's default deflate of the bytes), compressed once
 * per encoding; undefined for bytes that are not an encoding of the subset cache.
 */
export const deflatedSubset = (bytes: Uint8Array): Uint8Array | undefined => {
  if (!subsetEncodings.has(bytes)) return undefined
  let deflated = deflatedSubsets.get(bytes)
  if (deflated === undefined) {
    deflated = deflateSync(bytes)
    deflatedSubsets.set(bytes, deflated)
  }
  return deflated
}

/** The two fonts, parsed once per process: every document shares them (parsing a TTF per letter is slow). */
let parsedFonts: { readonly regular: fontkit.Font; readonly bold: fontkit.Font } | undefined
export const fonts = () => {
  const open = (file: string) => {
    const font = fontkit.create(readFileSync(require.resolve(`dejavu-fonts-ttf/ttf/${file}`)))
    if (!("layout" in font)) throw new Error(`${file} is a font collection, not a font`)
    return withSubsetCache(font)
  }
  parsedFonts ??= { regular: open("DejaVuSans.ttf"), bold: open("DejaVuSans-Bold.ttf") }
  return parsedFonts
}

/**
 * The text each document lays out first in each font (space-separated characters, so that each is laid out alone),
 * so that its subset starts with the same glyphs in the same order as the next document's: the characters of the
 * first document this process finished, in that document's order. A letter then has the same subset as the one
 * before unless its name, address or amounts bring a character that one lacked, and the encoded subset is found in
 * the cache; the subset grows only by the few characters the first letter had and this one has not. By kind of
 * document (a tax slip and a final statement use different texts).
 */
const subsetSeeds = new Map<string, string>()

/** The seed of a font for a kind of document (undefined until a document of that kind was finished). */
export const seedOf = (kind: string, font: "regular" | "bold"): string | undefined => subsetSeeds.get(`${kind}:${font}`)

/** Learns a font's seed from a finished document's subset: its characters by glyph, glyph 0 (.notdef) left out. */
export const learnSeed = (kind: string, font: "regular" | "bold", unicode: ReadonlyArray<ReadonlyArray<number>>) => {
  const key = `${kind}:${font}`
  if (subsetSeeds.has(key)) return
  const characters = unicode.slice(1).map((codePoints) => String.fromCodePoint(...codePoints))
  subsetSeeds.set(key, characters.filter((c) => c.trim() !== "").join(" "))
}

/** What seeding changes in one of pdfkit's embedded fonts: its subset's glyphs, their widths and their characters. */
export interface SeedableFont {
  readonly subset: { glyphs: Array<number>; mapping: Record<number, number> }
  unicode: Array<ReadonlyArray<number>>
  widths: Array<number>
  encode(text: string): unknown
}

/** A font's state after its seed was laid out, by kind and font (a seed never changes once learned). */
const seededStates = new Map<
  string,
  {
    readonly glyphs: ReadonlyArray<number>
    readonly mapping: Readonly<Record<number, number>>
    readonly unicode: ReadonlyArray<ReadonlyArray<number>>
    readonly widths: ReadonlyArray<number>
  }
>()

/**
 * Starts a new document's font subset with the seed of its kind, if one was learned, and returns the seed. The first
 * time the seed is laid out (`encode`); after that the state it left is copied, which is the same and much cheaper
 * (laying out a seed of ~90 characters took about a twentieth of a letter's rendering).
 */
export const applySeed = (kind: string, font: "regular" | "bold", embedded: SeedableFont): string | undefined => {
  const seed = seedOf(kind, font)
  if (seed === undefined || seed === "") return seed
  const key = `${kind}:${font}`
  const state = seededStates.get(key)
  if (state === undefined) {
    embedded.encode(seed)
    const { subset } = embedded
    seededStates.set(key, {
      glyphs: [...subset.glyphs],
      mapping: { ...subset.mapping },
      unicode: [...embedded.unicode],
      widths: [...embedded.widths]
    })
  } else {
    embedded.subset.glyphs = [...state.glyphs]
    embedded.subset.mapping = { ...state.mapping }
    embedded.unicode = [...state.unicode]
    embedded.widths = [...state.widths]
  }
  return seed
}

/** The shared word-layout caches of the two fonts (pdfkit's `layoutCache`, by text). */
let layoutCaches = { regular: Object.create(null) as object, bold: Object.create(null) as object }
let documentsSinceCheck = 0
/**
 * Amounts, names and addresses make new words in every letter: the caches are started afresh when they hold more
 * than this many words (checked every 200 documents), so that a long bulk run keeps its memory bounded.
 */
const MAX_CACHED_WORDS = 20_000

/** The word-layout caches for the next document (started afresh now and then, see `MAX_CACHED_WORDS`). */
export const sharedLayoutCaches = () => {
  if (++documentsSinceCheck >= 200) {
    documentsSinceCheck = 0
    const size = Object.keys(layoutCaches.regular).length + Object.keys(layoutCaches.bold).length
    if (size > MAX_CACHED_WORDS) layoutCaches = { regular: Object.create(null), bold: Object.create(null) }
  }
  return layoutCaches
}
