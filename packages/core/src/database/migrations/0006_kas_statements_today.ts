import { SqlClient } from "@effect/sql"
import { Effect } from "effect"

/**
 * Final statements, transactions and batches (domain.md §2.13–§2.15, §6.3): `kas.today()` is "today" in the
 * process's `TIMEZONE` (each connection sets `kas.timezone`; America/Nuuk when unset), used for new locks and due
 * dates. A statement has at most one prisme10q transaction that is not cancelled (jobs.md §8.9: a second run does
 * not double-charge). Lock totals read the stored `total_tax` of each statement's amounts snapshot.
 */
export default Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  yield* sql.unsafe(`
create function kas.today() returns date language sql stable as $$
  select (now() at time zone coalesce(nullif(current_setting('kas.timezone', true), ''), 'America/Nuuk'))::date
$$;

create or replace function kas.tax_year_open_lock() returns trigger language plpgsql as $$
begin
  insert into kas.lock (tax_year_id, interval_from)
  select new.id, kas.today()
  where not exists (select 1 from kas.lock l where l.tax_year_id = new.id and l.interval_to is null);
  return null;
end $$;

create unique index transaction_one_charge_per_statement on kas.transaction (final_statement_uuid)
  where type = 'prisme10q' and status <> 'cancelled';

create index final_statement_lock_valid on kas.final_statement (lock_id, person_tax_year_id, created_at desc)
  where not invalid;
`)
})
