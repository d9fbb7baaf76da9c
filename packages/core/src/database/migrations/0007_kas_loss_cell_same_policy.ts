import { SqlClient } from "@effect/sql"
import { Effect } from "effect"

/**
 * domain.md §2.8: both ends of a loss cell are the same policy (same CPR, company and policy number) and `used_from`
 * is an earlier year than `used_for`. Enforced in the database for every writer:
 * - a new cell, and a cell whose ends change or whose value becomes non-zero, must link two years of the same policy,
 *   the earlier one giving (statement-level, one set-based check per INSERT/UPDATE);
 * - a policy-year whose identity changes (company, number or person-year) may not keep a non-zero cell to a year that
 *   is then another policy: the company and number changes and the merge set such cells to 0 first (§4.5), so that
 *   the zeroed cells keep their history.
 * Violations raise check_violation (23514) with the message of the staff form.
 */
export default Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  yield* sql.unsafe(`
create function kas.loss_cell_violations(from_ids integer[], for_ids integer[]) returns bigint language sql stable as $$
  select count(*)
  from unnest(from_ids, for_ids) as c(used_from_id, used_for_id)
  join kas.policy_tax_year a on a.id = c.used_from_id
  join kas.person_tax_year apty on apty.id = a.person_tax_year_id
  join kas.tax_year aty on aty.id = apty.tax_year_id
  join kas.policy_tax_year b on b.id = c.used_for_id
  join kas.person_tax_year bpty on bpty.id = b.person_tax_year_id
  join kas.tax_year bty on bty.id = bpty.tax_year_id
  where not (apty.person_id = bpty.person_id and a.pension_company_id = b.pension_company_id
             and a.policy_number = b.policy_number and aty.year < bty.year)
$$;

create function kas.loss_cell_check_insert() returns trigger language plpgsql as $$
begin
  if (select kas.loss_cell_violations(array_agg(n.used_from_id), array_agg(n.used_for_id)) from new_rows n) > 0 then
    raise exception 'Cellen skal gå fra et tidligere år af samme police' using errcode = '23514';
  end if;
  return null;
end $$;

create function kas.loss_cell_check_update() returns trigger language plpgsql as $$
begin
  if (select kas.loss_cell_violations(array_agg(n.used_from_id), array_agg(n.used_for_id))
      from new_rows n join old_rows o on o.id = n.id
      where n.used_from_id <> o.used_from_id or n.used_for_id <> o.used_for_id
         or (n.transferred_negative_payout > 0 and o.transferred_negative_payout = 0)) > 0 then
    raise exception 'Cellen skal gå fra et tidligere år af samme police' using errcode = '23514';
  end if;
  return null;
end $$;

create trigger loss_transfer_same_policy_insert after insert on kas.loss_transfer referencing new table as new_rows
  for each statement execute function kas.loss_cell_check_insert();
create trigger loss_transfer_same_policy_update after update on kas.loss_transfer
  referencing old table as old_rows new table as new_rows
  for each statement execute function kas.loss_cell_check_update();

create function kas.policy_identity_check() returns trigger language plpgsql as $$
begin
  if (select kas.loss_cell_violations(array_agg(c.used_from_id), array_agg(c.used_for_id))
      from kas.loss_transfer c
      where (c.used_from_id = new.id or c.used_for_id = new.id) and c.transferred_negative_payout <> 0) > 0 then
    raise exception 'En police med overført negativt afkast kan ikke skifte identitet før cellerne er nulstillet'
      using errcode = '23514';
  end if;
  return null;
end $$;

create trigger policy_tax_year_identity_check
  after update of pension_company_id, policy_number, person_tax_year_id on kas.policy_tax_year
  for each row when (old.pension_company_id is distinct from new.pension_company_id
    or old.policy_number is distinct from new.policy_number
    or old.person_tax_year_id is distinct from new.person_tax_year_id)
  execute function kas.policy_identity_check();
`)
})
