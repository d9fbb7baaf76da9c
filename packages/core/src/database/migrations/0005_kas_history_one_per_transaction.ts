import { SqlClient } from "@effect/sql"
import { Effect } from "effect"

/**
 * Creating a row and completing it in the same transaction (a policy created and then calculated) is one `+` entry:
 * an update of a row whose `+` entry was written by the same transaction refreshes that entry's snapshot instead
 * of adding a `~` entry. Autoligning (jobs.md §8.1) reads `~` entries as changes, so a created-and-calculated
 * policy must not have one. Later updates in the same transaction still write their own `~` entries.
 */
export default Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  yield* sql.unsafe(`
alter table kas.history add column txid xid8 not null default pg_current_xact_id();
create index history_txid on kas.history (txid);

create or replace function kas.audit_update() returns trigger language plpgsql
set enable_nestloop = off
as $$
begin
  with changed as (
    select n.k, n.nj
    from (select to_jsonb(n) as nj, to_jsonb(n) ->> coalesce(tg_argv[1], 'id') as k from new_rows n) n
    join (select to_jsonb(o) as oj, to_jsonb(o) ->> coalesce(tg_argv[1], 'id') as k from old_rows o) o on o.k = n.k
    where o.oj is distinct from n.nj
  ), refreshed as (
    update kas.history h set snapshot = c.nj
    from changed c
    where h.txid = pg_current_xact_id() and h.history_type = '+' and h.entity_type = tg_argv[0] and h.entity_id = c.k
    returning h.entity_id
  )
  insert into kas.history (entity_type, entity_id, history_user, history_type, change_reason, snapshot)
  select tg_argv[0], c.k, nullif(current_setting('kas.audit_user', true), ''), '~',
         nullif(current_setting('kas.audit_reason', true), ''), c.nj
  from changed c
  where not exists (select 1 from refreshed r where r.entity_id = c.k);
  return null;
end $$;
`)
})
