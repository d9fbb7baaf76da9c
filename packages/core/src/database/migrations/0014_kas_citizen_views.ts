import { SqlClient } from "@effect/sql"
import { Effect } from "effect"

/**
 * One citizen view of the data (selvbetjening.md §16.3–§16.4, §16.7): the selects that the REST resources
 * (`CitizenData`) and the year overview (`kas.citizen_overview`) share, written once as views, with the derived fields
 * of the resources computed here as `PolicyCalculation` does (same double arithmetic):
 * - `kas.days_in_year(year)`: 366 in a leap year, else 365 (the SQL copy of `DaysInYear`; the days check of a
 *   person-year uses it too);
 * - `kas.citizen_tax_year`, `kas.citizen_person_tax_year` (`days_in_year_factor`: number_of_days / days_in_year, 1
 *   when null): exactly the contract's fields;
 * - `kas.citizen_document`: a citizen's documents of a policy, `uploaded_at` as ISO 8601 UTC with milliseconds like
 *   `Date.toISOString`;
 * - `kas.citizen_policy`: the contract's fields (`prefilled_adjusted_amount` = trunc((edited ?? prefilled) × factor),
 *   null when both are null; the deduction applied from earlier years; who pays; the documents as JSON) plus `cpr`,
 *   `year` and `company_name` to filter and sort by;
 * - `kas.citizen_final_statement`: the valid, sent final statements with a non-empty PDF.
 * Every citizen query filters by the CPR. The views are inlined by the planner: the overview (still PL/pgSQL, so
 * that its plan is kept per connection) runs the same plan as before.
 */
export default Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  yield* sql.unsafe(`
create function kas.days_in_year(p_year integer) returns integer
  language sql immutable parallel safe as
$$ select case when (p_year % 4 = 0 and p_year % 100 <> 0) or p_year % 400 = 0 then 366 else 365 end $$;

create or replace function kas.person_tax_year_days_check() returns trigger language plpgsql as $$
declare y integer;
begin
  if new.number_of_days is not null and new.number_of_days > 365 then
    select year into y from kas.tax_year where id = new.tax_year_id;
    if new.number_of_days > kas.days_in_year(y) then
      raise exception 'number_of_days % exceeds the days of tax year %', new.number_of_days, y
        using errcode = '23514';
    end if;
  end if;
  return new;
end $$;

create view kas.citizen_tax_year as
  select t.id, t.year, kas.days_in_year(t.year) as days_in_year, t.year_part
  from kas.tax_year t;

create view kas.citizen_person_tax_year as
  select pty.id, ty.year as tax_year, p.cpr as person, pty.fully_tax_liable, pty.number_of_days,
    case when pty.number_of_days is null then 1::float8
      else pty.number_of_days::float8 / kas.days_in_year(ty.year) end as days_in_year_factor,
    pty.foreign_pension_notes, pty.general_notes, pty.updated_by
  from kas.person_tax_year pty
  join kas.person p on p.id = pty.person_id
  join kas.tax_year ty on ty.id = pty.tax_year_id;

create view kas.citizen_document as
  select d.id, d.policy_tax_year_id as policy_tax_year, d.person_tax_year_id as person_tax_year, d.name,
    d.description, to_char(d.uploaded_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as uploaded_at
  from kas.policy_document d
  where d.uploaded_by_id is null and d.policy_tax_year_id is not null;

create view kas.citizen_policy as
  select pt.id, pt.policy_number, pt.pension_company_id as pension_company, pt.person_tax_year_id as person_tax_year,
    pt.active, pt.updated_by, pt.prefilled_amount,
    case when coalesce(pt.prefilled_amount_edited, pt.prefilled_amount) is null then null
      else trunc(coalesce(pt.prefilled_amount_edited, pt.prefilled_amount)::float8
        * case when pty.number_of_days is null then 1::float8
          else pty.number_of_days::float8 / kas.days_in_year(ty.year) end)::bigint end as prefilled_adjusted_amount,
    pt.self_reported_amount, pt.year_adjusted_amount, pt.calculated_result,
    coalesce((select sum(lt.transferred_negative_payout) from kas.loss_transfer lt where lt.used_for_id = pt.id),
      0)::bigint as applied_deduction_from_previous_years,
    pt.available_negative_return as available_deduction_from_previous_years,
    pt.preliminary_paid_amount, pt.from_pension, pt.foreign_paid_amount_self_reported, pt.foreign_paid_amount_actual,
    ((pc.agreement_present or pt.company_pay_override) and not pt.citizen_pay_override) as pension_company_pays,
    coalesce((select json_agg(json_build_object('id', d.id, 'name', d.name, 'description', d.description,
      'uploaded_at', d.uploaded_at) order by d.id) from kas.citizen_document d where d.policy_tax_year = pt.id),
      '[]'::json) as documents,
    p.cpr, ty.year, pc.name as company_name
  from kas.policy_tax_year pt
  join kas.person_tax_year pty on pty.id = pt.person_tax_year_id
  join kas.person p on p.id = pty.person_id
  join kas.tax_year ty on ty.id = pty.tax_year_id
  join kas.pension_company pc on pc.id = pt.pension_company_id;

create view kas.citizen_final_statement as
  select p.cpr, ty.year, fs.pdf_file_id, fs.created_at
  from kas.final_statement fs
  join kas.person_tax_year pty on pty.id = fs.person_tax_year_id
  join kas.person p on p.id = pty.person_id
  join kas.tax_year ty on ty.id = pty.tax_year_id
  join kas.file f on f.id = fs.pdf_file_id
  where not fs.invalid and fs.status = 'send' and f.size > 0;

create or replace function kas.citizen_overview(p_cpr text, p_year integer)
  returns text
  language plpgsql stable as $$
#variable_conflict use_column
begin
  return (select json_build_object(
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
        order by x.company_name, x.policy_number, x.id), '[]'::json)
      from kas.citizen_policy x where x.cpr = p_cpr and x.year = p_year and x.active),
    'final_statement_exists', exists (select 1 from kas.citizen_final_statement s
      where s.cpr = p_cpr and s.year = p_year)
  )::text);
end
$$;
`)
})
