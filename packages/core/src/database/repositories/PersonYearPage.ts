import { SqlError } from "@effect/sql/SqlError"
import { Effect, Schema } from "effect"
import { NotFound } from "../../domain/DomainError.js"
import { Transaction } from "../../domain/FinalStatement.js"
import { HistoryEntry } from "../../domain/History.js"
import { Note, PolicyDocument } from "../../domain/Note.js"
import { PensionCompany } from "../../domain/PensionCompany.js"
import { Person } from "../../domain/Person.js"
import { PersonTaxYear } from "../../domain/PersonTaxYear.js"
import { PolicyTaxYear } from "../../domain/PolicyTaxYear.js"
import { TaxYear } from "../../domain/TaxYear.js"
import { asRow } from "../internal/JsonRow.js"
import { PgPool } from "../PgPool.js"

type Json = Record<string, unknown>

const decode = <A, I>(schema: Schema.Schema<A, I>) => {
  const many = Schema.decodeUnknown(Schema.Array(schema))
  return (rows: ReadonlyArray<Json> | null) => many(rows ?? []).pipe(Effect.orDie)
}
const decodePersons = decode(Person)
const decodePersonYears = decode(PersonTaxYear)
const decodeTaxYears = decode(TaxYear)
const decodePolicies = decode(PolicyTaxYear)
const decodeCompanies = decode(PensionCompany)
const decodeNotes = decode(Note)
const decodeDocuments = decode(PolicyDocument)
const decodeEntries = decode(HistoryEntry)
const decodeTransactions = decode(Transaction)

/**
 * Everything the person-year page reads from `kas` (staff-web.md §6), in one statement: the rows as JSON, each list in
 * the order its own repository method gives it (`Persons`, `TaxYears`, `Policies`, `Companies`, `Notes`,
 * `History.firstEntries`, `Transactions`). The page is the case workers' most visited one; ten statements, each with
 * its fiber, round trip, parse and plan, cost several times what their rows do. It runs as a prepared statement on
 * the plain pool (`PgPool`, as `CitizenOverview`): planned once per connection, no statement compilation per view.
 */
const PAGE = `with pty as (
    select pty.* from kas.person_tax_year pty join kas.tax_year ty on ty.id = pty.tax_year_id
    where pty.person_id = $1 and ty.year = $2
  ), policies as (
    select p.* from kas.policy_tax_year p where p.person_tax_year_id = (select id from pty)
  ), notes as (
    select n.* from kas.note n where n.person_tax_year_id = (select id from pty)
  )
  select
    (select to_jsonb(p) from kas.person p where p.id = $1) as person,
    (select to_jsonb(pty) from pty) as person_tax_year,
    (select jsonb_agg(jsonb_build_object('id', ty.id, 'year', ty.year, 'year_part', ty.year_part,
        'rate_text_for_transactions', ty.rate_text_for_transactions) order by ty.year desc)
      from kas.tax_year ty where ty.id in (select tax_year_id from kas.person_tax_year where person_id = $1)) as years,
    (select jsonb_agg(to_jsonb(p) order by p.pension_company_id, p.policy_number) from policies p) as policies,
    (select jsonb_agg(to_jsonb(c) order by c.name nulls last, c.id) from kas.pension_company c
      where c.id in (select pension_company_id from policies)) as companies,
    (select jsonb_agg(to_jsonb(n) order by n.date, n.id) from notes n) as notes,
    (select jsonb_agg(to_jsonb(d) order by d.uploaded_at, d.id) from kas.policy_document d
      where d.person_tax_year_id = (select id from pty)) as documents,
    (select jsonb_agg(to_jsonb(h)) from (
        select distinct on (entity_id) h.history_id::text as history_id, entity_type, entity_id, history_date,
          history_user, history_type, change_reason, snapshot
        from kas.history h where entity_type = 'Note' and entity_id in (select id::text from notes)
        order by entity_id, h.history_id
      ) h) as note_creations,
    case when $3 then (select jsonb_agg(to_jsonb(t) order by t.created_at, t.uuid) from kas.transaction t
      where t.person_tax_year_id = (select id from pty)) end as transactions`

interface PageRow {
  readonly person: Json | null
  readonly person_tax_year: Json | null
  readonly years: ReadonlyArray<Json> | null
  readonly policies: ReadonlyArray<Json> | null
  readonly companies: ReadonlyArray<Json> | null
  readonly notes: ReadonlyArray<Json> | null
  readonly documents: ReadonlyArray<Json> | null
  readonly note_creations: ReadonlyArray<Json> | null
  readonly transactions: ReadonlyArray<Json> | null
}

/** What the person-year page reads (staff-web.md §6), in one prepared statement on the plain pool (`PgPool`). */
export class PersonYearPage extends Effect.Service<PersonYearPage>()("@kas/core/PersonYearPage", {
  effect: Effect.gen(function* () {
    const pool = yield* PgPool
    const query = (values: ReadonlyArray<unknown>) =>
      Effect.tryPromise({
        try: () => pool.query<PageRow>({ name: "kas_person_year_page", text: PAGE, values: [...values] }),
        catch: (cause) => new SqlError({ cause, message: "Failed to read the person-year page" })
      })
    return {
      /**
       * The person, their person-year of `year`, the tax years they have (newest first), the year's policies with
       * their companies, its notes (with each note's first history entry, by note id) and documents, and, with
       * `transactions`, its transactions. NotFound for an unknown person or a year the person does not have.
       */
      load: Effect.fn("PersonYearPage.load")(function* (
        personId: number,
        year: number,
        options: { readonly transactions: boolean }
      ) {
        const row = (yield* query([personId, year, options.transactions])).rows[0]!
        const [person] = yield* decodePersons(row.person === null ? [] : [row.person])
        if (person === undefined) return yield* Effect.fail(NotFound.of("Person", personId))
        const [personYear] = yield* decodePersonYears(row.person_tax_year === null ? [] : [row.person_tax_year])
        if (personYear === undefined) return yield* Effect.fail(NotFound.of("Personskatteår", `${person.cpr}/${year}`))
        const years = yield* decodeTaxYears(row.years)
        const created = yield* decodeEntries((row.note_creations ?? []).map((e) => asRow(e, ["history_date"])))
        return {
          person,
          personYear,
          taxYear: years.find((y) => y.id === personYear.tax_year_id)!,
          years,
          policies: yield* decodePolicies(row.policies),
          companies: new Map((yield* decodeCompanies(row.companies)).map((c) => [c.id, c])),
          notes: yield* decodeNotes((row.notes ?? []).map((n) => asRow(n, ["date"]))),
          created: new Map(created.map((e) => [e.entity_id, e])),
          documents: yield* decodeDocuments((row.documents ?? []).map((d) => asRow(d, ["uploaded_at"]))),
          transactions: yield* decodeTransactions((row.transactions ?? []).map((t) => asRow(t, ["created_at"])))
        }
      })
    }
  })
}) {}
