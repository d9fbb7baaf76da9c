import { SqlClient } from "@effect/sql"
import { Effect } from "effect"

/** Wake-ups carry a payload: @effect/sql-pg's `listen` drops notifications whose payload is empty. */
export default Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  yield* sql`create or replace function jobs.notify_inserted() returns trigger language plpgsql as $$
    begin
      perform pg_notify('jobs_wake', 'inserted');
      return null;
    end
  $$`
})
