import { SqlClient } from "@effect/sql"
import { Effect } from "effect"

/**
 * Scratch space of a running census import: the source keys it has seen and whether each raw row was created or
 * changed. Keeps the import's memory flat (the orphan check and the mapping join against it) and is emptied when the
 * run ends. Unlogged: it never needs to survive a crash.
 */
export default Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  yield* sql`create unlogged table eskat.import_seen (
    run_id uuid not null,
    key uuid not null,
    changed boolean not null,
    created_at timestamptz not null default now(),
    primary key (run_id, key)
  )`
})
