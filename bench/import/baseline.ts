import { SqlClient } from "@effect/sql"
import { Effect } from "effect"
import { cpuSecondsOf } from "./cpu.js"

/**
 * The bare copy the import is compared with: the same rows moved from the mock tables into empty copies of the
 * target tables (raw copies, persons, person-years, census entries, policy-years) with plain `INSERT … SELECT`s —
 * no comparison, no audit, no recalculation. Returns the wall time and the CPU seconds of the server process that ran
 * it.
 */
export const bareCopy = (year: number) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    yield* sql`create schema bench_copy`
    for (const [copy, source] of [
      ["imported_census_row", "eskat.imported_census_row"],
      ["imported_r75_row", "eskat.imported_r75_row"],
      ["person", "kas.person"],
      ["person_tax_year", "kas.person_tax_year"],
      ["census_entry", "kas.census_entry"],
      ["policy_tax_year", "kas.policy_tax_year"]
    ] as const) {
      yield* sql.unsafe(
        `create table bench_copy.${copy} (like ${source} including defaults including identity including indexes)`
      )
    }
    const start = process.hrtime.bigint()
    const cpu = yield* sql.withTransaction(
      Effect.gen(function* () {
        const [{ pid }] = yield* sql<{ pid: number }>`select pg_backend_pid() as pid`
        const cpu0 = cpuSecondsOf(pid)
        yield* sql.unsafe(
          `insert into bench_copy.imported_census_row select * from eskat_mock.kas_mandtal where skatteaar = $1`,
          [year]
        )
        yield* sql.unsafe(
          `insert into bench_copy.imported_r75_row select * from eskat_mock.mock_r75_idx_4500230 where tax_year = $1`,
          [year]
        )
        yield* sql.unsafe(`insert into bench_copy.person (cpr, name, municipality_code, municipality_name,
            address_line_1, address_line_2, address_line_3, address_line_4, address_line_5, full_address)
          select distinct on (cpr) cpr, navn, kommune_no, kommune, adresselinje1, adresselinje2, adresselinje3,
            adresselinje4, adresselinje5, fuld_adresse from bench_copy.imported_census_row order by cpr`)
        yield* sql.unsafe(`insert into bench_copy.person_tax_year (tax_year_id, person_id, number_of_days,
            fully_tax_liable)
          select ty.id, p.id, r.skattedage, lower(r.skatteomfang) = 'fuld skattepligtig'
          from bench_copy.imported_census_row r join bench_copy.person p on p.cpr = r.cpr
          join kas.tax_year ty on ty.year = r.skatteaar`)
        yield* sql.unsafe(`insert into bench_copy.census_entry (person_tax_year_id, imported_census_id, number_of_days,
            fully_tax_liable)
          select pty.id, r.pt_census_guid, r.skattedage, pty.fully_tax_liable
          from bench_copy.imported_census_row r join bench_copy.person p on p.cpr = r.cpr
          join bench_copy.person_tax_year pty on pty.person_id = p.id`)
        yield* sql.unsafe(`insert into bench_copy.policy_tax_year (person_tax_year_id, pension_company_id,
            policy_number, prefilled_amount)
          select pty.id, pc.id, r.ktd, sum(r.renteindtaegt::bigint)
          from bench_copy.imported_r75_row r join bench_copy.person p on p.cpr = r.cpr
          join bench_copy.person_tax_year pty on pty.person_id = p.id
          join kas.pension_company pc on pc.res = r.res::int
          group by pty.id, pc.id, r.ktd`)
        return cpuSecondsOf(pid) - cpu0
      })
    )
    return { seconds: Number(process.hrtime.bigint() - start) / 1e9, cpu }
  })
