import { SqlClient } from "@effect/sql"
import { Effect } from "effect"

/**
 * Documents by policy: the REST policy and overview answers (selvbetjening.md §16.4) list each policy's citizen
 * documents with `where policy_tax_year_id = …`, which without this index scans the whole document table per policy.
 */
export default Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  yield* sql.unsafe(`create index policy_document_policy_tax_year on kas.policy_document (policy_tax_year_id)`)
})
