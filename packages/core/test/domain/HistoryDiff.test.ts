import { describe, expect, it } from "@effect/vitest"
import { HistoryDiff } from "../../src/index.js"

describe("HistoryDiff.changes: what a history entry changed (domain.md §8, staff-web.md §10)", () => {
  it("a change lists the fields that differ, in the snapshot's order, without keys", () => {
    expect(
      HistoryDiff.changes(
        "~",
        { id: 1, assessed_amount: null, slutlignet: false, policy_number: "A" },
        { id: 1, assessed_amount: 8000, slutlignet: true, policy_number: "A" }
      )
    ).toEqual([
      { field: "assessed_amount", before: null, after: 8000 },
      { field: "slutlignet", before: false, after: true }
    ])
  })

  it("a creation lists the fields with a value; a deletion nothing", () => {
    expect(HistoryDiff.changes("+", null, { id: 3, content: "Hej", policy_tax_year_id: null, file_id: "x" })).toEqual([
      { field: "content", before: null, after: "Hej" }
    ])
    expect(HistoryDiff.changes("-", { id: 3, content: "Hej" }, { id: 3, content: "Hej" })).toEqual([])
  })

  it("compares structured values by content and treats a missing field as null", () => {
    expect(HistoryDiff.changes("~", { a: { x: 1 }, b: null }, { a: { x: 1 } })).toEqual([])
    expect(HistoryDiff.changes("~", { a: 1 }, { a: 1, b: 2 })).toEqual([{ field: "b", before: null, after: 2 }])
  })
})
