import type { SqlClient } from "@effect/sql"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Runtime } from "effect"
import fc from "fast-check"
import {
  DaysInYear,
  LossMatrix,
  LossMatrixCheck,
  PolicyCalculation,
  Policies,
  Reasons,
  Recalculation
} from "../../../src/index.js"
import { company, domainLayer, ensureYears, invariantBreaches, personWithYears, policyOverYears } from "../fixtures.js"

// domain.md §4.2 step 6 as a property (issue 19): random histories of one policy over up to 11 years, random
// protected and unprotected cells saved by staff and random edits, through the public services on the real database.
// After every recalculation, every policy-year deducts exactly what its column records, its full tax is computed with
// that deduction, and no loss year's cells give more than its loss.

const FIRST = 2010

type Edit =
  | { readonly kind: "amount"; readonly at: number; readonly amount: number }
  | {
      readonly kind: "cell"
      readonly from: number
      /** The later year is 1 … 10 years on (wrapped into the history). */
      readonly gap: number
      /** Percent of the cell's limit (§4.4) that staff save. */
      readonly percent: number
      readonly protect: boolean
    }
  | { readonly kind: "active"; readonly at: number }
  | { readonly kind: "policy"; readonly at: number }
  | { readonly kind: "year"; readonly at: number }

const amount = fc.integer({ min: -3000, max: 3000 })
const index = fc.integer({ min: 0, max: 10 })

const edit: fc.Arbitrary<Edit> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("amount" as const), at: index, amount }) },
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant("cell" as const),
      from: index,
      gap: fc.integer({ min: 1, max: 10 }),
      percent: fc.integer({ min: 0, max: 100 }),
      protect: fc.boolean()
    })
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("active" as const), at: index }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("policy" as const), at: index }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("year" as const), at: index }) }
)

const history = fc.record({
  amounts: fc.array(amount, { minLength: 2, maxLength: 11 }),
  edits: fc.array(edit, { maxLength: 10 })
})

/** The loss matrix of the policy as staff see it (§4.4), from what the services return. */
const matrixOf = (ids: ReadonlyMap<number, number>) =>
  Effect.gen(function* () {
    const policies = yield* Policies
    const years: Array<LossMatrix.MatrixYear> = []
    const cells = new Map<string, { fromYear: number; toYear: number; value: number; protected: boolean }>()
    const yearOf = new Map([...ids].map(([y, id]) => [id, y]))
    for (const [year, id] of ids) {
      const p = yield* policies.get(id)
      const baseAmount = PolicyCalculation.baseAmount({
        assessedAmount: p.assessed_amount,
        selfReportedAmount: p.self_reported_amount,
        prefilledAmount: p.prefilled_amount,
        prefilledAmountEdited: p.prefilled_amount_edited,
        baseCalculationAmount: p.base_calculation_amount,
        numberOfDays: null,
        daysInYear: DaysInYear.daysInYear(year)
      })
      years.push({ year, active: p.active, yearAdjustedAmount: p.year_adjusted_amount, baseAmount })
      for (const c of yield* policies.cellsOf(id)) {
        const fromYear = yearOf.get(c.used_from_id)!
        const toYear = yearOf.get(c.used_for_id)!
        cells.set(`${fromYear}:${toYear}`, {
          fromYear,
          toYear,
          value: c.transferred_negative_payout,
          protected: c.protected_against_recalculations
        })
      }
    }
    return LossMatrix.build(years, [...cells.values()], FIRST + ids.size - 1)
  })

let next = 0

/** Builds one random history and applies its edits, checking the invariant after each step; returns the steps run. */
const runHistory = (input: { readonly amounts: ReadonlyArray<number>; readonly edits: ReadonlyArray<Edit> }) =>
  Effect.gen(function* () {
    const policies = yield* Policies
    const recalculation = yield* Recalculation
    const n = ++next
    const years = input.amounts.map((_, i) => FIRST + i)
    const taxYears = yield* ensureYears(years)
    const { personTaxYears } = yield* personWithYears(String(3000000000 + n), years)
    const c = yield* company(30000000 + n)
    const ids = yield* policyOverYears(
      personTaxYears,
      c,
      `H-${n}`,
      input.amounts.map((a, i) => [FIRST + i, a] as const)
    )
    const steps: Array<string> = [`created ${input.amounts.join(" ")}`]
    const holds = Effect.gen(function* () {
      const breaches = yield* invariantBreaches([...ids.values()])
      if (breaches.length > 0) assert.fail(`after ${steps.join("; ")}: ${breaches.join(", ")}`)
    })
    yield* holds
    const idAt = (at: number) => ids.get(FIRST + (at % years.length))!
    for (const e of input.edits) {
      switch (e.kind) {
        case "amount":
          // A deactivated policy-year is not edited (staff must activate it first).
          if (!(yield* policies.get(idAt(e.at))).active) continue
          yield* policies.editSelfReported(idAt(e.at), e.amount, "staff")
          steps.push(`${FIRST + (e.at % years.length)} = ${e.amount}`)
          break
        case "cell": {
          const fromAt = e.from % (years.length - 1)
          const from = FIRST + fromAt
          const to = from + 1 + ((e.gap - 1) % (years.length - 1 - fromAt))
          const limit = LossMatrix.limitOf(yield* matrixOf(ids), from, to)
          if (limit === undefined || limit <= 0) continue
          const value = Math.floor((e.percent * limit) / 100)
          yield* policies.saveCell(
            { usedFromId: ids.get(from)!, usedForId: ids.get(to)!, value, protect: e.protect },
            "staff"
          )
          steps.push(`cell ${from}→${to} = ${value}${e.protect ? " protected" : ""}`)
          break
        }
        case "active": {
          const p = yield* policies.get(idAt(e.at))
          yield* policies.setActive(p.id, !p.active, "staff")
          steps.push(`${FIRST + (e.at % years.length)} ${p.active ? "deactivated" : "activated"}`)
          break
        }
        case "policy":
          yield* recalculation.recalculatePolicy(idAt(e.at), Reasons.recalculation)
          steps.push(`recalculate ${FIRST + (e.at % years.length)}`)
          break
        case "year":
          yield* recalculation.recalculateYear(taxYears.get(FIRST + (e.at % years.length))!, Reasons.recalcAutoligning)
          steps.push(`year run ${FIRST + (e.at % years.length)}`)
          break
      }
      yield* holds
    }
    return steps.length
  })

describe("the loss matrix is the record of use, over random histories (§4.2 step 6)", () => {
  it.layer(domainLayer)((it) => {
    it.effect(
      "after every recalculation each year deducts its column, taxed accordingly, and no loss is over-used",
      () =>
        Effect.gen(function* () {
          const runtime = yield* Effect.runtime<Policies | Recalculation | SqlClient.SqlClient>()
          let steps = 0
          yield* Effect.promise(() =>
            fc.assert(
              fc.asyncProperty(history, async (input) => {
                steps += await Runtime.runPromise(runtime)(runHistory(input))
              }),
              { numRuns: 25 }
            )
          )
          // The property ran recalculations, and the stored check agrees with it.
          assert.isTrue(steps > 25)
          assert.deepStrictEqual(yield* invariantBreaches(), [])
          assert.deepStrictEqual((yield* (yield* LossMatrixCheck).run()).violations, [])
        }),
      400_000
    )
  })
})
