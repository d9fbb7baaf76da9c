import { SqlClient } from "@effect/sql"
import { Effect } from "effect"

/**
 * Issue 19 (domain.md §4.2 step 6): a policy-year stores the deduction its taxes were computed with,
 * `used_negative_return`, so that the invariant "used_negative_return = Σ of the cells into the year" can be checked
 * (`LossMatrixCheck`). Existing rows get what their last recalculation deducted, which the stored row determines:
 * §3.3 uses the whole pool oldest first until nothing is taxable, so it deducted min(max(0, year-adjusted amount),
 * pool). Rows written before the cap that deducted more than their cells record therefore show up in the check.
 * The backfill is not audited (no policy changed; the value was implied by the row), so it writes no history.
 */
export default Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  yield* sql.unsafe(`
alter table kas.policy_tax_year add column used_negative_return bigint not null default 0
  check (used_negative_return >= 0);
alter table kas.policy_tax_year disable trigger policy_tax_year_audit_update;
update kas.policy_tax_year
  set used_negative_return = least(greatest(year_adjusted_amount, 0), coalesce(available_negative_return, 0))
  where least(greatest(year_adjusted_amount, 0), coalesce(available_negative_return, 0)) > 0;
alter table kas.policy_tax_year enable trigger policy_tax_year_audit_update;
`)
})
