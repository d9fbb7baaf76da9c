import { Arbitrary, Either, FastCheck, Schema } from "effect"
import { describe, expect, it } from "vitest"
import * as C from "../../src/rest/Contract.js"
import { compileValidator } from "../../src/rest/internal/validator.js"

/**
 * The check the REST client compiles from a contract Schema accepts exactly what the Schema decodes: every value the
 * Schema's arbitrary makes, and none of the malformed answers made from them by breaking one field at a time.
 */
const answers = {
  CitizenOverview: C.CitizenOverview,
  "TaxYearOut[]": Schema.Array(C.TaxYearOut),
  "PensionCompanyOut[]": Schema.Array(C.PensionCompanyOut),
  "PersonTaxYearOut[]": Schema.Array(C.PersonTaxYearOut),
  "PolicyTaxYearOut[]": Schema.Array(C.PolicyTaxYearOut)
} as const

/** Every way of breaking one field of a value: wrong types, a missing key, a fraction, a bad CPR. */
const broken = (value: unknown): Array<unknown> => {
  const out: Array<unknown> = []
  const wrong = [undefined, null, "x", "0101011234", 1, 1.5, -0, true, [], {}]
  const visit = (v: unknown, replace: (x: unknown) => unknown, remove: (() => unknown) | undefined) => {
    for (const w of wrong) out.push(replace(w))
    if (remove) out.push(remove())
    if (Array.isArray(v)) {
      for (const [i, item] of v.slice(0, 2).entries()) {
        visit(
          item,
          (x) => replace(v.map((y, j) => (j === i ? x : y))),
          () => replace(v.filter((_, j) => j !== i))
        )
      }
    } else if (typeof v === "object" && v !== null) {
      for (const key of Object.keys(v)) {
        const o = v as Record<string, unknown>
        visit(
          o[key],
          (x) => replace({ ...o, [key]: x }),
          () => {
            const { [key]: _, ...rest } = o
            return replace(rest)
          }
        )
      }
    }
  }
  visit(value, (x) => x, undefined)
  return out
}

describe("the REST client's compiled answer checks", () => {
  for (const [name, schema] of Object.entries(answers)) {
    it(`${name}: accepts what the Schema decodes, refuses what it refuses`, () => {
      const valid = compileValidator(schema as Schema.Schema<unknown, unknown>)
      expect(valid).toBeDefined()
      const decode = Schema.decodeUnknownEither(schema as Schema.Schema<unknown, unknown>)
      const samples = FastCheck.sample(Arbitrary.make(schema as Schema.Schema<unknown, unknown>), {
        numRuns: 8,
        seed: 7
      })
      let refused = 0
      const disagreements: Array<unknown> = []
      for (const sample of samples) {
        const json = JSON.parse(JSON.stringify(sample)) as unknown
        expect(valid!(json)).toBe(true)
        for (const bad of broken(json)) {
          const accepts = Either.isRight(decode(bad))
          if (valid!(bad) !== accepts) disagreements.push(bad)
          if (!accepts) refused++
        }
      }
      expect(disagreements).toEqual([])
      expect(refused).toBeGreaterThan(100)
    })
  }

  it("a Schema with a transformation gets no check (the Schema decodes it)", () => {
    expect(compileValidator(C.PolicyFilter)).toBeUndefined()
  })
})
