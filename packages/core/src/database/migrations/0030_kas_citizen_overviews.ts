import { SqlClient } from "@effect/sql"
import { Effect } from "effect"

/**
 * The year overview of several citizens in one statement (issue 18 item 1): kas web reads the overviews asked for
 * while earlier ones are being read together (`CitizenOverview.layer`), and one statement for ten citizens costs
 * PostgreSQL about half as much per overview as ten statements (most of a statement's cost here is starting its plan:
 * the lookups, sorts and aggregates of five parts). `kas.citizen_overviews(cprs, year)` answers one row per distinct
 * CPR with exactly the text `kas.citizen_overview` answered before (migration 0017, byte for byte): the same citizen
 * views, each part grouped by CPR instead of run once per citizen, every part filtered by the CPRs asked for.
 * `kas.citizen_overview(cpr, year)` is now this for one CPR, so the statement exists once. The plan is kept generic
 * (`plan_cache_mode`): with the default, a one-CPR call would plan anew every time (a custom plan is estimated
 * cheaper than the generic one for a one-element array, and planning this statement costs ten times running it).
 */
export default Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  yield* sql.unsafe(`
create function kas.citizen_overviews(p_cprs text[], p_year integer)
  returns table (cpr text, overview text)
  language plpgsql stable
  set plan_cache_mode = force_generic_plan
as $$
#variable_conflict use_column
begin
  return query with y as materialized (select * from kas.citizen_person_tax_year y where y.person = any(p_cprs)),
    x as materialized (select * from kas.citizen_policy x where x.cpr = any(p_cprs) and x.year = p_year and x.active)
  select q.cpr, json_build_object(
      'person_tax_years', coalesce(a.j, '[]'::json),
      'tax_year', t.j,
      'policies', coalesce(b.j, '[]'::json),
      'pension_companies', coalesce(c.j, '[]'::json),
      'final_statement_exists', exists (select 1 from kas.citizen_final_statement s
        where s.cpr = q.cpr and s.year = p_year)
    )::text
  from (select distinct u as cpr from unnest(p_cprs) u) q
  left join (select y.person, json_agg(y order by y.tax_year desc) as j from y group by y.person) a
    on a.person = q.cpr
  left join (select x.cpr, json_agg(json_build_object(
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
      order by x.company_name, x.policy_number, x.id) as j from x group by x.cpr) b
    on b.cpr = q.cpr
  left join (select u.cpr, json_agg(json_build_object('id', u.id, 'name', u.name,
      'address', u.address, 'email', u.email, 'phone', u.phone, 'res', u.res,
      'agreement_present', u.agreement_present) order by u.name, u.id) as j
    from (select distinct x.cpr, c.* from x join kas.pension_company c on c.id = x.pension_company) u
    group by u.cpr) c
    on c.cpr = q.cpr
  left join (select to_json(t) as j from kas.citizen_tax_year t where t.year = p_year) t on true;
end
$$;

create or replace function kas.citizen_overview(p_cpr text, p_year integer)
  returns text
  language plpgsql stable as $$
begin
  return (select o.overview from kas.citizen_overviews(array[p_cpr], p_year) o);
end
$$;
`)
})
