import { SqlClient } from "@effect/sql"
import { Effect } from "effect"

/**
 * The history pages (staff-web.md §10) list a person-year's and a policy's notes and documents, deleted ones
 * included, so they find them by the person-year and policy in the history snapshots: two small partial indexes over
 * the note and document entries only (imports, which write most of the history, do not touch them).
 */
export default Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  yield* sql.unsafe(`
create index history_attachment_person_tax_year on kas.history ((snapshot ->> 'person_tax_year_id'))
  where entity_type in ('Note', 'PolicyDocument');
create index history_attachment_policy on kas.history ((snapshot ->> 'policy_tax_year_id'))
  where entity_type in ('Note', 'PolicyDocument');
`)
})
