import { readFileSync } from "node:fs"
import { createRequire } from "node:module"
import * as fontkit from "fontkit"
import { describe, expect, it } from "vitest"
import { fonts } from "../../src/documents/Fonts.js"

// The shared fonts encode a subset once per list of glyphs: every encoding must be the bytes fontkit itself gives for
// that list (a font parsed afresh), whether it was encoded now or found in the cache.
const require = createRequire(import.meta.url)
const fresh = (file: string) =>
  fontkit.create(readFileSync(require.resolve(`dejavu-fonts-ttf/ttf/${file}`))) as fontkit.Font

const encodeWith = (font: fontkit.Font, text: string) => {
  const subset = font.createSubset()
  for (const glyph of font.layout(text).glyphs) subset.includeGlyph(glyph)
  return Buffer.from(subset.encode())
}

describe("fonts", () => {
  it("encode every subset as fontkit does, also when the same glyphs come again or in another order", () => {
    const shared = fonts()
    for (const [font, file] of [
      [shared.regular, "DejaVuSans.ttf"],
      [shared.bold, "DejaVuSans-Bold.ttf"]
    ] as const) {
      const plain = fresh(file)
      // Accented letters ("Å", "é") may be composite glyphs (a base and an accent) whose parts join the subset.
      const texts = ["Slutopgørelse 2023", "Ülle ĸ Éé Åse 1.234", "Slutopgørelse 2023", "2023 Slutopgørelse", "Åse"]
      const encoded = texts.map((text) => encodeWith(font, text))
      for (const [i, text] of texts.entries()) expect(encoded[i]!.equals(encodeWith(plain, text))).toBe(true)
      expect(encoded[2]!.equals(encoded[0]!)).toBe(true)
      expect(encoded[3]!.equals(encoded[0]!)).toBe(false)
      for (const [i, text] of texts.entries()) expect(encodeWith(font, text).equals(encoded[i]!)).toBe(true)
    }
  })
})
