import { SqlClient } from "@effect/sql"
import { Effect } from "effect"
import { sessionTableSql } from "@kas/core/web"

/** Citizen sessions (selvbetjening's own small database, configuration.md §5). */
export default Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  yield* sql`create schema if not exists selvbetjening`
  yield* sql.unsafe(sessionTableSql("selvbetjening.sessions"))
})
