import { SqlClient } from "@effect/sql"
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { History, Notes, Policies } from "../../../src/index.js"
import { company, domainLayer, personWithYears } from "../fixtures.js"

const author = { id: 1, username: "sagsbehandler" }

describe("History: the history pages' reads (staff-web.md §10)", () => {
  it.layer(domainLayer)((it) => {
    it.effect("a person-year's and a policy's timelines, with each entry's previous version; states at a time", () =>
      Effect.gen(function* () {
        const sql = yield* SqlClient.SqlClient
        const history = yield* History
        const notes = yield* Notes
        const policies = yield* Policies
        const { personId, personTaxYears } = yield* personWithYears("0505055555", [2023, 2024])
        const pty = personTaxYears.get(2023)!
        const c = yield* company(5001)
        const policy = yield* policies.create(
          { person_tax_year_id: pty, pension_company_id: c, policy_number: "H-1", self_reported_amount: 1000 },
          "sagsbehandler"
        )
        const other = yield* policies.create(
          {
            person_tax_year_id: personTaxYears.get(2024)!,
            pension_company_id: c,
            policy_number: "H-1",
            self_reported_amount: 1
          },
          "sagsbehandler"
        )
        const [before] = yield* sql<{ now: Date }>`select clock_timestamp() as now`
        yield* notes.addNotesAttachments({ person_tax_year_id: pty }, { note: "Person", file: null }, author)
        const added = yield* notes.addNotesAttachments(
          { person_tax_year_id: pty, policy_tax_year_id: policy.id },
          {
            note: "Police",
            file: { name: "a.txt", description: "", contentType: "text/plain", content: new Uint8Array([65]) }
          },
          author
        )
        yield* notes.removeDocument(added.document!, "sagsbehandler")

        const { entries, statements, taxSlips } = yield* history.personTaxYearTimeline(pty)
        assert.deepStrictEqual(statements, [])
        assert.deepStrictEqual(taxSlips, [])
        const kinds = new Set(entries.map((e) => `${e.entity_type}:${e.entity_id}`))
        assert.isTrue(kinds.has(`PersonTaxYear:${pty}`))
        assert.isTrue(kinds.has(`Person:${personId}`))
        assert.isTrue(kinds.has(`PolicyTaxYear:${policy.id}`))
        assert.isFalse(kinds.has(`PolicyTaxYear:${other.id}`))
        // The deleted document is there with its creation and deletion.
        const document = entries.filter((e) => e.entity_type === "PolicyDocument").map((e) => e.history_type)
        assert.deepStrictEqual(document, ["-", "+"])
        // Newest first; the handled flag's change carries the version before it.
        const ids = entries.map((e) => e.history_id)
        assert.deepStrictEqual(
          ids,
          [...ids].sort((a, b) => b - a)
        )
        const flag = entries.find((e) => e.entity_type === "PersonTaxYear" && e.history_type === "~")!
        assert.deepStrictEqual(
          [flag.previous?.all_documents_and_notes_handled, flag.snapshot.all_documents_and_notes_handled],
          [true, false]
        )
        assert.strictEqual(entries.find((e) => e.entity_type === "Person")!.previous, null)

        const ofPolicy = yield* history.policyTimeline(policy.id)
        assert.deepStrictEqual([...new Set(ofPolicy.map((e) => e.entity_type))].sort(), [
          "Note",
          "PolicyDocument",
          "PolicyTaxYear"
        ])
        assert.isFalse(ofPolicy.some((e) => e.entity_type === "Note" && e.snapshot.content === "Person"))

        // The person-year as it was before the notes: still handled.
        const states = yield* history.statesAt("PersonTaxYear", [pty, 999999], before!.now)
        assert.deepStrictEqual([...states.keys()], [String(pty)])
        assert.strictEqual(states.get(String(pty))!.snapshot.all_documents_and_notes_handled, true)
        assert.strictEqual((yield* history.statesAt("Note", [], before!.now)).size, 0)
        // The notes and documents then: none before; now the two notes (the document was deleted).
        const then = yield* history.attachmentsAt(pty, before!.now)
        assert.deepStrictEqual([then.notes.length, then.documents.length], [0, 0])
        const [after] = yield* sql<{ now: Date }>`select clock_timestamp() as now`
        const now = yield* history.attachmentsAt(pty, after!.now)
        assert.deepStrictEqual(
          now.notes.map((n) => n.snapshot.content),
          ["Person", "Police"]
        )
        assert.deepStrictEqual(now.documents, [])
        assert.strictEqual((yield* Effect.either(history.personTaxYearTimeline(999999)))._tag, "Left")
      })
    )
  })
})
