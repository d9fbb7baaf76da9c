import { SqlClient } from "@effect/sql"
import { Effect } from "effect"

/**
 * Issue 13 item 4: a consumed representation token lives as long as the self-service session it opened, not the
 * token's 60-second max age. `session_expires_at` is that session's expiry (set at the exchange, extended while the
 * session is used); the clean-up deletes consumed tokens only after it, and stop deletes them at once.
 */
export default Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  yield* sql.unsafe(`
alter table kas.representation_token add column session_expires_at timestamptz;
update kas.representation_token set session_expires_at = now() + interval '15 minutes' where consumed;
`)
})
