import { describe, expect, it } from "vitest"
import { PrepaymentFile } from "../../src/index.js"

const latin1 = (text: string) => new Uint8Array(Buffer.from(text, "latin1"))

describe("the prepayment file format (integrations.md §3)", () => {
  it("reads ISO-8859-1 lines with ; fields; NUL bytes removed, empty lines ignored, CPR zero-padded", () => {
    const file = latin1("PGF85;101014444;x;2023;500;a;b;ID-1\r\n\r\nPGF85;0202024444;x;2023;0;æ;ø;ID-2\0\n   \n")
    expect(PrepaymentFile.parse(file)).toEqual({
      lines: [
        { line: 1, cpr: "0101014444", year: 2023, amount: 500, uniqueId: "ID-1" },
        { line: 3, cpr: "0202024444", year: 2023, amount: 0, uniqueId: "ID-2" }
      ],
      errors: []
    })
  })

  it("reports every bad line with its number and reason", () => {
    const file = latin1(
      [
        "PGF85;0101014444;x;2023;500;a;b;ID-1",
        "PGF85;0101014444;x;2023",
        "PGF85;01010A4444;x;23;12,50;a;b;",
        "PGF85;0101014444;x;2023;-5;a;b;ID-4"
      ].join("\n")
    )
    const parsed = PrepaymentFile.parse(file)
    expect(parsed.lines.map((l) => l.line)).toEqual([1])
    expect(parsed.errors.map(PrepaymentFile.lineErrorText)).toEqual([
      "Linje 2: linjen har 4 felter, men skal have mindst 8",
      'Linje 3: ugyldigt CPR-nummer "01010A4444", ugyldigt år "23", ugyldigt beløb "12,50" (hele kroner), ' +
        "mangler betalingens id",
      'Linje 4: beløbet "-5" må ikke være negativt'
    ])
  })
})
