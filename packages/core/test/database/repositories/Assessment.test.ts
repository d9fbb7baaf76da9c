import { SqlClient } from "@effect/sql"
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { Assessment, History, Notes, Persons, Policies, Reasons, SystemUsers, TaxYears } from "../../../src/index.js"
import { company, domainLayer, personWithYears } from "../fixtures.js"

describe("autoligning and forced finalization", () => {
  it.layer(domainLayer)((it) => {
    it.effect("sends policies with changes, citizen creation or notes to efterbehandling, the rest to slutlignet", () =>
      Effect.gen(function* () {
        const sql = yield* SqlClient.SqlClient
        const assessment = yield* Assessment
        const policies = yield* Policies
        const taxYears = yield* TaxYears
        const users = yield* SystemUsers
        const c = yield* company(88888888)
        const plain = yield* personWithYears("0808080001", [2025])
        const noted = yield* personWithYears("0808080002", [2025])
        const citizen = yield* personWithYears("0808080003", [2025])
        const make = (pty: number, number: string, author: string) =>
          policies.create(
            { person_tax_year_id: pty, pension_company_id: c, policy_number: number, prefilled_amount: 10_000 },
            author
          )
        const a = yield* make(plain.personTaxYears.get(2025)!, "A", "importer")
        const b = yield* make(noted.personTaxYears.get(2025)!, "B", "importer")
        const r = yield* make(citizen.personTaxYears.get(2025)!, "R", "rest")
        yield* (yield* Notes).addNote(
          { person_tax_year_id: noted.personTaxYears.get(2025)! },
          yield* users.idOf("staff"),
          "Se bilag",
          "staff"
        )
        yield* (yield* Persons).updateNotes(
          plain.personTaxYears.get(2025)!,
          { foreign_pension_notes: "x", general_notes: "  \n" },
          "0808080001",
          null
        )
        yield* users.idOf("rest")
        const year = yield* taxYears.getByYear(2025)

        const result = yield* assessment.autoligning(year.id, "jobstarter")
        assert.deepStrictEqual(result, { autolignet: 1, post_processing: 2, total: 3 })
        assert.strictEqual((yield* taxYears.get(year.id)).year_part, "ligning")
        const after = (id: number) =>
          policies.get(id).pipe(Effect.map((p) => [p.slutlignet, p.efterbehandling, p.base_calculation_amount]))
        assert.deepStrictEqual(yield* after(a.id), [true, false, 10_000])
        assert.deepStrictEqual(yield* after(b.id), [false, true, 10_000])
        assert.deepStrictEqual(yield* after(r.id), [false, true, 10_000])
        const last = (yield* (yield* History).historyOf("PolicyTaxYear", a.id)).at(-1)!
        assert.deepStrictEqual(
          [last.history_type, last.history_user, last.change_reason],
          ["~", "jobstarter", Reasons.autoligning]
        )

        const again = yield* Effect.flip(assessment.autoligning(year.id, "jobstarter"))
        assert.strictEqual(again.message, "Kan kun Kør autoligning år som er i perioden selvangivelse")

        const forced = yield* assessment.forceFinalize(year.id, "jobstarter")
        assert.strictEqual(forced, 2)
        assert.deepStrictEqual(yield* after(b.id), [true, true, 10_000])
        const reasons = yield* sql<{ change_reason: string }>`select change_reason from kas.history
          where entity_type = 'PolicyTaxYear' and entity_id = ${String(r.id)} order by history_id desc limit 1`
        assert.strictEqual(reasons[0]!.change_reason, Reasons.forcedFinalization)
      })
    )
  })
})
