import { SqlClient } from "@effect/sql"
import { Effect } from "effect"

/**
 * "Find person" (staff-web.md §3) searches names and addresses with a case-insensitive "contains" (`ilike '%part%'`),
 * which a b-tree cannot serve. Trigram GIN indexes (pg_trgm, a trusted extension shipped with PostgreSQL, installed
 * in schema `kas`) let the planner find a part of a name among all persons without reading every row.
 */
export default Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  yield* sql.unsafe(`
create extension if not exists pg_trgm with schema kas;
create index person_name_trgm on kas.person using gin (name kas.gin_trgm_ops);
create index person_full_address_trgm on kas.person using gin (full_address kas.gin_trgm_ops);
`)
})
