import { describe, expect, it } from "vitest"
import { changeKind, Reasons } from "../../src/domain/History.js"

// Issue 14 item 10: only changes made by people send a policy to efterbehandling.
describe("changeKind", () => {
  it("imports and the recalculations they cause are import; autoligning is automatic; the rest was a person", () => {
    for (const r of [
      Reasons.createdByImport,
      Reasons.updatedByImport,
      Reasons.clearedByImport,
      Reasons.recalcR75,
      Reasons.recalcCensus
    ])
      expect(changeKind(r), r).toBe("import")
    for (const r of [Reasons.autoligning, Reasons.recalcAutoligning]) expect(changeKind(r), r).toBe("automatic")
    for (const r of [
      Reasons.manualCorrection,
      Reasons.recalcAmounts,
      Reasons.recalcSelfReported,
      Reasons.selfServiceSubmitted,
      Reasons.recalcPolicyCreated,
      Reasons.recalcCompanyChange,
      Reasons.recalcAfterManual,
      null
    ])
      expect(changeKind(r), String(r)).toBe("person")
  })
})
