import type { SqlClient, SqlError } from "@effect/sql"
import { Effect } from "effect"
import { JobStoreError } from "../JobError.js"

/** A database error as the job runtime reports it. */
export const storeError = (e: SqlError.SqlError) => new JobStoreError({ reason: "query", message: e.message, cause: e })

/** Whether `e` is an `SqlError` (a failure of a transaction's own statements). */
export const isSqlError = (e: unknown): e is SqlError.SqlError =>
  typeof e === "object" && e !== null && "_tag" in e && e._tag === "SqlError"

/** Runs one statement of `sql.ts` with positional parameters; a database error becomes a `JobStoreError`. */
export type Query = <Row extends object>(
  text: string,
  params?: ReadonlyArray<unknown>
) => Effect.Effect<ReadonlyArray<Row>, JobStoreError>

/** The `Query` of a client: `sql.unsafe` (joins the current transaction). */
export const make =
  (sql: SqlClient.SqlClient): Query =>
  <Row extends object>(text: string, params: ReadonlyArray<unknown> = []) =>
    sql.unsafe<Row>(text, params as Array<unknown>).pipe(Effect.mapError(storeError))
