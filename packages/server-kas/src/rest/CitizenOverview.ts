import { Context, Effect, Layer } from "effect"
import { PgPool } from "@kas/core/web"

/**
 * `/rest/overview/` (selvbetjening.md §16.4): a citizen's year overview as the JSON text `kas.citizen_overview`
 * (migration 0011) builds, filtered by the CPR in SQL, read with a prepared statement on a plain pool. A promise rather
 * than an Effect: the route sends the text as it comes, and an Effect fiber with statement compilation per page view
 * cost more than the query (bench/selvbetjening). selvbetjening decodes every answer with the shared Schema.
 */
export class CitizenOverview extends Context.Tag("@kas/server-kas/CitizenOverview")<
  CitizenOverview,
  { readonly json: (cpr: string, year: number) => Promise<string> }
>() {
  static readonly layer = Layer.effect(
    CitizenOverview,
    Effect.map(PgPool, (pool) =>
      CitizenOverview.of({
        json: (cpr, year) =>
          pool
            .query<{ overview: string }>({ name: "kas_citizen_overview", text: "select kas.citizen_overview($1, $2) as overview", values: [cpr, year] })
            .then((r) => r.rows[0]!.overview)
      })
    )
  ).pipe(Layer.provide(PgPool.layer()))
}
