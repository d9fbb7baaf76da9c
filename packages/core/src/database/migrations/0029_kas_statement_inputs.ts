import { SqlClient } from "@effect/sql"
import { Effect } from "effect"

/**
 * `kas.statement_inputs(person_tax_year_id, lock)`: everything a final statement is generated from (domain.md §5.1,
 * integrations.md §5.2) in one call, as JSON: the person-year with its person, tax year, open lock, valid statement
 * count and today; all its policy-years (id, number, company, active, slutlignet); the whole family (every year and
 * loss cell) of each active one, with the columns `FamilyStore.loadFamilies` reads; its transactions. Before this,
 * `StatementInputs` and `FinalStatements` read the same in about eight statements per statement, each planned anew
 * (planning was most of PostgreSQL's time per statement); PL/pgSQL keeps the plans of its statements per connection.
 *
 * With `lock` it first locks the person-year row (against a concurrent generation) and shares the tax year's row
 * (against a change of period), as `FinalStatements` did with two statements. The function is volatile, so each of its
 * statements takes a new snapshot: the reads after the locks see every change committed before the locks were
 * granted, as the separate statements did. Null when the person-year does not exist.
 */
export default Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  yield* sql.unsafe(`
create function kas.statement_inputs(p_person_tax_year_id int, p_lock boolean) returns json
language plpgsql volatile as $$
declare
  v_tax_year_id int;
  v_doc json;
begin
  if p_lock then
    select tax_year_id into v_tax_year_id from kas.person_tax_year where id = p_person_tax_year_id for update;
    if not found then
      return null;
    end if;
    perform 1 from kas.tax_year where id = v_tax_year_id for share;
  end if;
  select json_build_object(
    'tax_year_id', ty.id, 'year', ty.year, 'year_part', ty.year_part, 'cpr', p.cpr, 'name', p.name,
    'address', json_build_array(p.address_line_1, p.address_line_2, p.address_line_3, p.address_line_4,
      p.address_line_5),
    'number_of_days', pty.number_of_days, 'fully_tax_liable', pty.fully_tax_liable, 'today', kas.today(),
    'lock_id', (select l.id from kas.lock l where l.tax_year_id = ty.id and l.interval_to is null),
    'valid_statements', (select count(*) from kas.final_statement s
      where s.person_tax_year_id = pty.id and not s.invalid),
    'policies', (select coalesce(json_agg(json_build_object('id', x.id, 'policy_number', x.policy_number,
        'company_name', pc.name, 'active', x.active, 'slutlignet', x.slutlignet) order by x.id), '[]')
      from kas.policy_tax_year x join kas.pension_company pc on pc.id = x.pension_company_id
      where x.person_tax_year_id = pty.id),
    'members', (select coalesce(json_agg(m), '[]') from (
      select f.id, fty.year, pty.person_id || ':' || t.pension_company_id || ':' || t.policy_number as family,
        f.active, fpty.number_of_days, f.assessed_amount, f.self_reported_amount, f.prefilled_amount,
        f.prefilled_amount_edited, f.base_calculation_amount, f.year_adjusted_amount, f.calculated_full_tax,
        f.calculated_result, f.available_negative_return, f.used_negative_return, f.indifference_limited,
        f.foreign_paid_amount_actual, f.preliminary_paid_amount, f.slutlignet, f.efterbehandling,
        ((fpc.agreement_present or f.company_pay_override) and not f.citizen_pay_override) as company_pays
      from (select distinct x.pension_company_id, x.policy_number from kas.policy_tax_year x
        where x.person_tax_year_id = pty.id and x.active) t
      join kas.person_tax_year fpty on fpty.person_id = pty.person_id
      join kas.policy_tax_year f on f.person_tax_year_id = fpty.id and f.pension_company_id = t.pension_company_id
        and f.policy_number = t.policy_number
      join kas.tax_year fty on fty.id = fpty.tax_year_id
      join kas.pension_company fpc on fpc.id = f.pension_company_id) m),
    'cells', (select coalesce(json_agg(json_build_object('used_from_id', c.used_from_id,
        'used_for_id', c.used_for_id, 'transferred_negative_payout', c.transferred_negative_payout,
        'protected_against_recalculations', c.protected_against_recalculations)), '[]')
      from (select distinct x.pension_company_id, x.policy_number from kas.policy_tax_year x
        where x.person_tax_year_id = pty.id and x.active) t
      join kas.person_tax_year fpty on fpty.person_id = pty.person_id
      join kas.policy_tax_year f on f.person_tax_year_id = fpty.id and f.pension_company_id = t.pension_company_id
        and f.policy_number = t.policy_number
      join kas.loss_transfer c on c.used_for_id = f.id),
    'transactions', (select coalesce(json_agg(json_build_object('type', tr.type, 'status', tr.status,
        'amount', tr.amount, 'created_at', tr.created_at) order by tr.created_at), '[]')
      from kas.transaction tr where tr.person_tax_year_id = pty.id)
  ) into v_doc
  from kas.person_tax_year pty
  join kas.tax_year ty on ty.id = pty.tax_year_id
  join kas.person p on p.id = pty.person_id
  where pty.id = p_person_tax_year_id;
  return v_doc;
end $$;
`)
})
