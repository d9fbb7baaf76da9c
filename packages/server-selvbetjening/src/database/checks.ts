import { SqlClient } from "@effect/sql"
import { Effect } from "effect"

/** The session table of selvbetjening (its own database) can be read: the `/health/storage/` check. */
export const checkSessionStorage = Effect.flatMap(
  SqlClient.SqlClient,
  (sql) => sql`select 1 from selvbetjening.sessions limit 1`
).pipe(Effect.asVoid)
