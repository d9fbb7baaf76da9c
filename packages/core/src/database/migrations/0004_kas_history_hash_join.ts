import { SqlClient } from "@effect/sql"
import { Effect } from "effect"

/**
 * The update trigger of the audit history joins the old and new transition tables, which have no statistics: the
 * planner picked a nested loop (quadratic in the rows of one statement). Forbid it inside the trigger function so
 * that bulk updates (`UPDATE … FROM unnest(…)`) stay linear.
 */
export default Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  yield* sql.unsafe(`
create or replace function kas.audit_update() returns trigger language plpgsql
set enable_nestloop = off
as $$
begin
  insert into kas.history (entity_type, entity_id, history_user, history_type, change_reason, snapshot)
  select tg_argv[0], n.k, nullif(current_setting('kas.audit_user', true), ''), '~',
         nullif(current_setting('kas.audit_reason', true), ''), n.nj
  from (select to_jsonb(n) as nj, to_jsonb(n) ->> coalesce(tg_argv[1], 'id') as k from new_rows n) n
  join (select to_jsonb(o) as oj, to_jsonb(o) ->> coalesce(tg_argv[1], 'id') as k from old_rows o) o on o.k = n.k
  where o.oj is distinct from n.nj;
  return null;
end $$;
`)
})
