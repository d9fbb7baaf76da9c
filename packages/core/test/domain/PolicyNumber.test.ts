import { describe, expect, it } from "@effect/vitest"
import { Either, Schema } from "effect"
import { PolicyNumber } from "../../src/index.js"

describe("PolicyNumber", () => {
  it("accepts 1 to 40 characters", () => {
    expect(PolicyNumber.problemOf("X")).toBeNull()
    expect(PolicyNumber.problemOf("x".repeat(40))).toBeNull()
  })

  it("refuses 41 characters with the Danish message", () => {
    expect(PolicyNumber.problemOf("x".repeat(41))).toBe("too-long")
    expect(PolicyNumber.messages.tooLong).toBe("Policenummeret må højst være 40 tegn")
  })

  it("requires a number; white space alone is no number", () => {
    expect(PolicyNumber.problemOf(PolicyNumber.normalize(""))).toBe("required")
    expect(PolicyNumber.problemOf(PolicyNumber.normalize("   "))).toBe("required")
  })

  it("counts the characters without surrounding white space", () => {
    const padded = `  ${"x".repeat(40)}  `
    expect(PolicyNumber.normalize(padded)).toBe("x".repeat(40))
    expect(PolicyNumber.problemOf(PolicyNumber.normalize(padded))).toBeNull()
    expect(PolicyNumber.normalize(" 12 34 ")).toBe("12 34")
  })

  it("the stored number's Schema takes 40 characters and refuses 41", () => {
    const decode = Schema.decodeUnknownEither(PolicyNumber.PolicyNumber)
    expect(Either.isRight(decode("x".repeat(40)))).toBe(true)
    expect(Either.isLeft(decode("x".repeat(41)))).toBe(true)
  })
})
