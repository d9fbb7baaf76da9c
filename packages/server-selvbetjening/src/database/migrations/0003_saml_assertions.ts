import { SqlClient } from "@effect/sql"
import { Effect } from "effect"

/**
 * The ids of accepted SAML assertions, each kept until its NotOnOrAfter: one assertion gives one session even when
 * its (unsigned) response envelope is changed to answer another request.
 */
export default Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  yield* sql`create table selvbetjening.saml_assertions (
    id text primary key,
    expires_at timestamptz not null
  )`
  yield* sql`create index saml_assertions_expires on selvbetjening.saml_assertions (expires_at)`
})
