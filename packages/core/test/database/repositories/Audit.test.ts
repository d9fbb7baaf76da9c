import { SqlClient } from "@effect/sql"
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import {
  Cpr,
  History,
  Notes,
  Persons,
  Policies,
  PersonYearRules,
  Reasons,
  Recalculation,
  SystemUsers
} from "../../../src/index.js"
import { company, domainLayer, ensureYears } from "../fixtures.js"

const person = (cpr: string, name: string) => ({
  cpr: Cpr.make(cpr),
  name,
  municipality_code: 956,
  municipality_name: "Sermersooq",
  address_line_1: "Aqqusinersuaq 1",
  address_line_2: null,
  address_line_3: null,
  address_line_4: null,
  address_line_5: null,
  full_address: null
})

const trail = (entity: Parameters<History["historyOf"]>[0], id: number) =>
  Effect.flatMap(History, (h) => h.historyOf(entity, id)).pipe(
    Effect.map((entries) => entries.map((e) => [e.history_type, e.history_user, e.change_reason]))
  )

describe("audit history", () => {
  it.layer(domainLayer)((it) => {
    it.effect("every kind of change writes one entry with author and reason; a no-op save writes none", () =>
      Effect.gen(function* () {
        const persons = yield* Persons
        const notes = yield* Notes
        const policies = yield* Policies
        const years = yield* ensureYears([2023])
        yield* persons.upsertImported([person("0505055555", "Aka")], "importer")
        yield* persons.upsertImported([person("0505055555", "Aka")], "importer")
        yield* persons.upsertImported([person("0505055555", "Aka Berthelsen")], "importer")
        const p = yield* persons.getByCpr(Cpr.make("0505055555"))
        assert.deepStrictEqual(yield* trail("Person", p.id), [
          ["+", "importer", Reasons.createdByImport],
          ["~", "importer", Reasons.updatedByImport]
        ])

        const { all } = yield* persons.ensurePersonTaxYears(
          [{ person_id: p.id, tax_year_id: years.get(2023)! }],
          "importer"
        )
        const pty = all[0]!.id
        yield* persons.updateNotes(
          pty,
          { foreign_pension_notes: "Pension i DK", general_notes: null },
          "0505055555",
          Reasons.selfServiceSubmitted
        )
        yield* persons.updateNotes(
          pty,
          { foreign_pension_notes: "Pension i DK", general_notes: null },
          "0505055555",
          Reasons.selfServiceSubmitted
        )
        assert.deepStrictEqual(yield* trail("PersonTaxYear", pty), [
          ["+", "importer", Reasons.createdByImport],
          ["~", "0505055555", Reasons.selfServiceSubmitted]
        ])

        const entry = {
          person_tax_year_id: pty,
          imported_census_id: "6f1c3c1e-0000-4000-8000-000000000001",
          number_of_days: 200,
          fully_tax_liable: true
        }
        yield* persons.upsertCensusEntries([entry], "importer")
        yield* persons.upsertCensusEntries([entry], "importer")
        yield* persons.upsertCensusEntries([{ ...entry, number_of_days: 365 }], "importer")
        const [census] = yield* persons.censusEntriesOf(pty)
        assert.deepStrictEqual(yield* trail("CensusEntry", census!.id), [
          ["+", "importer", Reasons.createdByImport],
          ["~", "importer", Reasons.updatedByImport]
        ])

        const c = yield* company(55555555)
        const policy = yield* policies.create(
          { person_tax_year_id: pty, pension_company_id: c, policy_number: "P-1", prefilled_amount: 1000 },
          "staff"
        )
        // Created and calculated in one transaction: one entry, with the calculated values.
        const policyTrail = yield* (yield* History).historyOf("PolicyTaxYear", policy.id)
        assert.deepStrictEqual(
          policyTrail.map((e) => [e.history_type, e.history_user, e.change_reason]),
          [["+", "staff", Reasons.recalcPolicyCreated]]
        )
        assert.strictEqual(policyTrail[0]!.snapshot.calculated_result, 153)

        const staffId = yield* (yield* SystemUsers).idOf("sagsbehandler1")
        const note = yield* notes.addNote({ person_tax_year_id: pty }, staffId, "Ring til borgeren", "sagsbehandler1")
        yield* notes.editNote(note.id, staffId, "Ring til borgeren", "sagsbehandler1")
        yield* notes.editNote(note.id, staffId, "Borgeren er ringet op", "sagsbehandler1")
        assert.deepStrictEqual(yield* trail("Note", note.id), [
          ["+", "sagsbehandler1", null],
          ["~", "sagsbehandler1", null]
        ])
        assert.strictEqual((yield* persons.getPersonTaxYear(pty)).all_documents_and_notes_handled, false)

        const doc = yield* notes.addDocument(
          { person_tax_year_id: pty, policy_tax_year_id: policy.id },
          { name: "kontoudtog.pdf", description: "", content: new TextEncoder().encode("%PDF-1.4") },
          null,
          "0505055555"
        )
        yield* notes.removeDocument(doc.id, "0505055555")
        assert.deepStrictEqual(yield* trail("PolicyDocument", doc.id), [
          ["+", "0505055555", null],
          ["-", "0505055555", null]
        ])
        const sql = yield* SqlClient.SqlClient
        assert.strictEqual((yield* sql`select 1 from kas.file where id = ${doc.file_id}`).length, 0)
      })
    )

    it.effect("the state of a row at a time is its newest version at or before that time", () =>
      Effect.gen(function* () {
        const persons = yield* Persons
        const history = yield* History
        yield* persons.upsertImported([person("0606066666", "Første")], "importer")
        yield* persons.upsertImported([person("0606066666", "Anden")], "importer")
        const p = yield* persons.getByCpr(Cpr.make("0606066666"))
        const [v1, v2] = yield* history.historyOf("Person", p.id)
        assert.strictEqual((yield* history.stateAt("Person", p.id, v1!.history_date))!.snapshot.name, "Første")
        assert.strictEqual((yield* history.stateAt("Person", p.id, v2!.history_date))!.snapshot.name, "Anden")
        assert.strictEqual(yield* history.stateAt("Person", p.id, new Date(v1!.history_date.getTime() - 1)), null)
        assert.strictEqual((yield* history.version(v1!.history_id))!.snapshot.cpr, "0606066666")
      })
    )

    it.effect("a census change recalculates the policies and adds the system note by admin", () =>
      Effect.gen(function* () {
        const persons = yield* Persons
        const policies = yield* Policies
        const recalculation = yield* Recalculation
        const years = yield* ensureYears([2022])
        yield* persons.upsertImported([person("0707077777", "Nuka")], "importer")
        const p = yield* persons.getByCpr(Cpr.make("0707077777"))
        const { all } = yield* persons.ensurePersonTaxYears(
          [{ person_id: p.id, tax_year_id: years.get(2022)! }],
          "importer"
        )
        const pty = all[0]!.id
        const c = yield* company(77777777)
        const policy = yield* policies.create(
          { person_tax_year_id: pty, pension_company_id: c, policy_number: "N-1", prefilled_amount: 36500 },
          "staff"
        )
        assert.strictEqual(policy.calculated_result, 5584)
        const entry = {
          person_tax_year_id: pty,
          imported_census_id: "6f1c3c1e-0000-4000-8000-000000000002",
          number_of_days: 100,
          fully_tax_liable: true
        }
        const { personTaxYearIds } = yield* persons.upsertCensusEntries([entry], "importer")
        const result = yield* recalculation.recalculatePersonTaxYears(personTaxYearIds, Reasons.recalcCensus)
        assert.deepStrictEqual(result, { changedPersonTaxYears: [pty], notes: 1 })
        const after = yield* policies.get(policy.id)
        assert.strictEqual(after.year_adjusted_amount, 10000)
        assert.strictEqual(after.calculated_result, 1530)
        const [note] = yield* (yield* Notes).listNotes(pty)
        assert.strictEqual(note!.content, PersonYearRules.censusChangeNote(2022))
        assert.strictEqual(note!.policy_tax_year_id, policy.id)
        assert.strictEqual(note!.author_id, yield* (yield* SystemUsers).idOf("admin"))
        // Running it again changes nothing and adds no note.
        assert.deepStrictEqual(yield* recalculation.recalculatePersonTaxYear(pty, Reasons.recalcCensus), {
          changedPersonTaxYears: [],
          notes: 0
        })
      })
    )
  })
})
