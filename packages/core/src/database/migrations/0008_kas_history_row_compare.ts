import { SqlClient } from "@effect/sql"
import { Effect } from "effect"

/**
 * The update trigger of the audit history, cheaper per row (bulk imports and recalculations update thousands of rows
 * per statement): the old and new transition rows are joined on the key column itself and compared as row text, and
 * `to_jsonb` runs once per changed row (before, it ran six times per row: for the join key, the comparison and the
 * snapshot of both sides). The key column is the trigger's second argument, so the statement is built with `format`.
 * Behaviour is unchanged: no entry for an unchanged row, a `+` entry of the same transaction is refreshed instead of
 * adding a `~` entry (0005).
 */
export default Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  yield* sql.unsafe(`
create or replace function kas.audit_update() returns trigger language plpgsql
set enable_nestloop = off
as $$
begin
  execute format($q$
    with changed as materialized (
      select n.%1$I::text as k, to_jsonb(n) as nj
      from new_rows n join old_rows o on o.%1$I = n.%1$I
      where n::text is distinct from o::text
    ), refreshed as (
      update kas.history h set snapshot = c.nj
      from changed c
      where h.txid = pg_current_xact_id() and h.history_type = '+' and h.entity_type = $1 and h.entity_id = c.k
      returning h.entity_id
    )
    insert into kas.history (entity_type, entity_id, history_user, history_type, change_reason, snapshot)
    select $1, c.k, nullif(current_setting('kas.audit_user', true), ''), '~',
           nullif(current_setting('kas.audit_reason', true), ''), c.nj
    from changed c
    where not exists (select 1 from refreshed r where r.entity_id = c.k)$q$, coalesce(tg_argv[1], 'id'))
  using tg_argv[0];
  return null;
end $$;
`)
})
