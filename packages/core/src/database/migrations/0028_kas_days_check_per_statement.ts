import { SqlClient } from "@effect/sql"
import { Effect } from "effect"

/**
 * The days check of person-years (number_of_days ≤ the days of the tax year, 0014) once per insert statement instead
 * of once per row: in a leap year every full-year person-year has 366 days, so the per-row trigger's WHEN (> 365) let
 * PostgreSQL enter PL/pgSQL and look the year up for nearly every row a census import inserts. The statement-level
 * trigger checks the inserted rows in one join; the error and its text are the same. Updates of the days or the year
 * keep the per-row trigger (PostgreSQL allows no transition table on a trigger with a column list).
 */
export default Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  yield* sql.unsafe(`
create function kas.person_tax_year_days_check_rows() returns trigger language plpgsql as $$
declare bad record;
begin
  select n.number_of_days, ty.year into bad
  from new_rows n join kas.tax_year ty on ty.id = n.tax_year_id
  where n.number_of_days > 365 and n.number_of_days > kas.days_in_year(ty.year)
  limit 1;
  if found then
    raise exception 'number_of_days % exceeds the days of tax year %', bad.number_of_days, bad.year
      using errcode = '23514';
  end if;
  return null;
end $$;

drop trigger person_tax_year_days_check on kas.person_tax_year;
create trigger person_tax_year_days_check before update of number_of_days, tax_year_id on kas.person_tax_year
  for each row when (new.number_of_days > 365) execute function kas.person_tax_year_days_check();
create trigger person_tax_year_days_check_insert after insert on kas.person_tax_year
  referencing new table as new_rows for each statement execute function kas.person_tax_year_days_check_rows();
`)
})
