import { SqlClient } from "@effect/sql"
import { Effect } from "effect"

/**
 * The planner prices `ilike` like any cheap operator, so for "Find person" it read all 60 000 persons with a
 * sequential scan (some 10× slower) rather than use the trigram indexes of migration 0019. `kas.text_contains_ci` is
 * the same test as `ilike` with its true cost declared: PersonSearch adds it beside `ilike` for a part of three or
 * more letters (what a trigram index can serve). A sequential scan then costs what it really does, and the bitmap scan
 * of the index, which evaluates the function only on the rows it found, wins. Not inlinable (PL/pgSQL), so the cost
 * stays attached.
 */
export default Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  yield* sql.unsafe(`
create function kas.text_contains_ci(value text, pattern text) returns boolean
  language plpgsql immutable strict parallel safe cost 1000
  as $$ begin return value ilike pattern; end $$;
`)
})
