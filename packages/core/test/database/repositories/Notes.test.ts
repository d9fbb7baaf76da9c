import { SqlClient } from "@effect/sql"
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { Notes, Policies } from "../../../src/index.js"
import { company, domainLayer, personWithYears } from "../fixtures.js"

const pdf = new TextEncoder().encode("%PDF-1.4 bilag")
const author = { id: 7, username: "sagsbehandler" }

describe("Notes: the staff page 'Tilføj bilag/notater' (staff-web.md §7)", () => {
  it.layer(domainLayer)((it) => {
    it.effect("person level: the note and the file in one transaction; the person-year is no longer handled", () =>
      Effect.gen(function* () {
        const sql = yield* SqlClient.SqlClient
        const notes = yield* Notes
        const { personTaxYears } = yield* personWithYears("0101011111", [2023])
        const pty = personTaxYears.get(2023)!
        const [mark] = yield* sql<{ id: string }>`select coalesce(max(history_id), 0)::text as id from kas.history`
        const added = yield* notes.addNotesAttachments(
          { person_tax_year_id: pty },
          {
            note: "Ringede",
            file: { name: "a.pdf", description: "Kopi", contentType: "application/pdf", content: pdf }
          },
          author
        )
        assert.strictEqual(added.dateChanged, false)
        const note = yield* notes.getNote(added.note!)
        assert.deepStrictEqual([note.content, note.author_id, note.policy_tax_year_id], ["Ringede", 7, null])
        const { document, file } = yield* notes.documentFile(added.document!)
        assert.deepStrictEqual(
          [document.name, document.description, document.uploaded_by_id, file.contentType, file.folder],
          ["a.pdf", "Kopi", 7, "application/pdf", "policy_document/2023"]
        )
        assert.deepStrictEqual(file.content, pdf)
        const [row] = yield* sql<{ handled: boolean }>`select all_documents_and_notes_handled as handled
          from kas.person_tax_year where id = ${pty}`
        assert.strictEqual(row!.handled, false)
        const users = yield* sql<{ entity_type: string; history_user: string }>`select entity_type, history_user
          from kas.history where history_id > ${mark!.id}::bigint order by history_id`
        assert.deepStrictEqual(
          users.map((u) => [u.entity_type, u.history_user]),
          [
            ["Note", "sagsbehandler"],
            ["PolicyDocument", "sagsbehandler"],
            ["PersonTaxYear", "sagsbehandler"]
          ]
        )
      })
    )

    it.effect("policy level: a note or a changed date sends the policy to efterbehandling; the flag stays", () =>
      Effect.gen(function* () {
        const sql = yield* SqlClient.SqlClient
        const notes = yield* Notes
        const { personTaxYears } = yield* personWithYears("0202022222", [2023])
        const pty = personTaxYears.get(2023)!
        const companyId = yield* company(3001)
        const policy = yield* Effect.flatMap(Policies, (p) =>
          p.create({ person_tax_year_id: pty, pension_company_id: companyId, policy_number: "P-1" }, "test")
        )
        const flags = () =>
          sql<{ slutlignet: boolean; efterbehandling: boolean; next: string | null; handled: boolean }>`
            select p.slutlignet, p.efterbehandling, p.next_processing_date::text as next,
              pty.all_documents_and_notes_handled as handled
            from kas.policy_tax_year p join kas.person_tax_year pty on pty.id = p.person_tax_year_id
            where p.id = ${policy.id}`.pipe(Effect.map((r) => r[0]!))
        yield* sql`update kas.policy_tax_year set slutlignet = true where id = ${policy.id}`
        // The same date as before: nothing changes.
        const same = yield* notes.addNotesAttachments(
          { person_tax_year_id: pty, policy_tax_year_id: policy.id },
          { note: null, file: null, nextProcessingDate: null },
          author
        )
        assert.deepStrictEqual(same, { note: null, document: null, dateChanged: false })
        assert.deepStrictEqual(yield* flags(), { slutlignet: true, efterbehandling: false, next: null, handled: true })
        yield* notes.addNotesAttachments(
          { person_tax_year_id: pty, policy_tax_year_id: policy.id },
          { note: null, file: null, nextProcessingDate: "2024-05-01" },
          author
        )
        assert.deepStrictEqual(yield* flags(), {
          slutlignet: false,
          efterbehandling: true,
          next: "2024-05-01",
          handled: true
        })
        yield* notes.addNotesAttachments(
          { person_tax_year_id: pty, policy_tax_year_id: policy.id },
          { note: "Om policen", file: null },
          author
        )
        const ofPolicy = yield* notes.listNotesOfPolicy(policy.id)
        assert.deepStrictEqual(
          ofPolicy.map((n) => [n.content, n.person_tax_year_id]),
          [["Om policen", pty]]
        )
        assert.strictEqual((yield* notes.listDocumentsOfPolicy(policy.id)).length, 0)
        assert.strictEqual((yield* flags()).handled, true)
      })
    )

    it.effect("withAttachments: the edit, then every note and file in order, or nothing when any part fails", () =>
      Effect.gen(function* () {
        const sql = yield* SqlClient.SqlClient
        const notes = yield* Notes
        const { personTaxYears } = yield* personWithYears("0404044444", [2023])
        const pty = personTaxYears.get(2023)!
        const companyId = yield* company(3002)
        const policy = yield* Effect.flatMap(Policies, (p) =>
          p.create({ person_tax_year_id: pty, pension_company_id: companyId, policy_number: "W-1" }, "test")
        )
        const file = (name: string, description: string) => ({
          name,
          description,
          contentType: "application/pdf",
          content: pdf
        })
        const counts = () =>
          sql<{ notes: number; documents: number; files: number }>`select
              (select count(*)::int from kas.note) as notes,
              (select count(*)::int from kas.policy_document) as documents,
              (select count(*)::int from kas.file) as files`.pipe(Effect.map((r) => r[0]!))
        const before = yield* counts()
        const edit = sql`update kas.policy_tax_year set policy_number = 'W-2' where id = ${policy.id}`
        // The edit's refusal rolls back; so does a file the store refuses after the edit and the notes.
        const refused = yield* Effect.either(
          notes.withAttachments(
            Effect.zipRight(edit, Effect.fail("refused" as const)),
            policy.id,
            { notes: ["a"], files: [] },
            author
          )
        )
        assert.deepStrictEqual(refused._tag, "Left")
        const broken = yield* Effect.either(
          notes.withAttachments(
            edit,
            policy.id,
            { notes: ["a", "b"], files: [file("ok.pdf", "Ok"), file("a\u0000.pdf", "")] },
            author
          )
        )
        assert.deepStrictEqual(broken._tag, "Left")
        assert.deepStrictEqual(yield* counts(), before)
        assert.strictEqual((yield* Effect.flatMap(Policies, (p) => p.get(policy.id))).policy_number, "W-1")

        yield* notes.withAttachments(
          edit,
          policy.id,
          { notes: ["Første", "Anden"], files: [file("1.pdf", "Et"), file("2.pdf", "To")] },
          author
        )
        assert.deepStrictEqual(yield* counts(), {
          notes: before.notes + 2,
          documents: before.documents + 2,
          files: before.files + 2
        })
        assert.deepStrictEqual(
          (yield* notes.listNotesOfPolicy(policy.id)).map((n) => [n.content, n.person_tax_year_id, n.author_id]),
          [
            ["Første", pty, 7],
            ["Anden", pty, 7]
          ]
        )
        assert.deepStrictEqual(
          (yield* notes.listDocumentsOfPolicy(policy.id)).map((d) => [d.name, d.description]),
          [
            ["1.pdf", "Et"],
            ["2.pdf", "To"]
          ]
        )
        assert.strictEqual((yield* Effect.flatMap(Policies, (p) => p.get(policy.id))).policy_number, "W-2")
      })
    )

    it.effect("a failing file store writes nothing", () =>
      Effect.gen(function* () {
        const sql = yield* SqlClient.SqlClient
        const notes = yield* Notes
        const { personTaxYears } = yield* personWithYears("0303033333", [2023])
        const pty = personTaxYears.get(2023)!
        const before = yield* sql<{ n: number }>`select count(*)::int as n from kas.note`
        // A NUL byte in the name: PostgreSQL refuses the file, so the note is rolled back too.
        const failed = yield* Effect.either(
          notes.addNotesAttachments(
            { person_tax_year_id: pty },
            { note: "x", file: { name: "a\u0000.pdf", description: "", contentType: "application/pdf", content: pdf } },
            author
          )
        )
        assert.isTrue(failed._tag === "Left")
        assert.deepStrictEqual(yield* sql<{ n: number }>`select count(*)::int as n from kas.note`, before)
      })
    )
  })
})
