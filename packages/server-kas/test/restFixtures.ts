import pg from "pg"

/** CPRs of the two citizens of the REST tests. */
export const CPR_A = "1802602810"
export const CPR_B = "0101709901"

/** Ids of the fixture rows. */
export interface Fixture {
  readonly personA: number
  readonly personB: number
  readonly ptyA: number
  readonly ptyB: number
  readonly ptyAOld: number
  readonly policyA: number
  readonly policyB: number
  readonly docA: number
  readonly docB: number
  readonly companyPfa: number
  readonly companyOther: number
}

/** Runs SQL on a test database. */
export const query = async <R extends pg.QueryResultRow>(
  url: string,
  text: string,
  values: ReadonlyArray<unknown> = []
) => {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    return (await client.query<R>(text, [...values])).rows
  } finally {
    await client.end()
  }
}

/**
 * Two citizens with a person-year in the edit year (selvangivelse) and one in an older year (ligning), a policy and a
 * citizen document each (plus a staff document for A, which the API must never show).
 */
export const seedCitizens = async (url: string, editYear: number): Promise<Fixture> => {
  const one = async (text: string, values: ReadonlyArray<unknown> = []) =>
    (await query<{ id: number }>(url, text, values))[0]!.id
  await query(url, `insert into kas.tax_year (year, year_part) values ($1, 'selvangivelse'), ($2, 'ligning')`, [
    editYear,
    editYear - 1
  ])
  const ty = async (y: number) => one(`select id from kas.tax_year where year = $1`, [y])
  const companyPfa = await one(
    `insert into kas.pension_company (name, res, agreement_present) values ('PFA Pension', 19999, false) returning id`
  )
  const companyOther = await one(
    `insert into kas.pension_company (name, res, agreement_present) values ('Danica', 28888, true) returning id`
  )
  const personA = await one(`insert into kas.person (cpr, name) values ($1, 'Anna Testesen') returning id`, [CPR_A])
  const personB = await one(`insert into kas.person (cpr, name) values ($1, 'Bent Andersen') returning id`, [CPR_B])
  const pty = async (p: number, y: number, days: number | null) =>
    one(`insert into kas.person_tax_year (tax_year_id, person_id, number_of_days) values ($1, $2, $3) returning id`, [
      await ty(y),
      p,
      days
    ])
  const ptyA = await pty(personA, editYear, 200)
  const ptyAOld = await pty(personA, editYear - 1, null)
  const ptyB = await pty(personB, editYear, null)
  const policy = async (ptyId: number, company: number, number: string, prefilled: number) =>
    one(
      `insert into kas.policy_tax_year (person_tax_year_id, pension_company_id, policy_number, prefilled_amount)
       values ($1, $2, $3, $4) returning id`,
      [ptyId, company, number, prefilled]
    )
  const policyA = await policy(ptyA, companyPfa, "A-1", 10000)
  await policy(ptyAOld, companyPfa, "A-1", 8000)
  const policyB = await policy(ptyB, companyOther, "B-1", 20000)
  const file = async () =>
    one(
      `insert into kas.file (kind, folder, name, size, content)
       values ('policy_document', 'policy_document', 'x.pdf', 5, '\\x255044462d'::bytea) returning id::text as id`
    )
  const doc = async (ptyId: number, policyId: number, name: string, uploadedBy: number | null) =>
    one(
      `insert into kas.policy_document (person_tax_year_id, policy_tax_year_id, uploaded_by_id, name, description,
         file_id)
       values ($1, $2, $3, $4, 'beskrivelse', $5::uuid) returning id`,
      [ptyId, policyId, uploadedBy, name, await file()]
    )
  const docA = await doc(ptyA, policyA, "a.pdf", null)
  await doc(ptyA, policyA, "staff.pdf", 1)
  const docB = await doc(ptyB, policyB, "b.pdf", null)
  return { personA, personB, ptyA, ptyB, ptyAOld, policyA, policyB, docA, docB, companyPfa, companyOther }
}

/** A minimal valid PDF body. */
export const PDF = new TextEncoder().encode("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
