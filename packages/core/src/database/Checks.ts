import { SqlClient } from "@effect/sql"
import { Effect } from "effect"

/** The database answers (the `/health/database/` check of every process). */
export const pingDatabase = Effect.flatMap(SqlClient.SqlClient, (sql) => sql`select 1`).pipe(Effect.asVoid)

/** The file storage of KAS (`kas.file`) can be read (kas web's `/health/storage/` check). */
export const checkFileStorage = Effect.flatMap(SqlClient.SqlClient, (sql) => sql`select 1 from kas.file limit 1`).pipe(
  Effect.asVoid
)
