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
        // The reads compare to the millisecond: no write below may share `before`'s millisecond.
        yield* sql`select pg_sleep(0.002)`
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

    it.effect("a person-year's final statements and transactions as they were at a time (audited, 0026)", () =>
      Effect.gen(function* () {
        const sql = yield* SqlClient.SqlClient
        const history = yield* History
        const { personTaxYears } = yield* personWithYears("0606066666", [2023, 2024])
        const pty = personTaxYears.get(2023)!
        // A moment to look back at, then 2 ms of quiet: the reads compare to the millisecond (a Date's precision), so a
        // write in the same millisecond as the moment would count as before it.
        const now = () =>
          sql<{ now: Date }>`select clock_timestamp() as now`.pipe(
            Effect.map((r) => r[0]!.now),
            Effect.tap(() => sql`select pg_sleep(0.002)`)
          )
        const [file] = yield* sql<{ id: string }>`insert into kas.file (kind, folder, name, size, content)
          values ('final_statement', 'final_statement', 's.pdf', 1, 'x') returning id::text as id`
        const statement = (personTaxYearId: number) =>
          sql<{ uuid: string }>`insert into kas.final_statement (person_tax_year_id, lock_id, pdf_file_id,
              interest_on_remainder, title)
            select ${personTaxYearId}, l.id, ${file!.id}::uuid, 1.25, 'Slutopgørelse' from kas.lock l
            join kas.person_tax_year pty on pty.tax_year_id = l.tax_year_id where pty.id = ${personTaxYearId}
            returning uuid::text as uuid`.pipe(Effect.map((r) => r[0]!.uuid))
        const transaction = (statementUuid: string, amount: number) =>
          sql<{ uuid: string }>`insert into kas.transaction (person_tax_year_id, amount, type, final_statement_uuid)
            select person_tax_year_id, ${amount}, 'prisme10q', uuid from kas.final_statement
            where uuid = ${statementUuid}::uuid returning uuid::text as uuid`.pipe(Effect.map((r) => r[0]!.uuid))

        const empty = yield* now()
        const first = yield* statement(pty)
        const charge = yield* transaction(first, 1500)
        yield* statement(personTaxYears.get(2024)!) // another person-year's
        const created = yield* now()
        // Sent, then invalidated with its transaction cancelled and a new statement with a refund.
        yield* sql`update kas.final_statement set status = 'send', send_at = clock_timestamp(), message_id = 'm-1'
          where uuid = ${first}::uuid`
        const sent = yield* now()
        yield* sql`update kas.final_statement set invalid = true where uuid = ${first}::uuid`
        yield* sql`update kas.transaction set status = 'cancelled' where uuid = ${charge}::uuid`
        const second = yield* statement(pty)
        const refund = yield* transaction(second, -300)
        const later = yield* now()
        // A deleted transaction is gone from then on.
        yield* sql`delete from kas.transaction where uuid = ${refund}::uuid`

        const atEmpty = yield* history.statementsAt(pty, empty)
        assert.deepStrictEqual([atEmpty.statements.length, atEmpty.transactions.length], [0, 0])

        const atCreated = yield* history.statementsAt(pty, created)
        assert.deepStrictEqual(
          atCreated.statements.map((s) => [s.uuid, s.status, s.invalid, s.send_at, s.interest_on_remainder, s.title]),
          [[first, "created", false, null, 1.25, "Slutopgørelse"]]
        )
        assert.instanceOf(atCreated.statements[0]!.created_at, Date)
        assert.deepStrictEqual(
          atCreated.transactions.map((t) => [t.uuid, t.status, t.amount, t.final_statement_uuid]),
          [[charge, "created", 1500, first]]
        )

        const atSent = yield* history.statementsAt(pty, sent)
        assert.deepStrictEqual(
          atSent.statements.map((s) => [s.status, s.invalid, s.message_id]),
          [["send", false, "m-1"]]
        )
        assert.instanceOf(atSent.statements[0]!.send_at, Date)

        const atLater = yield* history.statementsAt(pty, later)
        // Newest first, as the tab; the first one invalid by then, its charge cancelled, the refund there.
        assert.deepStrictEqual(
          atLater.statements.map((s) => [s.uuid, s.invalid]),
          [
            [second, false],
            [first, true]
          ]
        )
        assert.deepStrictEqual(
          atLater.transactions.map((t) => [t.uuid, t.status, t.amount]),
          [
            [charge, "cancelled", 1500],
            [refund, "created", -300]
          ]
        )
        const atEnd = yield* history.statementsAt(pty, yield* now())
        assert.deepStrictEqual(
          atEnd.transactions.map((t) => t.uuid),
          [charge]
        )
      })
    )
  })
})
