import { describe, expect, it } from "@effect/vitest"
import { Either, JSONSchema, Option, ParseResult, Schema } from "effect"
import { Cpr, dashedCpr, isCpr, parseCpr, Rest } from "../../src/index.js"

const decode = Schema.decodeUnknownEither(Cpr)
const messageOf = (value: unknown) => {
  const result = decode(value)
  return Either.isLeft(result) ? ParseResult.ArrayFormatter.formatErrorSync(result.left)[0]?.message : undefined
}

describe("Cpr", () => {
  it("takes exactly ten digits", () => {
    expect(Either.getOrThrow(decode("0101709901"))).toBe("0101709901")
    expect(isCpr("1802602810")).toBe(true)
    expect(Option.getOrThrow(parseCpr("0000000000"))).toBe("0000000000")
  })

  it("refuses letters, 9 or 11 digits, spaces, a dash and what is not a string", () => {
    const bad = [
      "010170990A",
      "abcdefghij",
      "010170990",
      "01017099012",
      "010170 9901",
      " 0101709901",
      "0101709901 ",
      "010170-9901",
      "",
      "０１０１７０９９０１",
      101709901,
      null,
      undefined
    ]
    for (const value of bad) {
      expect(isCpr(value), String(value)).toBe(false)
      expect(Option.isNone(parseCpr(value)), String(value)).toBe(true)
      expect(Either.isLeft(decode(value)), String(value)).toBe(true)
    }
  })

  it("says so in Danish (the staff forms' message)", () => {
    expect(messageOf("123456789")).toBe("CPR-nummeret skal være 10 cifre")
    expect(messageOf("12345678901")).toBe("CPR-nummeret skal være 10 cifre")
  })

  it("shows DDMMYY-SSSS for staff", () => {
    expect(dashedCpr(Cpr.make("0101709901"))).toBe("010170-9901")
  })

  it("is the REST contract's Cpr, documented as a 10-digit pattern named Cpr", () => {
    expect(isCpr("0101709901")).toBe(Schema.is(Rest.Contract.Cpr)("0101709901"))
    expect(Schema.is(Rest.Contract.Cpr)("010170990")).toBe(false)
    const document = JSONSchema.make(Schema.Struct({ cpr: Rest.Contract.Cpr })) as { $defs: Record<string, unknown> }
    expect(document.$defs.Cpr).toEqual({
      type: "string",
      description: "a string matching the pattern ^[0-9]{10}$",
      pattern: "^[0-9]{10}$"
    })
  })
})
