import { SqlClient } from "@effect/sql"
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { Assessment, History, Notes, Persons, Policies, Reasons, SystemUsers, TaxYears } from "../../../src/index.js"
import { company, domainLayer, personWithYears, policyOverYears } from "../fixtures.js"

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

    it.effect("imports and the recalculations they cause count as import; a staff edit's recalculation counts", () =>
      Effect.gen(function* () {
        const sql = yield* SqlClient.SqlClient
        const assessment = yield* Assessment
        const policies = yield* Policies
        const taxYears = yield* TaxYears
        yield* (yield* SystemUsers).idOf("rest")
        const c = yield* company(77777777)
        // Two citizens, each with one policy over 2022 (a loss, in ligning) and 2023 (a gain, in selvangivelse): a
        // change of the loss recalculates 2023, which uses it.
        const imported = yield* personWithYears("0707070001", [2022, 2023])
        const edited = yield* personWithYears("0707070002", [2022, 2023])
        const amounts = [
          [2022, -20_000],
          [2023, 10_000]
        ] as const
        const i = yield* policyOverYears(imported.personTaxYears, c, "I", amounts)
        const e = yield* policyOverYears(edited.personTaxYears, c, "E", amounts)
        yield* sql`update kas.tax_year set year_part = 'ligning' where year = 2022`
        yield* sql`update kas.tax_year set year_part = 'selvangivelse' where year = 2023`
        const lastReason = (id: number) =>
          sql<{ reason: string }>`select change_reason as reason from kas.history where entity_type = 'PolicyTaxYear'
            and entity_id = ${String(id)} order by history_id desc limit 1`.pipe(Effect.map((r) => r[0]?.reason))

        // The R75 import lowers the 2022 loss; the over-use correction recalculates 2023 with the import's reason.
        yield* sql.withTransaction(
          policies.importPrefilled({
            year: 2022,
            author: "importer",
            amounts: [{ id: i.get(2022)!, amount: "-5000" }],
            created: []
          })
        )
        assert.strictEqual(yield* lastReason(i.get(2023)!), Reasons.recalcR75)
        // A clerk's "Ret beløb" of the 2022 loss; the over-use correction recalculates 2023 ("Genberegning").
        yield* policies.editAmounts(
          e.get(2022)!,
          {
            prefilled_amount_edited: null,
            assessed_amount: -5000,
            foreign_paid_amount_actual: 0,
            preliminary_paid_amount: null,
            slutlignet: true
          },
          "sagsbehandler"
        )
        assert.strictEqual(yield* lastReason(e.get(2023)!), Reasons.recalculation)

        const year = yield* taxYears.getByYear(2023)
        yield* assessment.autoligning(year.id, "jobstarter")
        const after = (id: number) => policies.get(id).pipe(Effect.map((p) => [p.slutlignet, p.efterbehandling]))
        assert.deepStrictEqual(yield* after(i.get(2023)!), [true, false])
        assert.deepStrictEqual(yield* after(e.get(2023)!), [false, true])
      })
    )
  })
})
