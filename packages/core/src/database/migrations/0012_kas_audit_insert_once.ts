import { SqlClient } from "@effect/sql"
import { Effect } from "effect"

/**
 * Cheaper audit entries for bulk writes (issue 5: an import creates some 440 000 history entries). The insert and
 * delete triggers of 0003 read the snapshot `j` twice (the key and the snapshot); PostgreSQL flattened the subquery
 * and so ran `to_jsonb` twice per row, a third of the trigger's cost. `offset 0` keeps the subquery, so `to_jsonb`
 * runs once; the entries are the same.
 *
 * The two per-row triggers of 0002 get a WHEN condition, so that PostgreSQL calls the function only for a row it can
 * act on (the test CPR; more than 365 days) instead of entering PL/pgSQL for every imported person and person-year.
 */
export default Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  yield* sql.unsafe(`
create or replace function kas.audit_insert() returns trigger language plpgsql as $$
begin
  insert into kas.history (entity_type, entity_id, history_user, history_type, change_reason, snapshot)
  select tg_argv[0], j ->> coalesce(tg_argv[1], 'id'), nullif(current_setting('kas.audit_user', true), ''), '+',
         nullif(current_setting('kas.audit_reason', true), ''), j
  from (select to_jsonb(n) as j from new_rows n offset 0) s;
  return null;
end $$;

create or replace function kas.audit_delete() returns trigger language plpgsql as $$
begin
  insert into kas.history (entity_type, entity_id, history_user, history_type, change_reason, snapshot)
  select tg_argv[0], j ->> coalesce(tg_argv[1], 'id'), nullif(current_setting('kas.audit_user', true), ''), '-',
         nullif(current_setting('kas.audit_reason', true), ''), j
  from (select to_jsonb(o) as j from old_rows o offset 0) s;
  return null;
end $$;

drop trigger person_test_cpr on kas.person;
create trigger person_test_cpr before insert on kas.person for each row when (new.cpr = '1212121212')
  execute function kas.person_test_cpr();

drop trigger person_tax_year_days_check on kas.person_tax_year;
create trigger person_tax_year_days_check before insert or update of number_of_days, tax_year_id on kas.person_tax_year
  for each row when (new.number_of_days > 365) execute function kas.person_tax_year_days_check();
`)
})
