import { SqlClient } from "@effect/sql"
import { Context, Effect, Layer, Runtime } from "effect"
import type { Cpr } from "../../domain/Cpr.js"
import { PgPool } from "../PgPool.js"
import { batched } from "../internal/Batches.js"

const OVERVIEWS = "select cpr, overview from kas.citizen_overviews($1, $2)"

/**
 * A citizen's year overview (selvbetjening.md §16.4, the `CitizenOverview` contract) as the JSON text
 * `kas.citizen_overview` builds from the citizen views that `CitizenData` reads (migration 0014), filtered by the CPR
 * in SQL. A promise rather than an Effect: `/rest/overview/` sends the text as it comes, and an Effect fiber with
 * statement compilation per page view cost more than the query (bench/selvbetjening). Two layers answer alike (one
 * contract test): `layer`, the fast path, and `layerSql` on the process's SQL client.
 */
export class CitizenOverview extends Context.Tag("@kas/core/CitizenOverview")<
  CitizenOverview,
  { readonly json: (cpr: Cpr, year: number) => Promise<string> }
>() {
  /**
   * The fast path: a prepared statement on a plain `pg` pool beside the SQL client; the overviews asked for while
   * others are being read are gathered into one `kas.citizen_overviews` call per year (at most two calls at a time;
   * migration 0030: one statement for many citizens costs PostgreSQL about half as much per overview). Each caller
   * gets the row of its own CPR, nothing else.
   */
  static readonly layer = Layer.effect(
    CitizenOverview,
    Effect.map(PgPool, (pool) => {
      const read = batched<Cpr, number, string>((cprs, year) =>
        pool
          .query<{ cpr: Cpr; overview: string }>({
            name: "kas_citizen_overviews",
            text: OVERVIEWS,
            values: [cprs, year]
          })
          .then((r) => new Map(r.rows.map((row) => [row.cpr, row.overview])))
      )
      return CitizenOverview.of({ json: read })
    })
  ).pipe(Layer.provide(PgPool.layer()))

  /** The same answer through the process's SQL client (no pool of its own), one citizen per statement. */
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
