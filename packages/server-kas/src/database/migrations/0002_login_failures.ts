import { SqlClient } from "@effect/sql"
import { Effect } from "effect"

/**
 * Failed staff logins per throttle key (`user:<name>`, `address:<ip>`; staff-web.md §2: locked after 10 failures
 * within 15 minutes, for 15 minutes). Rows older than an hour are removed by the next login attempt.
 */
export default Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  yield* sql`create table web.login_failures (
    id bigserial primary key,
    key text not null,
    failed_at timestamptz not null default now()
  )`
  yield* sql`create index login_failures_key on web.login_failures (key, failed_at)`
  yield* sql`create index login_failures_failed_at on web.login_failures (failed_at)`
})
