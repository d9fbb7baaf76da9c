import { SqlClient } from "@effect/sql"
import { Effect } from "effect"

/**
 * `eskat_mock`: development stand-ins for the eSkat views, same names and columns (eskat.md §5). Every column but
 * the key is nullable, as in a view, so that malformed data can be represented and tested. The R75 table has the
 * ASCII names of eskat.md §4.2; a view over it carries eSkat's own column names so that one query text serves both.
 *
 * `eskat`: the imported copies (eskat.md §4.3), typed as the logical types of the spec and audited (needs the core
 * set's audit functions, so this set runs after it).
 */
export default Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  yield* sql`create schema if not exists eskat_mock`
  yield* sql`create schema if not exists eskat`
  const person = `
    cpr text, bank_reg_nr text, bank_konto_nr text, kommune_no integer, kommune text, skatteaar integer, navn text,
    adresselinje1 text, adresselinje2 text, adresselinje3 text, adresselinje4 text, adresselinje5 text,
    fuld_adresse text, cpr_dashed text`
  const r75 = `
    pt_census_guid uuid, tax_year integer, cpr text, r75_ctl_indeks_guid uuid, idx_nr integer, res text, ktd text,
    ktt text, kontotype text, ibn text, esk text, ejerstatuskode text, indestaaende text, renteindtaegt text,
    r75_dato text`
  yield* sql.unsafe(`create table eskat_mock.kas_mandtal (
    pt_census_guid uuid primary key, ${person}, skatteomfang text, skattedage integer)`)
  yield* sql`create index on eskat_mock.kas_mandtal (skatteaar, pt_census_guid)`
  yield* sql`create index on eskat_mock.kas_mandtal (cpr)`
  yield* sql.unsafe(`create table eskat_mock.mock_r75_idx_4500230 (r75_ctl_sekvens_guid uuid primary key, ${r75})`)
  yield* sql`create index on eskat_mock.mock_r75_idx_4500230 (tax_year, r75_ctl_sekvens_guid)`
  yield* sql.unsafe(`create view eskat_mock.r75_idx_4500230 as
    select r75_ctl_sekvens_guid, pt_census_guid, tax_year, cpr, r75_ctl_indeks_guid, idx_nr, res, ktd, ktt, kontotype,
      ibn, esk, ejerstatuskode, indestaaende as "indestående", renteindtaegt as "renteindtægt", r75_dato
    from eskat_mock.mock_r75_idx_4500230`)
  yield* sql.unsafe(`create table eskat_mock.kas_beregninger_x (
    pension_crt_calc_guid uuid primary key, pt_census_guid uuid, ${person},
    pension_crt_lock_batch_guid uuid, reg_date timestamp with time zone, is_locked text, no integer,
    capital_return numeric(12,2), sum_negative_capital_return numeric(12,2), used_negative_capital_return numeric(12,2),
    capital_return_base numeric(12,2), capital_return_tax numeric(12,2), crt_payment numeric(12,2),
    police_payment numeric(12,2), deficit_crt numeric(12,2), surplus_crt_payment numeric(12,2),
    surplus_police_payment numeric(12,2), total_surplus numeric(12,2), result_surplus_crt_payment numeric(12,2),
    annotation text, is_locking_allowed text)`)
  yield* sql`create index on eskat_mock.kas_beregninger_x (skatteaar, pension_crt_calc_guid)`

  yield* sql`create table eskat.imported_census_row (
    pt_census_guid uuid primary key,
    cpr text not null,
    bank_reg_nr text, bank_konto_nr text, kommune_no integer, kommune text,
    skatteaar integer not null,
    navn text, adresselinje1 text, adresselinje2 text, adresselinje3 text, adresselinje4 text, adresselinje5 text,
    fuld_adresse text, cpr_dashed text, skatteomfang text, skattedage integer
  )`
  yield* sql`create index on eskat.imported_census_row (skatteaar, cpr)`
  yield* sql`create table eskat.imported_r75_row (
    r75_ctl_sekvens_guid uuid primary key,
    pt_census_guid uuid, tax_year integer not null, cpr text not null, r75_ctl_indeks_guid uuid, idx_nr integer,
    res text, ktd text, ktt text, kontotype text, ibn text, esk text, ejerstatuskode text, indestaaende text,
    renteindtaegt text, r75_dato text
  )`
  yield* sql`create index on eskat.imported_r75_row (tax_year, cpr, res, ktd)`
  // Audited like the domain tables (domain.md §8), with the set-based triggers of @kas/core.
  for (const [table, entity, key] of [
    ["imported_census_row", "ImportedCensusRow", "pt_census_guid"],
    ["imported_r75_row", "ImportedR75Row", "r75_ctl_sekvens_guid"]
  ] as const) {
    yield* sql.unsafe(`
create trigger ${table}_audit_insert after insert on eskat.${table} referencing new table as new_rows
  for each statement execute function kas.audit_insert('${entity}', '${key}');
create trigger ${table}_audit_update after update on eskat.${table}
  referencing old table as old_rows new table as new_rows
  for each statement execute function kas.audit_update('${entity}', '${key}');`)
  }
})
