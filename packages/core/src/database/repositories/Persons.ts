import { SqlClient } from "@effect/sql"
import { Effect, Schema } from "effect"
import { NotFound } from "../../domain/DomainError.js"
import { Reasons } from "../../domain/History.js"
import type { Cpr } from "../../domain/Cpr.js"
import { Person } from "../../domain/Person.js"
import { CensusEntry, PersonTaxYear } from "../../domain/PersonTaxYear.js"
import { type AuditAuthor, setAuditContextOn } from "./Audit.js"

const decodePersons = Schema.decodeUnknown(Schema.Array(Person))
const decodeYears = Schema.decodeUnknown(Schema.Array(PersonTaxYear))
const decodeCensus = Schema.decodeUnknown(Schema.Array(CensusEntry))

/** The person fields the census import writes (eskat.md §8.1). */
export interface ImportedPerson {
  readonly cpr: Cpr
  readonly name: string | null
  readonly municipality_code: number | null
  readonly municipality_name: string | null
  readonly address_line_1: string | null
  readonly address_line_2: string | null
  readonly address_line_3: string | null
  readonly address_line_4: string | null
  readonly address_line_5: string | null
  readonly full_address: string | null
}

/** One census entry as imported. */
export interface ImportedCensusEntry {
  readonly person_tax_year_id: number
  readonly imported_census_id: string
  readonly number_of_days: number | null
  readonly fully_tax_liable: boolean
}

const personColumns = [
  "name",
  "municipality_code",
  "municipality_name",
  "address_line_1",
  "address_line_2",
  "address_line_3",
  "address_line_4",
  "address_line_5",
  "full_address"
] as const
const personTypes = ["text", "int", "text", "text", "text", "text", "text", "text", "text"] as const

/**
 * Persons, person-years and census entries (domain.md §2.3–§2.5): queries, and the set-based writes the census import
 * uses — each inserts or updates only what differs, with the import's audit reasons, in the caller's transaction.
 */
export class Persons extends Effect.Service<Persons>()("@kas/core/Persons", {
  effect: Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const first = <A>(rows: ReadonlyArray<A>, entity: string, key: string | number) =>
      rows[0] !== undefined ? Effect.succeed(rows[0]) : Effect.fail(NotFound.of(entity, key))

    return {
      /** Whether KAS holds no person at all (a database no census was imported into). */
      isEmpty: Effect.fn("Persons.isEmpty")(function* () {
        const rows = yield* sql<{ empty: boolean }>`select not exists (select 1 from kas.person) as empty`.pipe(
          Effect.orDie
        )
        return rows[0]?.empty ?? true
      }),
      /** A person by id. */
      get: Effect.fn("Persons.get")(function* (id: number) {
        return yield* first(
          yield* decodePersons(yield* sql`select * from kas.person where id = ${id}`).pipe(Effect.orDie),
          "Person",
          id
        )
      }),
      /** A person by CPR. */
      getByCpr: Effect.fn("Persons.getByCpr")(function* (cpr: Cpr) {
        return yield* first(
          yield* decodePersons(yield* sql`select * from kas.person where cpr = ${cpr}`).pipe(Effect.orDie),
          "Person",
          cpr
        )
      }),
      /** A person-year by id. */
      getPersonTaxYear: Effect.fn("Persons.getPersonTaxYear")(function* (id: number) {
        const rows = yield* decodeYears(yield* sql`select * from kas.person_tax_year where id = ${id}`).pipe(
          Effect.orDie
        )
        return yield* first(rows, "PersonTaxYear", id)
      }),
      /** The person-year of a CPR in a calendar year. */
      findPersonTaxYear: Effect.fn("Persons.findPersonTaxYear")(function* (cpr: Cpr, year: number) {
        const rows = yield* decodeYears(
          yield* sql`select pty.* from kas.person_tax_year pty
          join kas.person p on p.id = pty.person_id join kas.tax_year ty on ty.id = pty.tax_year_id
          where p.cpr = ${cpr} and ty.year = ${year}`
        ).pipe(Effect.orDie)
        return rows[0] ?? null
      }),
      /** A person's years, newest first. */
      personTaxYearsOf: Effect.fn("Persons.personTaxYearsOf")(function* (personId: number) {
        return yield* decodeYears(
          yield* sql`select pty.* from kas.person_tax_year pty
          join kas.tax_year ty on ty.id = pty.tax_year_id where pty.person_id = ${personId} order by ty.year desc`
        ).pipe(Effect.orDie)
      }),
      /** The census entries of a person-year. */
      censusEntriesOf: Effect.fn("Persons.censusEntriesOf")(function* (personTaxYearId: number) {
        return yield* decodeCensus(
          yield* sql`select * from kas.census_entry where person_tax_year_id = ${personTaxYearId}
          order by id`
        ).pipe(Effect.orDie)
      }),
      /**
       * Creates missing persons ("Created by import") and writes the fields that differ on existing ones ("Updated by
       * import"), set-based. Returns the CPRs created and updated.
       */
      upsertImported: Effect.fn("Persons.upsertImported")(function* (
        rows: ReadonlyArray<ImportedPerson>,
        author: AuditAuthor
      ) {
        if (rows.length === 0) return { created: [], updated: [] }
        const params = [rows.map((r) => r.cpr), ...personColumns.map((c) => rows.map((r) => r[c]))]
        const unnest = `unnest($1::text[], ${personTypes.map((t, i) => `$${i + 2}::${t}[]`).join(", ")})
          as u(cpr, ${personColumns.join(", ")})`
        return yield* sql.withTransaction(
          Effect.gen(function* () {
            yield* setAuditContextOn(sql, author, Reasons.createdByImport)
            const created = yield* sql.unsafe<{ cpr: string }>(
              `insert into kas.person (cpr, ${personColumns.join(", ")}) select * from ${unnest}
               on conflict (cpr) do nothing returning cpr`,
              params
            )
            // Every row inserted (then no CPR came twice): nothing can differ, the update is skipped (a first import).
            if (created.length === rows.length) return { created: created.map((r) => r.cpr), updated: [] }
            yield* setAuditContextOn(sql, author, Reasons.updatedByImport)
            const updated = yield* sql.unsafe<{ cpr: string }>(
              `update kas.person p set ${personColumns.map((c) => `${c} = u.${c}`).join(", ")} from ${unnest}
               where p.cpr = u.cpr and (${personColumns.map((c) => `p.${c}`).join(", ")})
                 is distinct from (${personColumns.map((c) => `u.${c}`).join(", ")})
               returning p.cpr`,
              params
            )
            return { created: created.map((r) => r.cpr), updated: updated.map((r) => r.cpr) }
          })
        )
      }),
      /**
       * Person-years for (person, tax year) pairs, created when missing; returns all ids and the created ones. A pair's
       * `census` is what a created person-year starts with (days and liability from its census entries, §7.1), so that
       * an import does not create it and then update it; without it the days are null and the person liable.
       */
      ensurePersonTaxYears: Effect.fn("Persons.ensurePersonTaxYears")(function* (
        pairs: ReadonlyArray<{
          readonly person_id: number
          readonly tax_year_id: number
          readonly census?: { readonly numberOfDays: number; readonly fullyTaxLiable: boolean } | undefined
        }>,
        author: AuditAuthor
      ) {
        type Row = { id: number; person_id: number; tax_year_id: number }
        const select = (of: typeof pairs) =>
          sql.unsafe<Row>(
            `select pty.id, pty.person_id, pty.tax_year_id from kas.person_tax_year pty
             join unnest($1::int[], $2::int[]) as u(p, t) on pty.person_id = u.p and pty.tax_year_id = u.t`,
            [of.map((p) => p.person_id), of.map((p) => p.tax_year_id)]
          )
        return yield* sql.withTransaction(
          Effect.gen(function* () {
            // Existing ones first, so that a repeated import only reads (no insert attempt per existing pair).
            const existing = yield* select(pairs)
            const have = new Set(existing.map((r) => `${r.person_id}:${r.tax_year_id}`))
            const missing = pairs.filter((p) => !have.has(`${p.person_id}:${p.tax_year_id}`))
            if (missing.length === 0) return { created: [], all: existing }
            yield* setAuditContextOn(sql, author, Reasons.createdByImport)
            const created = yield* sql.unsafe<Row>(
              `insert into kas.person_tax_year (person_id, tax_year_id, number_of_days, fully_tax_liable)
               select p, t, d, coalesce(l, true)
               from unnest($1::int[], $2::int[], $3::int[], $4::bool[]) as u(p, t, d, l)
               on conflict (tax_year_id, person_id) do nothing returning id, person_id, tax_year_id`,
              [
                missing.map((p) => p.person_id),
                missing.map((p) => p.tax_year_id),
                missing.map((p) => p.census?.numberOfDays ?? null),
                missing.map((p) => p.census?.fullyTaxLiable ?? null)
              ]
            )
            // One created meanwhile by someone else is not ours, but still one of `all`.
            const all = created.length === missing.length ? [...existing, ...created] : yield* select(pairs)
            return { created: created.map((r) => r.id), all }
          })
        )
      }),
      /** Census entries created or updated where they differ (import reasons). Returns the changed person-year ids. */
      upsertCensusEntries: Effect.fn("Persons.upsertCensusEntries")(function* (
        rows: ReadonlyArray<ImportedCensusEntry>,
        author: AuditAuthor
      ) {
        if (rows.length === 0) return { created: 0, updated: 0, personTaxYearIds: [] as ReadonlyArray<number> }
        const params = [
          rows.map((r) => r.person_tax_year_id),
          rows.map((r) => r.imported_census_id),
          rows.map((r) => r.number_of_days),
          rows.map((r) => r.fully_tax_liable)
        ]
        const unnest = `unnest($1::int[], $2::uuid[], $3::int[], $4::bool[]) as u(pty, guid, days, liable)`
        return yield* sql.withTransaction(
          Effect.gen(function* () {
            yield* setAuditContextOn(sql, author, Reasons.createdByImport)
            const created = yield* sql.unsafe<{ person_tax_year_id: number }>(
              `insert into kas.census_entry (person_tax_year_id, imported_census_id, number_of_days, fully_tax_liable)
               select * from ${unnest} on conflict (person_tax_year_id, imported_census_id) do nothing
               returning person_tax_year_id`,
              params
            )
            // Every row inserted (then no key came twice): nothing can differ, the update is skipped (a first import).
            if (created.length === rows.length) {
              const ids = [...new Set(created.map((r) => r.person_tax_year_id))]
              return { created: created.length, updated: 0, personTaxYearIds: ids }
            }
            yield* setAuditContextOn(sql, author, Reasons.updatedByImport)
            const updated = yield* sql.unsafe<{ person_tax_year_id: number }>(
              `update kas.census_entry c set number_of_days = u.days, fully_tax_liable = u.liable from ${unnest}
               where c.person_tax_year_id = u.pty and c.imported_census_id = u.guid
                 and (c.number_of_days, c.fully_tax_liable) is distinct from (u.days, u.liable)
               returning c.person_tax_year_id`,
              params
            )
            const ids = [...new Set([...created, ...updated].map((r) => r.person_tax_year_id))]
            return { created: created.length, updated: updated.length, personTaxYearIds: ids }
          })
        )
      }),
      /**
       * The R75 import's flags of person-years (eskat.md §8.2: corrected and future R75 data), set-based, written
       * where they differ ("Updated by import") in the caller's transaction. Returns the ids changed.
       */
      importR75Flags: Effect.fn("Persons.importR75Flags")(function* (
        flags: ReadonlyArray<{ readonly id: number; readonly corrected: boolean; readonly future: boolean }>,
        author: AuditAuthor
      ) {
        if (flags.length === 0) return [] as ReadonlyArray<number>
        yield* setAuditContextOn(sql, author, Reasons.updatedByImport)
        const rows = yield* sql<{ id: number }>`update kas.person_tax_year pty
          set corrected_r75_data = f.corrected, future_r75_data = f.future
          from unnest(${flags.map((f) => f.id)}::int[], ${flags.map((f) => f.corrected)}::bool[],
            ${flags.map((f) => f.future)}::bool[]) as f(id, corrected, future)
          where pty.id = f.id
            and (pty.corrected_r75_data, pty.future_r75_data) is distinct from (f.corrected, f.future)
          returning pty.id`
        return rows.map((r) => r.id)
      }),
      /** Staff/self-service edit of a person-year's free-text fields; no history when nothing changes. */
      updateNotes: Effect.fn("Persons.updateNotes")(function* (
        personTaxYearId: number,
        fields: { readonly foreign_pension_notes: string | null; readonly general_notes: string | null },
        author: AuditAuthor,
        reason: string | null
      ) {
        return yield* sql.withTransaction(
          Effect.gen(function* () {
            yield* setAuditContextOn(sql, author, reason)
            yield* sql`update kas.person_tax_year set foreign_pension_notes = ${fields.foreign_pension_notes},
              general_notes = ${fields.general_notes}, updated_by = ${author}
              where id = ${personTaxYearId} and (foreign_pension_notes, general_notes)
                is distinct from (${fields.foreign_pension_notes}::text, ${fields.general_notes}::text)`
          })
        )
      })
    }
  })
}) {}
