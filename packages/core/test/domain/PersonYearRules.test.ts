import { describe, expect, it } from "@effect/vitest"
import fc from "fast-check"
import { PersonYearRules } from "../../src/index.js"

const entry = (numberOfDays: number | null, fullyTaxLiable = true) => ({ numberOfDays, fullyTaxLiable })

describe("PersonYearRules.fromCensus (domain.md §7.1)", () => {
  it("sums the days of fully liable entries only", () => {
    expect(PersonYearRules.fromCensus([entry(100), entry(50, false), entry(30)], 365)).toEqual({
      numberOfDays: 130,
      fullyTaxLiable: true
    })
  })

  it("caps at the days of the year, 366 in a leap year", () => {
    expect(PersonYearRules.fromCensus([entry(300), entry(300)], 365).numberOfDays).toBe(365)
    expect(PersonYearRules.fromCensus([entry(300), entry(300)], 366).numberOfDays).toBe(366)
  })

  it("null days count as 0", () => {
    const result = PersonYearRules.fromCensus([entry(null), entry(12)], 365)
    expect(result).toEqual({ numberOfDays: 12, fullyTaxLiable: true })
    expect(PersonYearRules.fromCensus([entry(null)], 365)).toEqual({ numberOfDays: 0, fullyTaxLiable: true })
  })

  it("no fully liable entry: 0 days and not fully liable", () => {
    expect(PersonYearRules.fromCensus([entry(200, false)], 365)).toEqual({ numberOfDays: 0, fullyTaxLiable: false })
    expect(PersonYearRules.fromCensus([], 365)).toEqual({ numberOfDays: 0, fullyTaxLiable: false })
  })

  it("a change is any difference in days or liability, including from null days", () => {
    const now = { numberOfDays: 130, fullyTaxLiable: true }
    expect(PersonYearRules.censusChanged({ numberOfDays: 130, fullyTaxLiable: true }, now)).toBe(false)
    expect(PersonYearRules.censusChanged({ numberOfDays: 129, fullyTaxLiable: true }, now)).toBe(true)
    expect(PersonYearRules.censusChanged({ numberOfDays: 130, fullyTaxLiable: false }, now)).toBe(true)
    expect(
      PersonYearRules.censusChanged({ numberOfDays: null, fullyTaxLiable: false }, { ...now, numberOfDays: 0 })
    ).toBe(true)
  })

  it("the system note text is exact", () => {
    expect(PersonYearRules.censusChangeNote(2024)).toBe(
      "Personens antal skattedage i 2024 er blevet opdateret; denne police er blevet påvirket af ændringen, og " +
        "beregningen kan afvige fra en evt. oprettet slutopgørelse."
    )
  })

  it("days stay within 0 … days in year", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            numberOfDays: fc.option(fc.integer({ min: 0, max: 366 }), { nil: null }),
            fullyTaxLiable: fc.boolean()
          })
        ),
        fc.constantFrom(365, 366),
        (entries, days) => {
          const result = PersonYearRules.fromCensus(entries, days)
          return (
            result.numberOfDays >= 0 &&
            result.numberOfDays <= days &&
            result.fullyTaxLiable === entries.some((e) => e.fullyTaxLiable) &&
            (result.fullyTaxLiable || result.numberOfDays === 0)
          )
        }
      )
    )
  })
})

const policy = (
  active: boolean,
  slutlignet: boolean,
  efterbehandling = false,
  nextProcessingDate: string | null = null
) => ({
  active,
  slutlignet,
  efterbehandling,
  nextProcessingDate
})

describe("PersonYearRules derived flags (domain.md §7.2)", () => {
  it("slutlignet when no active policy is not slutlignet; inactive ones do not count", () => {
    expect(PersonYearRules.slutlignet([policy(true, true), policy(false, false)])).toBe(true)
    expect(PersonYearRules.slutlignet([policy(true, true), policy(true, false)])).toBe(false)
    expect(PersonYearRules.slutlignet([])).toBe(true)
  })

  it("efterbehandling when any policy, inactive ones too, needs it", () => {
    expect(PersonYearRules.efterbehandling([policy(false, true, true)])).toBe(true)
    expect(PersonYearRules.efterbehandling([policy(true, true, false)])).toBe(false)
  })

  it("the latest processing date is the latest one after today", () => {
    const policies = [
      policy(true, true, false, "2025-05-01"),
      policy(false, true, false, "2025-07-01"),
      policy(true, true)
    ]
    expect(PersonYearRules.latestProcessingDate(policies, "2025-04-30")).toBe("2025-07-01")
    expect(PersonYearRules.latestProcessingDate(policies, "2025-07-01")).toBeNull()
    const one = [policy(true, true, false, "2025-07-01")]
    expect(PersonYearRules.latestProcessingDate(one, "2025-06-30")).toBe("2025-07-01")
  })

  it("tax slips go to fully liable person-years with days", () => {
    expect(PersonYearRules.receivesTaxSlip({ fullyTaxLiable: true, numberOfDays: 1 })).toBe(true)
    expect(PersonYearRules.receivesTaxSlip({ fullyTaxLiable: true, numberOfDays: 0 })).toBe(false)
    expect(PersonYearRules.receivesTaxSlip({ fullyTaxLiable: true, numberOfDays: null })).toBe(false)
    expect(PersonYearRules.receivesTaxSlip({ fullyTaxLiable: false, numberOfDays: 200 })).toBe(false)
  })
})
