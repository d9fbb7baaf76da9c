import { SqlClient } from "@effect/sql"
import { Context, Effect, Layer, Runtime } from "effect"
import type { Cpr } from "../../domain/Cpr.js"
import { PgPool } from "../PgPool.js"

const OVERVIEW = "select kas.citizen_overview($1, $2) as overview"

/**
 * A citizen's year overview (selvbetjening.md §16.4, the `CitizenOverview` contract) as the JSON text
 * `kas.citizen_overview` builds from the citizen views that `CitizenData` reads (migration 0014), filtered by the CPR
 * in SQL. A promise rather than an Effect: `/rest/overview/` sends the text as it comes, and an Effect fiber with
 * statement compilation per page view cost more than the query (bench/selvbetjening). Two layers answer alike (one
 * contract test): `layer`, the fast path (a prepared statement on a plain pool, `PgPool`), and `layerSql` on the
 * process's SQL client.
 */
export class CitizenOverview extends Context.Tag("@kas/core/CitizenOverview")<
  CitizenOverview,
  { readonly json: (cpr: Cpr, year: number) => Promise<string> }
>() {
  /** The fast path: a prepared statement on a plain `pg` pool beside the SQL client. */
  static readonly layer = Layer.effect(
    CitizenOverview,
    Effect.map(PgPool, (pool) =>
      CitizenOverview.of({
        json: (cpr, year) =>
          pool
            .query<{ overview: string }>({ name: "kas_citizen_overview", text: OVERVIEW, values: [cpr, year] })
            .then((r) => r.rows[0]!.overview)
      })
    )
  ).pipe(Layer.provide(PgPool.layer()))

  /** The same answer through the process's SQL client (no pool of its own). */
  static readonly layerSql = Layer.effect(
    CitizenOverview,
    Effect.gen(function* () {
      const sql = yield* SqlClient.SqlClient
      const run = Runtime.runPromise(yield* Effect.runtime<never>())
      return CitizenOverview.of({
        json: (cpr, year) =>
          run(sql<{ overview: string }>`select kas.citizen_overview(${cpr}, ${year}) as overview`).then(
            (rows) => rows[0]!.overview
          )
      })
    })
  )
}
