import { SqlClient } from "@effect/sql"
import { Effect } from "effect"

/**
 * All domain data at once (jobs.md §8.12 step 1): every table of the `kas` schema emptied in one statement (staff
 * users and groups live in `web` and stay). For the development-only sample-data job; the caller checks that.
 */
export class DomainData extends Effect.Service<DomainData>()("@kas/core/DomainData", {
  effect: Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    return {
      wipe: Effect.fn("DomainData.wipe")(function* () {
        const tables = yield* sql<{ name: string }>`select quote_ident(table_name) as name
          from information_schema.tables where table_schema = 'kas' and table_type = 'BASE TABLE' order by table_name`
        if (tables.length === 0) return 0
        yield* sql.unsafe(`truncate ${tables.map((t) => `kas.${t.name}`).join(", ")} restart identity cascade`)
        return tables.length
      })
    }
  })
}) {}
