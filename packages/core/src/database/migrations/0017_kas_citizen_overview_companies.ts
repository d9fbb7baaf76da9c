import { SqlClient } from "@effect/sql"
import { Effect } from "effect"

/**
 * The year overview names the companies of its policies (`pension_companies`: the companies of the active policies
 * of the year, as `/rest/pension_company/` answers them, ordered by name): since issue 13 the companies a citizen may
 * see differ per citizen, and a second back-office call per page view for them halved the overview's throughput
 * (bench/selvbetjening). The companies of a citizen's own policies are always among those `kas.citizen_companies`
 * lets the citizen see. The active policies are selected once (a CTE) for both parts.
 */
export default Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  yield* sql.unsafe(`
create or replace function kas.citizen_overview(p_cpr text, p_year integer)
  returns text
  language plpgsql stable as $$
#variable_conflict use_column
begin
  return (with x as materialized (select * from kas.citizen_policy x
      where x.cpr = p_cpr and x.year = p_year and x.active)
    select json_build_object(
    'person_tax_years', (select coalesce(json_agg(y order by y.tax_year desc), '[]'::json)
      from kas.citizen_person_tax_year y where y.person = p_cpr),
    'tax_year', (select to_json(t) from kas.citizen_tax_year t where t.year = p_year),
    'policies', (select coalesce(json_agg(json_build_object(
        'id', x.id, 'policy_number', x.policy_number, 'pension_company', x.pension_company,
        'person_tax_year', x.person_tax_year, 'active', x.active, 'updated_by', x.updated_by,
        'prefilled_amount', x.prefilled_amount, 'prefilled_adjusted_amount', x.prefilled_adjusted_amount,
        'self_reported_amount', x.self_reported_amount, 'year_adjusted_amount', x.year_adjusted_amount,
        'calculated_result', x.calculated_result,
        'applied_deduction_from_previous_years', x.applied_deduction_from_previous_years,
        'available_deduction_from_previous_years', x.available_deduction_from_previous_years,
        'preliminary_paid_amount', x.preliminary_paid_amount, 'from_pension', x.from_pension,
        'foreign_paid_amount_self_reported', x.foreign_paid_amount_self_reported,
        'foreign_paid_amount_actual', x.foreign_paid_amount_actual, 'pension_company_pays', x.pension_company_pays,
        'documents', x.documents)
        order by x.company_name, x.policy_number, x.id), '[]'::json) from x),
    'pension_companies', (select coalesce(json_agg(json_build_object('id', c.id, 'name', c.name,
        'address', c.address, 'email', c.email, 'phone', c.phone, 'res', c.res,
        'agreement_present', c.agreement_present) order by c.name, c.id), '[]'::json)
      from kas.pension_company c where c.id in (select x.pension_company from x)),
    'final_statement_exists', exists (select 1 from kas.citizen_final_statement s
      where s.cpr = p_cpr and s.year = p_year)
  )::text);
end
$$;
`)
})
