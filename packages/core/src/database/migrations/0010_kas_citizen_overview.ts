import { SqlClient } from "@effect/sql"
import { Effect } from "effect"

/**
 * `kas.citizen_overview(cpr, year)`: the raw rows of the REST year overview (selvbetjening.md §16.4, `/rest/overview/`)
 * as JSON: the person's years, the tax year, the active policies of the year and whether a sent final statement exists.
 * It is PL/pgSQL so that PostgreSQL keeps the plan per connection: planning the statement (4 subqueries, a five-way
 * join) took ~3.5 ms against ~0.5 ms to run it, for every page view. The selects are those of the person-year, policy
 * and final-statement resources in server-kas `CitizenData.ts`: change them together (the REST test compares the
 * overview with the separate resources).
 */
export default Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  yield* sql.unsafe(`
create function kas.citizen_overview(p_cpr text, p_year integer)
  returns table (years json, tax_year json, policies json, statement boolean)
  language plpgsql stable as $$
#variable_conflict use_column
begin
  return query select
    (select coalesce(json_agg(y order by y.tax_year desc), '[]'::json) from (
      select pty.id, ty.year as tax_year, p.cpr as person, pty.fully_tax_liable, pty.number_of_days,
        pty.foreign_pension_notes, pty.general_notes, pty.updated_by
      from kas.person_tax_year pty join kas.person p on p.id = pty.person_id
        join kas.tax_year ty on ty.id = pty.tax_year_id
      where p.cpr = p_cpr) y),
    (select json_build_object('id', t.id, 'year', t.year, 'year_part', t.year_part)
      from kas.tax_year t where t.year = p_year),
    (select coalesce(json_agg(x order by x.company_name, x.policy_number, x.id), '[]'::json) from (
      select pt.id, pt.policy_number, pt.pension_company_id as pension_company,
        pt.person_tax_year_id as person_tax_year,
        pt.active, pt.updated_by, pt.prefilled_amount, pt.prefilled_amount_edited, pt.self_reported_amount,
        pt.year_adjusted_amount, pt.calculated_result, pt.available_negative_return, pt.preliminary_paid_amount,
        pt.from_pension, pt.foreign_paid_amount_self_reported, pt.foreign_paid_amount_actual,
        ((pc.agreement_present or pt.company_pay_override) and not pt.citizen_pay_override) as pension_company_pays,
        coalesce((select sum(lt.transferred_negative_payout) from kas.loss_transfer lt
          where lt.used_for_id = pt.id), 0)::text as applied,
        pty.number_of_days, ty.year, pc.name as company_name,
        coalesce((select json_agg(json_build_object('id', d.id, 'name', d.name, 'description', d.description,
          'uploaded_at', d.uploaded_at) order by d.id) from kas.policy_document d
          where d.policy_tax_year_id = pt.id and d.uploaded_by_id is null), '[]'::json) as documents
      from kas.policy_tax_year pt
      join kas.person_tax_year pty on pty.id = pt.person_tax_year_id
      join kas.person p on p.id = pty.person_id
      join kas.tax_year ty on ty.id = pty.tax_year_id
      join kas.pension_company pc on pc.id = pt.pension_company_id
      where p.cpr = p_cpr and ty.year = p_year and pt.active) x),
    exists (select 1 from kas.final_statement fs
      join kas.person_tax_year pty on pty.id = fs.person_tax_year_id
      join kas.person p on p.id = pty.person_id join kas.tax_year ty on ty.id = pty.tax_year_id
      join kas.file f on f.id = fs.pdf_file_id
      where p.cpr = p_cpr and ty.year = p_year and not fs.invalid and fs.status = 'send' and f.size > 0);
end
$$`)
})
