import { SqlClient } from "@effect/sql"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import {
  Companies,
  History,
  Notes,
  Persons,
  PersonYearPage,
  Policies,
  TaxYears,
  Transactions
} from "../../../src/index.js"
import { PgPool } from "../../../src/database/PgPool.js"
import { company, domainLayer, personWithYears } from "../fixtures.js"

const author = { id: 7, username: "sagsbehandler" }

/** What the separate repositories answer for the page: the one statement must answer exactly this. */
const fromRepositories = (personId: number, year: number, transactions: boolean) =>
  Effect.gen(function* () {
    const persons = yield* Persons
    const person = yield* persons.get(personId)
    const personYear = (yield* persons.findPersonTaxYear(person.cpr, year))!
    const own = new Set((yield* persons.personTaxYearsOf(personId)).map((p) => p.tax_year_id))
    const years = (yield* Effect.flatMap(TaxYears, (t) => t.list())).filter((y) => own.has(y.id))
    const policies = yield* Effect.flatMap(Policies, (p) => p.listByPersonTaxYear(personYear.id))
    const companies = yield* Effect.flatMap(Companies, (c) => c.getMany(policies.map((p) => p.pension_company_id)))
    const notes = yield* Effect.flatMap(Notes, (n) => n.listNotes(personYear.id))
    return {
      person,
      personYear,
      taxYear: years.find((y) => y.id === personYear.tax_year_id)!,
      years,
      policies,
      companies: new Map(companies.map((c) => [c.id, c])),
      notes,
      created: yield* Effect.flatMap(History, (h) =>
        h.firstEntries(
          "Note",
          notes.map((n) => n.id)
        )
      ),
      documents: yield* Effect.flatMap(Notes, (n) => n.listDocuments(personYear.id)),
      transactions: transactions ? yield* Effect.flatMap(Transactions, (t) => t.listByPersonTaxYear(personYear.id)) : []
    }
  })

describe("PersonYearPage: the person-year page's read in one statement (staff-web.md §6)", () => {
  it.layer(PersonYearPage.Default.pipe(Layer.provide(PgPool.layer()), Layer.provideMerge(domainLayer)))((it) => {
    it.effect("answers what the repositories answer, each list in their order; NotFound for a missing one", () =>
      Effect.gen(function* () {
        const sql = yield* SqlClient.SqlClient
        const page = yield* PersonYearPage
        const policies = yield* Policies
        const notes = yield* Notes
        const { personId, personTaxYears } = yield* personWithYears("0909099999", [2022, 2023, 2024])
        const pty = personTaxYears.get(2023)!
        yield* sql`update kas.person set address_line_1 = 'Aqqusinersuaq 1', full_address = 'Aqqusinersuaq 1, Nuuk'
          where id = ${personId}`
        yield* sql`update kas.person_tax_year set number_of_days = 200, general_notes = 'Noter'
          where id = ${pty}`
        const pfa = yield* company(3001)
        const danica = yield* company(3002, true)
        for (const [c, number, amount] of [
          [danica, "B-2", 1000],
          [pfa, "Z-9", null],
          [pfa, "A-1", 2500]
        ] as const) {
          yield* policies.create(
            { person_tax_year_id: pty, pension_company_id: c, policy_number: number, prefilled_amount: amount },
            "sagsbehandler"
          )
        }
        yield* sql`update kas.policy_tax_year set next_processing_date = '2025-02-03', efterbehandling = true
          where policy_number = 'A-1'`
        yield* notes.addNotesAttachments({ person_tax_year_id: pty }, { note: "Første", file: null }, author)
        yield* notes.addNotesAttachments(
          { person_tax_year_id: pty },
          {
            note: "Anden",
            file: { name: "a.txt", description: "Bilag", contentType: "text/plain", content: new Uint8Array([65]) }
          },
          author
        )
        const [lock] = yield* sql<{ id: number }>`select l.id from kas.lock l
          join kas.person_tax_year p on p.tax_year_id = l.tax_year_id where p.id = ${pty}`
        const [file] = yield* sql<{ id: string }>`insert into kas.file (kind, folder, name, size, content)
          values ('final_statement', 'final_statement', 's.pdf', 1, 'x') returning id::text as id`
        const [statement] = yield* sql<{ uuid: string }>`insert into kas.final_statement (person_tax_year_id,
            lock_id, pdf_file_id) values (${pty}, ${lock!.id}, ${file!.id}::uuid) returning uuid::text as uuid`
        yield* sql`insert into kas.transaction (person_tax_year_id, amount, type, final_statement_uuid)
          values (${pty}, 1500, 'prisme10q', ${statement!.uuid}::uuid), (${pty}, -200, 'prepayment', null)`

        const loaded = yield* page.load(personId, 2023, { transactions: true })
        const expected = yield* fromRepositories(personId, 2023, true)
        assert.deepStrictEqual(loaded, expected)
        assert.deepStrictEqual(
          loaded.policies.map((p) => p.policy_number),
          expected.policies.map((p) => p.policy_number)
        )
        assert.strictEqual(loaded.policies.length, 3)
        assert.strictEqual(loaded.notes.length, 2)
        assert.strictEqual(loaded.created.size, 2)
        assert.strictEqual(loaded.documents.length, 1)
        assert.strictEqual(loaded.transactions.length, 2)
        assert.deepStrictEqual(
          loaded.years.map((y) => y.year),
          [2024, 2023, 2022]
        )
        assert.strictEqual(loaded.person.postal_address, "Aqqusinersuaq 1")
        // Without transactions, and a year with nothing in it.
        assert.deepStrictEqual((yield* page.load(personId, 2023, { transactions: false })).transactions, [])
        assert.deepStrictEqual(
          yield* page.load(personId, 2024, { transactions: true }),
          yield* fromRepositories(personId, 2024, true)
        )
        const missingYear = yield* Effect.flip(page.load(personId, 2019, { transactions: true }))
        assert.strictEqual(missingYear._tag, "NotFound")
        const missingPerson = yield* Effect.flip(page.load(999999, 2023, { transactions: true }))
        assert.strictEqual(missingPerson._tag, "NotFound")
      })
    )
  })
})
