import { SqlClient } from "@effect/sql"
import { Effect } from "effect"

/**
 * `kas.text_contains_ci` (migration 0023) declares a high cost so that the planner finds a name part through the
 * trigram index; that same cost made it start a parallel worker for the scan of the rows the index found. Starting a
 * worker costs more CPU than the search itself (about 8 ms per search, against 4), and kas web runs many searches at
 * once, so the test is marked parallel restricted: it runs in the process that asked, and the planner plans its scans
 * without workers. The function itself is unchanged.
 */
export default Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  yield* sql.unsafe("alter function kas.text_contains_ci(text, text) parallel restricted")
})
