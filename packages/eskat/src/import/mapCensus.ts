import { SqlClient } from "@effect/sql"
import {
  Persons,
  PersonYearRules,
  DaysInYear,
  Reasons,
  Recalculation,
  setAuditContext,
  type AuditAuthor,
  type Cpr,
  type ImportedPerson
} from "@kas/core"
import { Effect } from "effect"
import { analyzeAfterBulk } from "../internal/bulk.js"

/** Counts of the mapping step (eskat.md §8.1, §9). */
export interface MapCounts {
  personsCreated: number
  personsUpdated: number
  personYearsCreated: number
  personYearsUpdated: number
  entriesCreated: number
  entriesUpdated: number
  /** The CPRs whose Person this run created or changed (what Datafordeler is asked about, integrations.md §4.2). */
  cprs: Array<string>
}

const CHUNK = 5000

interface ChunkRow extends ImportedPerson {
  readonly guid: string
  readonly days: number | null
  readonly liable: boolean
  /** The raw row was created or changed in this run, or its person does not exist yet. */
  readonly write_person: boolean
}

/**
 * §8.1: maps the raw census rows of a year (and a CPR) to Person, PersonTaxYear and CensusEntry, one chunk of raw
 * rows per transaction, through the domain's set-based `Persons` writes; then recomputes the touched person-years
 * through `Recalculation` (days, liability, policies, system notes; domain.md §7.1).
 */
export const mapCensus = (o: {
  readonly runId: string
  readonly year: number
  readonly taxYearId: number
  readonly cpr: Cpr | undefined
  readonly author: AuditAuthor
  readonly progress: (fraction: number) => Effect.Effect<void>
}) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const persons = yield* Persons
    const recalculation = yield* Recalculation
    const c: MapCounts = {
      personsCreated: 0,
      personsUpdated: 0,
      personYearsCreated: 0,
      personYearsUpdated: 0,
      entriesCreated: 0,
      entriesUpdated: 0,
      cprs: []
    }
    // The row count (progress) and the chunk starts, side by side: two reads of the year's raw rows.
    const [[{ n: total }], starts] = yield* Effect.all(
      [
        sql.unsafe<{ n: number }>(
          `select count(*)::int as n from eskat.imported_census_row
           where skatteaar = $1 and ($2::text is null or cpr = $2)`,
          [o.year, o.cpr ?? null]
        ),
        // Chunks of whole CPRs (a person's rows never straddle two chunks), so the chunks are independent and two run
        // side by side.
        sql.unsafe<{ cpr: string }>(
          `select cpr from (select cpr, row_number() over (order by cpr) as rn from (select distinct cpr
             from eskat.imported_census_row where skatteaar = $1 and ($2::text is null or cpr = $2)) d) x
           where rn % ${CHUNK} = 1 order by cpr`,
          [o.year, o.cpr ?? null]
        )
      ],
      { concurrency: "unbounded" }
    )
    const yearDays = DaysInYear.daysInYear(o.year)
    let done = 0
    yield* Effect.forEach(
      starts.map((s, i) => [s.cpr, starts[i + 1]?.cpr ?? null] as const),
      ([lo, hi]) =>
        Effect.gen(function* () {
          const rows = yield* sql.unsafe<ChunkRow>(
            `select r.pt_census_guid::text as guid, r.cpr, r.navn as name, r.kommune_no as municipality_code,
               r.kommune as municipality_name, r.adresselinje1 as address_line_1, r.adresselinje2 as address_line_2,
               r.adresselinje3 as address_line_3, r.adresselinje4 as address_line_4, r.adresselinje5 as address_line_5,
               r.fuld_adresse as full_address, r.skattedage as days,
               coalesce(lower(r.skatteomfang) = 'fuld skattepligtig', false) as liable,
               (coalesce(s.changed, false) or p.id is null) as write_person
             from eskat.imported_census_row r
             -- Looked up by key per row (offset 0): joined whole, both tables were scanned for every chunk.
             left join lateral (select s.changed from eskat.import_seen s
               where s.run_id = $4 and s.key = r.pt_census_guid offset 0) s on true
             left join lateral (select p.id from kas.person p where p.cpr = r.cpr offset 0) p on true
             where r.skatteaar = $1 and ($2::text is null or r.cpr = $2)
               and r.cpr >= $3 and ($5::text is null or r.cpr < $5)
             order by r.cpr, r.pt_census_guid`,
            [o.year, o.cpr ?? null, lo, o.runId, hi]
          )
          yield* sql.withTransaction(
            Effect.gen(function* () {
              // Existing persons change only from raw rows created or changed in this run (eskat.md §8.1.1); the first
              // row of a CPR in the chunk wins.
              const byCpr = new Map<string, ImportedPerson>()
              for (const r of rows) if (r.write_person && !byCpr.has(r.cpr)) byCpr.set(r.cpr, r)
              const written = yield* persons.upsertImported([...byCpr.values()], o.author)
              c.personsCreated += written.created.length
              c.personsUpdated += written.updated.length
              c.cprs.push(...written.created, ...written.updated)
              const ids = yield* sql.unsafe<{ id: number; cpr: string }>(
                `select id, cpr from kas.person where cpr = any($1::text[])`,
                [[...new Set(rows.map((r) => r.cpr))]]
              )
              // A created person-year's census entries are exactly this chunk's rows of its CPR (a person's rows never
              // straddle chunks), so it is created with the days and liability §7.1 derives from them.
              const entriesOf = new Map<string, Array<PersonYearRules.CensusEntryDays>>()
              for (const r of rows) {
                const list = entriesOf.get(r.cpr) ?? []
                list.push({ numberOfDays: r.days, fullyTaxLiable: r.liable })
                entriesOf.set(r.cpr, list)
              }
              const years = yield* persons.ensurePersonTaxYears(
                ids.map((p) => ({
                  person_id: p.id,
                  tax_year_id: o.taxYearId,
                  census: PersonYearRules.fromCensus(entriesOf.get(p.cpr) ?? [], yearDays)
                })),
                o.author
              )
              c.personYearsCreated += years.created.length
              const yearOf = new Map(years.all.map((y) => [y.person_id, y.id] as const))
              const personYear = new Map(ids.map((p) => [p.cpr, yearOf.get(p.id)!] as const))
              const entries = yield* persons.upsertCensusEntries(
                rows.map((r) => ({
                  person_tax_year_id: personYear.get(r.cpr)!,
                  imported_census_id: r.guid,
                  number_of_days: r.days,
                  fully_tax_liable: r.liable
                })),
                o.author
              )
              c.entriesCreated += entries.created
              c.entriesUpdated += entries.updated
              // A person-year created above already has what §7.1 derives from its entries (they are exactly the rows
              // it was created from), so only existing person-years whose entries changed are recomputed.
              const createdYears = new Set(years.created)
              const touched = [...new Set(entries.personTaxYearIds)].filter((id) => !createdYears.has(id))
              if (touched.length > 0) {
                // The person-year is saved "Updated by import"; its policies get the census recalculation reason.
                yield* setAuditContext(o.author, Reasons.updatedByImport)
                const recomputed = yield* recalculation.recalculatePersonTaxYears(touched, Reasons.recalcCensus)
                c.personYearsUpdated += recomputed.changedPersonTaxYears.length
              }
            })
          )
          done += rows.length
          yield* o.progress(Math.min(1, done / Math.max(1, total)))
        }),
      { concurrency: 2, discard: true }
    )
    // The R75 import and the recalculations join these tables next; of the history, whose snapshots nobody filters on
    // in bulk, the row count and the columns its lookups use (the statistics of every snapshot were most of the time).
    yield* analyzeAfterBulk(
      sql,
      [
        "kas.person",
        "kas.person_tax_year",
        "kas.census_entry",
        "kas.history (history_id, entity_type, entity_id, history_type, txid)"
      ],
      c.personsCreated + c.personYearsCreated + c.entriesCreated + c.entriesUpdated
    )
    return c
  })
