import { SqlClient } from "@effect/sql"
import { Reasons, Recalculation, setAuditContext, type AuditAuthor } from "@kas/core"
import { Effect } from "effect"

/** Counts of the mapping step (eskat.md §8.1, §9). */
export interface MapCounts {
  personsCreated: number
  personsUpdated: number
  personYearsCreated: number
  personYearsUpdated: number
  entriesCreated: number
  entriesUpdated: number
}

const CHUNK = 5000

const PERSON_FIELDS = [
  ["name", "navn"],
  ["municipality_code", "kommune_no"],
  ["municipality_name", "kommune"],
  ["address_line_1", "adresselinje1"],
  ["address_line_2", "adresselinje2"],
  ["address_line_3", "adresselinje3"],
  ["address_line_4", "adresselinje4"],
  ["address_line_5", "adresselinje5"],
  ["full_address", "fuld_adresse"]
] as const
const P = PERSON_FIELDS.map(([p]) => p)
const R = PERSON_FIELDS.map(([, r]) => `r.${r}`)
const LIABLE = `coalesce(lower(r.skatteomfang) = 'fuld skattepligtig', false)`
const PERSON_YEAR = `join kas.person p on p.cpr = r.cpr
  join kas.person_tax_year pty on pty.person_id = p.id and pty.tax_year_id = $2`

/**
 * §8.1: maps the raw census rows of a year (and a CPR) to Person, PersonTaxYear and CensusEntry, one chunk of
 * raw rows per transaction, every step one set-based statement; then recomputes the touched person-years through the
 * domain's `Recalculation` (days, liability, policies, system notes; §7.1).
 */
export const mapCensus = (o: {
  readonly runId: string
  readonly year: number
  readonly taxYearId: number
  readonly cpr: string | undefined
  readonly author: AuditAuthor
  readonly progress: (fraction: number) => Effect.Effect<void>
}) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const recalculation = yield* Recalculation
    const c: MapCounts = {
      personsCreated: 0,
      personsUpdated: 0,
      personYearsCreated: 0,
      personYearsUpdated: 0,
      entriesCreated: 0,
      entriesUpdated: 0
    }
    const [{ n: total }] = yield* sql.unsafe<{ n: number }>(
      `select count(*)::int as n from eskat.imported_census_row where skatteaar = $1 and ($2::text is null or cpr = $2)`,
      [o.year, o.cpr ?? null]
    )
    let after = "00000000-0000-0000-0000-000000000000"
    let done = 0
    for (;;) {
      const chunk = yield* sql.unsafe<{ k: string }>(
        `select pt_census_guid as k from eskat.imported_census_row
         where skatteaar = $1 and ($2::text is null or cpr = $2) and pt_census_guid > $3
         order by pt_census_guid limit ${CHUNK}`,
        [o.year, o.cpr ?? null, after]
      )
      if (chunk.length === 0) break
      after = chunk[chunk.length - 1].k
      const keys = chunk.map((r) => r.k)
      yield* sql.withTransaction(
        Effect.gen(function* () {
          yield* setAuditContext(o.author, Reasons.createdByImport)
          const persons = yield* sql.unsafe(
            `insert into kas.person (cpr, ${P.join(", ")})
             select distinct on (r.cpr) r.cpr, ${R.join(", ")} from eskat.imported_census_row r
             where r.pt_census_guid = any($1::uuid[]) order by r.cpr, r.pt_census_guid
             on conflict (cpr) do nothing returning id`,
            [keys]
          )
          c.personsCreated += persons.length
          // Existing persons change only from raw rows created or changed in this run (eskat.md §8.1.1).
          yield* setAuditContext(o.author, Reasons.updatedByImport)
          const updated = yield* sql.unsafe(
            `update kas.person p set (${P.join(", ")}) = (${R.join(", ")})
             from (select distinct on (r.cpr) r.* from eskat.imported_census_row r
                   join eskat.import_seen s on s.run_id = $2 and s.key = r.pt_census_guid and s.changed
                   where r.pt_census_guid = any($1::uuid[]) order by r.cpr, r.pt_census_guid) r
             where p.cpr = r.cpr and (${P.map((f) => `p.${f}`).join(", ")}) is distinct from (${R.join(", ")})
             returning p.id`,
            [keys, o.runId]
          )
          c.personsUpdated += updated.length
          yield* setAuditContext(o.author, Reasons.createdByImport)
          const years = yield* sql.unsafe<{ id: number }>(
            `insert into kas.person_tax_year (tax_year_id, person_id)
             select distinct $2::int, p.id from eskat.imported_census_row r join kas.person p on p.cpr = r.cpr
             where r.pt_census_guid = any($1::uuid[])
             on conflict (tax_year_id, person_id) do nothing returning id`,
            [keys, o.taxYearId]
          )
          c.personYearsCreated += years.length
          yield* setAuditContext(o.author, Reasons.updatedByImport)
          const entriesUpdated = yield* sql.unsafe<{ id: number }>(
            `update kas.census_entry ce set number_of_days = r.skattedage, fully_tax_liable = ${LIABLE}
             from eskat.imported_census_row r ${PERSON_YEAR}
             where r.pt_census_guid = any($1::uuid[]) and ce.person_tax_year_id = pty.id
               and ce.imported_census_id = r.pt_census_guid
               and (ce.number_of_days, ce.fully_tax_liable) is distinct from (r.skattedage, ${LIABLE})
             returning ce.person_tax_year_id as id`,
            [keys, o.taxYearId]
          )
          yield* setAuditContext(o.author, Reasons.createdByImport)
          const entriesCreated = yield* sql.unsafe<{ id: number }>(
            `insert into kas.census_entry (person_tax_year_id, imported_census_id, number_of_days, fully_tax_liable)
             select pty.id, r.pt_census_guid, r.skattedage, ${LIABLE}
             from eskat.imported_census_row r ${PERSON_YEAR}
             where r.pt_census_guid = any($1::uuid[])
             on conflict (person_tax_year_id, imported_census_id) do nothing
             returning person_tax_year_id as id`,
            [keys, o.taxYearId]
          )
          c.entriesUpdated += entriesUpdated.length
          c.entriesCreated += entriesCreated.length
          const createdYears = new Set(years.map((y) => y.id))
          const touched = [...new Set([...createdYears, ...entriesUpdated.map((r) => r.id), ...entriesCreated.map((r) => r.id)])]
          if (touched.length > 0) {
            // The person-year is saved "Updated by import"; its policies get the census recalculation reason.
            yield* setAuditContext(o.author, Reasons.updatedByImport)
            const recomputed = yield* recalculation.recalculatePersonTaxYears(touched, Reasons.recalcCensus)
            c.personYearsUpdated += recomputed.changedPersonTaxYears.filter((id) => !createdYears.has(id)).length
          }
        })
      )
      done += chunk.length
      yield* o.progress(Math.min(1, done / Math.max(1, total)))
    }
    return c
  })
