import { SqlClient } from "@effect/sql"
import { Effect } from "effect"

/**
 * The read-only view of a person-year as it was at a time (staff-web.md §10) shows its tabs "Slutopgørelser" and
 * "Transaktioner" as they were then, so final statements and transactions are audited like the entities of
 * domain.md §8 (decision): the same statement-level triggers, keyed by `uuid`, as entity types `FinalStatement` and
 * `Transaction`. A partial index finds a person-year's entries of the two, as 0021 does for notes and documents.
 *
 * The rows that exist already get their history from what they hold: a `+` entry at `created_at`, and for a sent
 * statement the state before sending (status `created`, no send time or message) at `created_at` and its current
 * state at `send_at`. Other changes before this migration (a status after sending, an invalidation, a
 * transaction's status) have no time of their own; they show from the entry that holds them.
 */
export default Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  yield* sql.unsafe(`
insert into kas.history (entity_type, entity_id, history_date, history_type, change_reason, snapshot)
select 'FinalStatement', fs.uuid::text, fs.created_at, '+', 'Historik indført',
  case when fs.send_at is null then to_jsonb(fs)
    else to_jsonb(fs) || '{"status": "created", "send_at": null, "message_id": null, "pending_message_id": null,
      "post_processing_status": "", "recipient_status": ""}'::jsonb end
from kas.final_statement fs;
insert into kas.history (entity_type, entity_id, history_date, history_type, change_reason, snapshot)
select 'FinalStatement', fs.uuid::text, fs.send_at, '~', 'Historik indført', to_jsonb(fs)
from kas.final_statement fs where fs.send_at is not null;
insert into kas.history (entity_type, entity_id, history_date, history_type, change_reason, snapshot)
select 'Transaction', t.uuid::text, t.created_at, '+', 'Historik indført', to_jsonb(t)
from kas.transaction t;

create trigger final_statement_audit_insert after insert on kas.final_statement referencing new table as new_rows
  for each statement execute function kas.audit_insert('FinalStatement', 'uuid');
create trigger final_statement_audit_update after update on kas.final_statement
  referencing old table as old_rows new table as new_rows
  for each statement execute function kas.audit_update('FinalStatement', 'uuid');
create trigger final_statement_audit_delete after delete on kas.final_statement referencing old table as old_rows
  for each statement execute function kas.audit_delete('FinalStatement', 'uuid');
create trigger transaction_audit_insert after insert on kas.transaction referencing new table as new_rows
  for each statement execute function kas.audit_insert('Transaction', 'uuid');
create trigger transaction_audit_update after update on kas.transaction
  referencing old table as old_rows new table as new_rows
  for each statement execute function kas.audit_update('Transaction', 'uuid');
create trigger transaction_audit_delete after delete on kas.transaction referencing old table as old_rows
  for each statement execute function kas.audit_delete('Transaction', 'uuid');

create index history_statement_person_tax_year on kas.history ((snapshot ->> 'person_tax_year_id'))
  where entity_type in ('FinalStatement', 'Transaction');
`)
})
