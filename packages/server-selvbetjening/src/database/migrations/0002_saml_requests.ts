import { SqlClient } from "@effect/sql"
import { Effect } from "effect"

/** Issued SAML request ids (selvbetjening.md §3.2: kept 7 200 s), each answered at most once. */
export default Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  yield* sql`create table selvbetjening.saml_requests (
    id text primary key,
    created_at timestamptz not null default now(),
    answered_at timestamptz
  )`
  yield* sql`create index saml_requests_created on selvbetjening.saml_requests (created_at)`
})
