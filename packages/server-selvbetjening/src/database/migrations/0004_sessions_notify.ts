import { SqlClient } from "@effect/sql"
import { Effect } from "effect"
import { sessionNotifySql } from "@kas/core/web"

/**
 * Every update or delete of a citizen session notifies `selvbetjening_sessions` with its id, so that each instance's
 * session cache (`web/Sessions.ts`) drops it when the change commits: a logout or purge in another instance included.
 */
export default Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  for (const statement of sessionNotifySql("selvbetjening.sessions", "selvbetjening_sessions")) {
    yield* sql.unsafe(statement)
  }
})
