import { assert, describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import { TaxYearPeriod } from "../../src/index.js"

const allowedIn = (action: TaxYearPeriod.PeriodAction) =>
  (["selvangivelse", "ligning", "genoptagelsesperiode"] as const).filter((p) => TaxYearPeriod.allows(p, action))

describe("TaxYearPeriod (domain.md §6.1)", () => {
  it("what each period allows", () => {
    expect(allowedIn("autoligning")).toEqual(["selvangivelse"])
    expect(allowedIn("selfReport")).toEqual(["selvangivelse"])
    expect(allowedIn("editSelfReportedAmount")).toEqual(["selvangivelse"])
    expect(allowedIn("editAmounts")).toEqual(["ligning", "genoptagelsesperiode"])
    expect(allowedIn("generateFinalSettlements")).toEqual(["ligning"])
    expect(allowedIn("generateBatchAndTransactions")).toEqual(["ligning"])
    expect(allowedIn("generateIndividualFinalStatement")).toEqual(["genoptagelsesperiode"])
    expect(allowedIn("dispatchFinalStatement")).toEqual(["genoptagelsesperiode"])
  })

  it("the labels of the periods", () => {
    expect(TaxYearPeriod.yearPartLabels).toEqual({
      selvangivelse: "Selvangivelsesperiode",
      ligning: "Ligningsperiode",
      genoptagelsesperiode: "Genoptagelsesperiode"
    })
  })

  it("the job message names the job and the period it needs", () => {
    expect(TaxYearPeriod.jobPeriodMessage("Kør autoligning", "selvangivelse")).toBe(
      "Kan kun Kør autoligning år som er i perioden selvangivelse"
    )
  })

  it("check refuses with the job message when given a job title", () => {
    const result = TaxYearPeriod.check("selvangivelse", "generateFinalSettlements", {
      jobTitle: "Generering af KAS slutopgørelser for et givet år"
    })
    assert.isTrue(Either.isLeft(result))
    if (Either.isLeft(result)) {
      expect(result.left._tag).toBe("TaxYearPeriodError")
      expect(result.left.message).toBe(
        "Kan kun Generering af KAS slutopgørelser for et givet år år som er i perioden ligning"
      )
      expect(result.left.yearPart).toBe("selvangivelse")
      expect(result.left.allowed).toEqual(["ligning"])
    }
  })

  it("check refuses a staff edit with a clear message and allows it in its period", () => {
    const result = TaxYearPeriod.check("selvangivelse", "editAmounts")
    assert.isTrue(Either.isLeft(result))
    if (Either.isLeft(result)) {
      expect(result.left.message).toBe(
        '"Ret beløb" er kun tilladt i ligningsperiode og genoptagelsesperiode; skatteåret er i selvangivelsesperiode'
      )
    }
    assert.isTrue(Either.isRight(TaxYearPeriod.check("genoptagelsesperiode", "editAmounts")))
    assert.isTrue(Either.isRight(TaxYearPeriod.check("selvangivelse", "autoligning")))
  })
  it("a change by hand moves one period at a time (staff-web.md §18); a jump over ligning is refused", () => {
    const parts = ["selvangivelse", "ligning", "genoptagelsesperiode"] as const
    const allowed = parts.flatMap((from) =>
      parts.filter((to) => TaxYearPeriod.manualChangeProblem(from, to) === undefined).map((to) => `${from}→${to}`)
    )
    expect(allowed).toEqual([
      "selvangivelse→selvangivelse",
      "selvangivelse→ligning",
      "ligning→selvangivelse",
      "ligning→ligning",
      "ligning→genoptagelsesperiode",
      "genoptagelsesperiode→ligning",
      "genoptagelsesperiode→genoptagelsesperiode"
    ])
    expect(TaxYearPeriod.manualChangeProblem("selvangivelse", "genoptagelsesperiode")).toBe(
      "Skatteåret kan ikke skifte direkte fra selvangivelsesperiode til genoptagelsesperiode: " +
        "ligningsperiode kan ikke springes over"
    )
  })
})
