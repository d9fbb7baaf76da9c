import type { SqlClient, SqlConnection, SqlError } from "@effect/sql"
import { Effect, Exit, Scope } from "effect"

/** A reserved connection for a worker's cycle statements. */
export interface Connection {
  readonly execute: <Row extends object>(
    text: string,
    params: ReadonlyArray<unknown>
  ) => Effect.Effect<ReadonlyArray<Row>, SqlError.SqlError>
}

/**
 * Runs a worker's cycle statements on a connection it keeps reserved (released when the worker's scope closes).
 * `sql.unsafe` acquires a pooled connection and opens a span and a scope for every statement: most of the worker's
 * CPU per batch of no-op jobs. A connection that failed is given back (the pool drops a broken one) and another is
 * reserved for the next statement; a second statement while the first is in flight uses the pool. Rows are not
 * transformed on either path.
 */
export const make = (sql: SqlClient.SqlClient): Effect.Effect<Connection, never, Scope.Scope> =>
  Effect.gen(function* () {
    let current: { readonly conn: SqlConnection.Connection; readonly scope: Scope.CloseableScope } | undefined
    let busy = false
    const drop = (c: NonNullable<typeof current>) =>
      Effect.suspend(() => {
        if (current === c) current = undefined
        return Scope.close(c.scope, Exit.void)
      })
    yield* Effect.addFinalizer(() => (current ? drop(current) : Effect.void))
    const reserve = Effect.gen(function* () {
      const scope = yield* Scope.make()
      const conn = yield* sql.reserve.pipe(
        Scope.extend(scope),
        Effect.onError(() => Scope.close(scope, Exit.void))
      )
      current = { conn, scope }
      return current
    })
    const execute = <Row extends object>(
      text: string,
      params: ReadonlyArray<unknown>
    ): Effect.Effect<ReadonlyArray<Row>, SqlError.SqlError> =>
      Effect.suspend(() => {
        if (busy) return sql.unsafe<Row>(text, params).withoutTransform
        busy = true
        return (current ? Effect.succeed(current) : reserve).pipe(
          Effect.flatMap((c) => c.conn.execute(text, params, undefined).pipe(Effect.tapError(() => drop(c)))),
          Effect.ensuring(Effect.sync(() => (busy = false)))
        )
      })
    return { execute }
  })
