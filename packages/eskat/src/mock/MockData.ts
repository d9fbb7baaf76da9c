import { SqlClient } from "@effect/sql"
import { Companies, importedCompanyName, TaxYears } from "@kas/core"
import { Effect } from "effect"
import {
  agreementCompanies,
  companyPool,
  generate,
  type GeneratorOptions,
  type MockCensusRow,
  type MockR75Row
} from "./Generator.js"
import { PENSION_DANMARK, PFA } from "./Scenarios.js"

const CENSUS_COLUMNS = [
  ["pt_census_guid", "uuid"],
  ["cpr", "text"],
  ["bank_reg_nr", "text"],
  ["bank_konto_nr", "text"],
  ["kommune_no", "integer"],
  ["kommune", "text"],
  ["skatteaar", "integer"],
  ["navn", "text"],
  ["adresselinje1", "text"],
  ["adresselinje2", "text"],
  ["adresselinje3", "text"],
  ["adresselinje4", "text"],
  ["adresselinje5", "text"],
  ["fuld_adresse", "text"],
  ["cpr_dashed", "text"],
  ["skatteomfang", "text"],
  ["skattedage", "integer"]
] as const satisfies ReadonlyArray<readonly [keyof MockCensusRow, string]>

const R75_COLUMNS = [
  ["r75_ctl_sekvens_guid", "uuid"],
  ["pt_census_guid", "uuid"],
  ["tax_year", "integer"],
  ["cpr", "text"],
  ["r75_ctl_indeks_guid", "uuid"],
  ["idx_nr", "integer"],
  ["res", "text"],
  ["ktd", "text"],
  ["ktt", "text"],
  ["kontotype", "text"],
  ["ibn", "text"],
  ["esk", "text"],
  ["ejerstatuskode", "text"],
  ["indestaaende", "text"],
  ["renteindtaegt", "text"],
  ["r75_dato", "text"]
] as const satisfies ReadonlyArray<readonly [keyof MockR75Row, string]>

/** `INSERT … SELECT FROM unnest($1::t[], …)` of `rows` into `table`: one round trip per batch. */
const insertBatch = <R>(
  table: string,
  columns: ReadonlyArray<readonly [keyof R & string, string]>,
  rows: ReadonlyArray<R>
) =>
  Effect.gen(function* () {
    if (rows.length === 0) return
    const sql = yield* SqlClient.SqlClient
    const names = columns.map(([c]) => c).join(", ")
    const arrays = columns.map(([c]) => rows.map((r) => r[c]))
    const unnest = columns.map(([, t], i) => `$${i + 1}::${t}[]`).join(", ")
    yield* sql.unsafe(`insert into ${table} (${names}) select * from unnest(${unnest})`, arrays)
  })

/** What a generation wrote. */
export interface MockDataResult {
  readonly persons: number
  readonly census: number
  readonly r75: number
  readonly years: ReadonlyArray<number>
}

const BATCH = 5000

/** Empties every table of the `eskat_mock` and `eskat` schemas: the mock rows and the imported rows (jobs.md §8.12). */
export const clearMockAndImported = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  const tables = yield* sql<{ name: string }>`select quote_ident(table_schema) || '.' || quote_ident(table_name) as name
    from information_schema.tables
    where table_schema in ('eskat', 'eskat_mock') and table_type = 'BASE TABLE' order by 1`
  if (tables.length > 0) yield* sql.unsafe(`truncate ${tables.map((t) => t.name).join(", ")} restart identity`)
})

/** Whether the eSkat mock tables hold data (the census table has a row). */
export const hasMockData = Effect.flatMap(
  SqlClient.SqlClient,
  (sql) => sql`select 1 from eskat_mock.kas_mandtal limit 1`
).pipe(Effect.map((rows) => rows.length > 0))

/**
 * Replaces the contents of the `eskat_mock` tables with a deterministic generation (eskat.md §6): the same options
 * always give the same rows. Rows are generated lazily and inserted in batches, so memory stays flat.
 */
export const fillMockTables = (options: GeneratorOptions) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    return yield* sql.withTransaction(
      Effect.gen(function* () {
        yield* sql`truncate eskat_mock.kas_mandtal, eskat_mock.mock_r75_idx_4500230`
        let census: Array<MockCensusRow> = []
        let r75: Array<MockR75Row> = []
        const totals = { persons: 0, census: 0, r75: 0 }
        for (const person of generate(options)) {
          totals.persons++
          census.push(...person.census)
          r75.push(...person.r75)
          if (census.length >= BATCH) {
            yield* insertBatch("eskat_mock.kas_mandtal", CENSUS_COLUMNS, census)
            totals.census += census.length
            census = []
          }
          if (r75.length >= BATCH) {
            yield* insertBatch("eskat_mock.mock_r75_idx_4500230", R75_COLUMNS, r75)
            totals.r75 += r75.length
            r75 = []
          }
        }
        yield* insertBatch("eskat_mock.kas_mandtal", CENSUS_COLUMNS, census)
        yield* insertBatch("eskat_mock.mock_r75_idx_4500230", R75_COLUMNS, r75)
        const years = Array.from({ length: options.toYear - options.fromYear + 1 }, (_, i) => options.fromYear + i)
        return { ...totals, census: totals.census + census.length, r75: totals.r75 + r75.length, years }
      })
    )
  }).pipe(Effect.withSpan("MockData.fillMockTables"))

/** The bilingual rate text of eskat.md §6.4 for `year`. */
export const rateText = (year: number): string =>
  [
    "Pigisanit pissarsiat ilaasa akileraaruserneqartarnerat pil-",
    "lugu Inatsisartut Inatsisaat nr. 37, 23. november 2017-",
    "imeersoq naapertorlugu ukiumut isertitaqarfiusumut",
    "{year}-mut akileraarutissat sinnerinut akiligassat (KAS).",
    "Akiliinermi allaffissami allaguk KAS{year} kiisalu illit",
    "inuup nr.-mut",
    "",
    "Restkapitalafkastskat (KAS) for indkomståret {year} i",
    "henhold til Inatsisartutlov nr. 37 af 23. november 2017",
    "om beskatning af visse kapitalafkast.",
    "Ved indbetaling, skriv venligst KAS{year} samt",
    "dit cpr. nr. i tekstfeltet."
  ]
    .join("\n")
    .replaceAll("{year}", String(year))

/** The period of a generated tax year (eskat.md §6.4): last year and this year are open for self-assessment. */
export const yearPartOf = (year: number, currentYear: number) =>
  year >= currentYear - 1 ? "selvangivelse" : "genoptagelsesperiode"

const companyName = (res: string) =>
  res === PFA ? "PFA Pension" : res === PENSION_DANMARK ? "PensionDanmark" : importedCompanyName(Number(res))

/**
 * Creates the tax years `years` through the domain's `TaxYears` service (eskat.md §6.4: rate text and period) and the
 * pension companies the generator references (§6.1) through `Companies.createMissing`, when they are missing;
 * existing ones are left as they are.
 */
export const ensureTaxYearsAndCompanies = (years: ReadonlyArray<number>, currentYear: number) =>
  Effect.gen(function* () {
    const taxYears = yield* TaxYears
    const companies = yield* Companies
    const created: Array<number> = []
    for (const year of years) {
      const existing = yield* taxYears.getByYear(year).pipe(Effect.option)
      if (existing._tag === "Some") continue
      const taxYear = yield* taxYears.create(year, rateText(year)).pipe(Effect.orDie)
      const part = yearPartOf(year, currentYear)
      if (part !== taxYear.year_part) yield* taxYears.setPeriod(taxYear.id, part).pipe(Effect.orDie)
      created.push(year)
    }
    yield* companies.createMissing(
      companyPool.map((res) => ({
        res: Number(res),
        name: companyName(res),
        agreement_present: agreementCompanies.includes(res)
      }))
    )
    return created
  })
