import { SqlClient } from "@effect/sql"
import { Effect } from "effect"

/**
 * `kas.citizen_overview(cpr, year)` now answers the whole REST year overview (`/rest/overview/`, selvbetjening.md
 * §16.4, the `CitizenOverview` contract) as JSON text, so that kas web sends it as PostgreSQL built it: no row
 * decoding,
 * no Schema encode, no JSON round trip in Node (selvbetjening still decodes every answer with the shared Schema). The
 * derived fields of the resources are computed here as in `PolicyCalculation` (same double arithmetic):
 * `days_in_year` (366 in a leap year), `days_in_year_factor` (number_of_days / days_in_year, 1 when null),
 * `prefilled_adjusted_amount` (trunc((edited ?? prefilled) × factor), null when both are null); `uploaded_at` is ISO
 * 8601 UTC with milliseconds like `Date.toISOString`. The selects are those of the person-year, policy and
 * final-statement resources in server-kas `CitizenData.ts`: change them together (the REST test compares the overview
 * with the separate resources). Still PL/pgSQL, so that its plan is kept per connection.
 */
export default Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  yield* sql.unsafe(`
drop function kas.citizen_overview(text, integer);
create function kas.citizen_overview(p_cpr text, p_year integer)
  returns text
  language plpgsql stable as $$
#variable_conflict use_column
begin
  return (select json_build_object(
    'person_tax_years', (select coalesce(json_agg(json_build_object(
        'id', y.id, 'tax_year', y.tax_year, 'person', y.person, 'fully_tax_liable', y.fully_tax_liable,
        'number_of_days', y.number_of_days,
        'days_in_year_factor', case when y.number_of_days is null then 1::float8
          else y.number_of_days::float8 / (case when (y.tax_year % 4 = 0 and y.tax_year % 100 <> 0)
            or y.tax_year % 400 = 0 then 366 else 365 end) end,
        'foreign_pension_notes', y.foreign_pension_notes, 'general_notes', y.general_notes, 'updated_by', y.updated_by)
        order by y.tax_year desc), '[]'::json) from (
      select pty.id, ty.year as tax_year, p.cpr as person, pty.fully_tax_liable, pty.number_of_days,
        pty.foreign_pension_notes, pty.general_notes, pty.updated_by
      from kas.person_tax_year pty join kas.person p on p.id = pty.person_id
        join kas.tax_year ty on ty.id = pty.tax_year_id
      where p.cpr = p_cpr) y),
    'tax_year', (select json_build_object('id', t.id, 'year', t.year,
        'days_in_year', case when (t.year % 4 = 0 and t.year % 100 <> 0) or t.year % 400 = 0 then 366 else 365 end,
        'year_part', t.year_part) from kas.tax_year t where t.year = p_year),
    'policies', (select coalesce(json_agg(json_build_object(
        'id', x.id, 'policy_number', x.policy_number, 'pension_company', x.pension_company,
        'person_tax_year', x.person_tax_year, 'active', x.active, 'updated_by', x.updated_by,
        'prefilled_amount', x.prefilled_amount,
        'prefilled_adjusted_amount', case when coalesce(x.prefilled_amount_edited, x.prefilled_amount) is null then null
          else trunc(coalesce(x.prefilled_amount_edited, x.prefilled_amount)::float8
            * case when x.number_of_days is null then 1::float8
              else x.number_of_days::float8 / (case when (x.year % 4 = 0 and x.year % 100 <> 0)
                or x.year % 400 = 0 then 366 else 365 end) end)::bigint end,
        'self_reported_amount', x.self_reported_amount, 'year_adjusted_amount', x.year_adjusted_amount,
        'calculated_result', x.calculated_result, 'applied_deduction_from_previous_years', x.applied,
        'available_deduction_from_previous_years', x.available_negative_return,
        'preliminary_paid_amount', x.preliminary_paid_amount, 'from_pension', x.from_pension,
        'foreign_paid_amount_self_reported', x.foreign_paid_amount_self_reported,
        'foreign_paid_amount_actual', x.foreign_paid_amount_actual, 'pension_company_pays', x.pension_company_pays,
        'documents', x.documents)
        order by x.company_name, x.policy_number, x.id), '[]'::json) from (
      select pt.id, pt.policy_number, pt.pension_company_id as pension_company,
        pt.person_tax_year_id as person_tax_year,
        pt.active, pt.updated_by, pt.prefilled_amount, pt.prefilled_amount_edited, pt.self_reported_amount,
        pt.year_adjusted_amount, pt.calculated_result, pt.available_negative_return, pt.preliminary_paid_amount,
        pt.from_pension, pt.foreign_paid_amount_self_reported, pt.foreign_paid_amount_actual,
        ((pc.agreement_present or pt.company_pay_override) and not pt.citizen_pay_override) as pension_company_pays,
        coalesce((select sum(lt.transferred_negative_payout) from kas.loss_transfer lt
          where lt.used_for_id = pt.id), 0)::bigint as applied,
        pty.number_of_days, ty.year, pc.name as company_name,
        coalesce((select json_agg(json_build_object('id', d.id, 'name', d.name, 'description', d.description,
          'uploaded_at', to_char(d.uploaded_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')) order by d.id)
          from kas.policy_document d
          where d.policy_tax_year_id = pt.id and d.uploaded_by_id is null), '[]'::json) as documents
      from kas.policy_tax_year pt
      join kas.person_tax_year pty on pty.id = pt.person_tax_year_id
      join kas.person p on p.id = pty.person_id
      join kas.tax_year ty on ty.id = pty.tax_year_id
      join kas.pension_company pc on pc.id = pt.pension_company_id
      where p.cpr = p_cpr and ty.year = p_year and pt.active) x),
    'final_statement_exists', exists (select 1 from kas.final_statement fs
      join kas.person_tax_year pty on pty.id = fs.person_tax_year_id
      join kas.person p on p.id = pty.person_id join kas.tax_year ty on ty.id = pty.tax_year_id
      join kas.file f on f.id = fs.pdf_file_id
      where p.cpr = p_cpr and ty.year = p_year and not fs.invalid and fs.status = 'send' and f.size > 0)
  )::text);
end
$$`)
})
