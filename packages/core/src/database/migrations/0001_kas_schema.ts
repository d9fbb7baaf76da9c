import { SqlClient } from "@effect/sql"
import { Effect } from "effect"

/** The domain schema; the domain tables follow in later migrations. */
export default Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  yield* sql`create schema if not exists kas`
})
