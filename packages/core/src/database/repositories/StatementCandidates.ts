import { SqlClient } from "@effect/sql"
import { Effect } from "effect"

/**
 * The person-years the bulk job "Generering af KAS slutopgørelser" generates a statement for (jobs.md §8.7): fully
 * tax liable, at least one active and slutlignet policy, and no valid statement yet. `FinalStatements.generateBulk`
 * checks the same again under the person-year's row lock.
 */
export class StatementCandidates extends Effect.Service<StatementCandidates>()("@kas/core/StatementCandidates", {
  effect: Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    return {
      /** The candidate person-year ids of a tax year, in id order. */
      ofYear: Effect.fn("StatementCandidates.ofYear")(function* (taxYearId: number) {
        const rows = yield* sql<{ id: number }>`select pty.id from kas.person_tax_year pty
          where pty.tax_year_id = ${taxYearId} and pty.fully_tax_liable
            and exists (select 1 from kas.policy_tax_year p where p.person_tax_year_id = pty.id and p.active
              and p.slutlignet)
            and not exists (select 1 from kas.final_statement s where s.person_tax_year_id = pty.id and not s.invalid)
          order by pty.id`
        return rows.map((r) => r.id)
      })
    }
  })
}) {}
