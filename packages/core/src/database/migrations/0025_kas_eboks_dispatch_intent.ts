import { SqlClient } from "@effect/sql"
import { Effect } from "effect"

/**
 * Issue 16: `pending_message_id` on both dispatchable documents (final statements and tax slips): the message id of
 * a send that was started (recorded before the request) and not yet recorded as done. A dispatch that finds it set
 * asks e-Boks for that message first, so a crash between sending and recording never sends a second letter. Partial
 * indexes find the documents still in post-processing (the hourly status update).
 */
export default Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  yield* sql.unsafe(`
alter table kas.final_statement add column pending_message_id text;
alter table kas.tax_slip add column pending_message_id text;
create index final_statement_post_processing on kas.final_statement (status) where status = 'post_processing';
create index tax_slip_post_processing on kas.tax_slip (status) where status = 'post_processing';
`)
})
