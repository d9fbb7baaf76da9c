import { SqlClient } from "@effect/sql"
import { Effect, Layer } from "effect"
import { EskatError } from "./EskatError.js"
import { EskatSource, make } from "./EskatSource.js"

/**
 * The mock source: the `eskat_mock` schema of the KAS database (eskat.md §5), with the eSkat view names and columns,
 * read with exactly the query text the live source sends to Oracle. The statement runs with the search path set to
 * `eskat_mock`, so the unqualified view names of the shared query resolve there.
 */
export const makeMock = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  const source = make({
    kind: "mock",
    bind: (i) => `$${i}`,
    execute: (text, params) =>
      // A reserved connection, so the search path never leaks into a caller's transaction.
      Effect.scoped(
        Effect.gen(function* () {
          const conn = yield* sql.reserve
          yield* conn.executeRaw("SET search_path TO eskat_mock", [])
          return yield* conn
            .executeValues(text, params)
            .pipe(Effect.ensuring(Effect.ignore(conn.executeRaw("RESET search_path", []))))
        })
      ).pipe(
        Effect.mapError(
          (cause) => new EskatError({ reason: "query", message: `eSkat mock query failed: ${cause.message}`, cause })
        )
      )
  })
  return { ...source, sameDatabase: { census: "eskat_mock.kas_mandtal", r75: "eskat_mock.mock_r75_idx_4500230" } }
})

/** `EskatSource` on the `eskat_mock` tables (development and tests). */
export const layerMock: Layer.Layer<EskatSource, never, SqlClient.SqlClient> = Layer.effect(EskatSource, makeMock)
