import { SqlClient } from "@effect/sql"
import { Effect } from "effect"

/**
 * The extract lists (staff-web.md §5) each select a small part of a year: partial indexes on exactly their rules, so
 * a list reads the few rows it shows instead of every policy or person-year (PersonExtracts, PolicyExtracts).
 */
export default Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  yield* sql.unsafe(`
create index policy_tax_year_efterbehandling on kas.policy_tax_year (person_tax_year_id)
  where active and efterbehandling;
create index policy_tax_year_amounts_differ on kas.policy_tax_year (person_tax_year_id)
  where active and self_reported_amount is not null and prefilled_amount is not null
    and self_reported_amount <> prefilled_amount;
create index person_tax_year_unhandled on kas.person_tax_year (tax_year_id)
  where not all_documents_and_notes_handled;
create index person_tax_year_notes on kas.person_tax_year (tax_year_id)
  where nullif(btrim(foreign_pension_notes), '') is not null or nullif(btrim(general_notes), '') is not null;
`)
})
