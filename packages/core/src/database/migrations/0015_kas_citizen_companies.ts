import { SqlClient } from "@effect/sql"
import { Effect } from "effect"

/**
 * Issue 13 item 3: text one citizen types is not shown to other citizens. A pension company a citizen names in a
 * submission records the person-year that created it (`submitted_by_person_tax_year_id`); companies without it are
 * curated (the R75 import, the mock data, staff). `kas.citizen_companies(cpr)` is what a citizen may see: the curated
 * companies plus those on the citizen's own policies. `kas.company_name_key` is the name compared case- and
 * space-insensitively (the same as `companyNameKey` in domain/PensionCompany.ts).
 * Existing companies without a registration number that only one person's policies use are marked as that person's.
 */
export default Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  yield* sql.unsafe(`
alter table kas.pension_company add column submitted_by_person_tax_year_id integer
  references kas.person_tax_year(id);
create index pension_company_submitted_by on kas.pension_company (submitted_by_person_tax_year_id)
  where submitted_by_person_tax_year_id is not null;

create function kas.company_name_key(name text) returns text
  language sql immutable parallel safe
  as $$ select lower(regexp_replace(name, '\\s+', '', 'g')) $$;
create index pension_company_name_key on kas.pension_company (kas.company_name_key(name));

create function kas.citizen_companies(cpr text) returns setof kas.pension_company
  language sql stable
  as $$
    select c.* from kas.pension_company c
    where c.submitted_by_person_tax_year_id is null
      or exists (select 1 from kas.policy_tax_year pt
        join kas.person_tax_year y on y.id = pt.person_tax_year_id
        join kas.person p on p.id = y.person_id
        where pt.pension_company_id = c.id and p.cpr = citizen_companies.cpr)
  $$;

update kas.pension_company c set submitted_by_person_tax_year_id = owner.pty
from (
  select pt.pension_company_id as company, min(pt.person_tax_year_id) as pty
  from kas.policy_tax_year pt join kas.person_tax_year y on y.id = pt.person_tax_year_id
  group by pt.pension_company_id having count(distinct y.person_id) = 1
) owner
where owner.company = c.id and c.res is null;
`)
})
