import { query } from "./restFixtures.js"

/** The two tax years of the staff page tests: the default year is the newer one (the latest before today's year). */
export const YEAR = 2021
export const OLD_YEAR = 2020

/** Ids of the staff fixture rows. */
export interface StaffFixture {
  readonly taxYear: number
  readonly oldTaxYear: number
  readonly companyPfa: number
  readonly companyDanica: number
  /** Anna Testesen: fully liable, address and municipality, two policies in YEAR (one unfinished, one inactive). */
  readonly anna: {
    readonly person: number
    readonly pty: number
    readonly oldPty: number
    readonly policy: number
    readonly inactive: number
  }
  /** Bent Andersen: not fully liable, no address, one slutlignet policy. */
  readonly bent: { readonly person: number; readonly pty: number; readonly policy: number }
}

/**
 * Tax years OLD_YEAR (ligning) and YEAR (ligning), two companies, Anna and Bent as described, and `extra` more
 * persons "Person NN" in YEAR (CPR 30010100NN) with an address "Gade NN" and no policies, for paging.
 */
export const seedStaff = async (url: string, extra = 0): Promise<StaffFixture> => {
  const one = async (text: string, values: ReadonlyArray<unknown> = []) =>
    (await query<{ id: number }>(url, text, values))[0]!.id
  const taxYear = await one(`insert into kas.tax_year (year, year_part) values ($1, 'ligning') returning id`, [YEAR])
  const oldTaxYear = await one(`insert into kas.tax_year (year, year_part) values ($1, 'ligning') returning id`, [
    OLD_YEAR
  ])
  const companyPfa = await one(
    `insert into kas.pension_company (name, res, agreement_present) values ('PFA Pension', 19999, false) returning id`
  )
  const companyDanica = await one(
    `insert into kas.pension_company (name, res, agreement_present) values ('Danica', 28888, true) returning id`
  )
  const person = (
    cpr: string,
    name: string,
    code: number | null,
    municipality: string | null,
    address: string | null
  ) =>
    one(
      `insert into kas.person (cpr, name, municipality_code, municipality_name, full_address, address_line_1)
      values ($1, $2, $3, $4, $5, $5) returning id`,
      [cpr, name, code, municipality, address]
    )
  const pty = (p: number, ty: number, days: number | null, liable = true) =>
    one(
      `insert into kas.person_tax_year (tax_year_id, person_id, number_of_days, fully_tax_liable)
       values ($1, $2, $3, $4) returning id`,
      [ty, p, days, liable]
    )
  const policy = (ptyId: number, company: number, number: string, fields: Record<string, unknown> = {}) => {
    const cols = Object.keys(fields)
    return one(
      `insert into kas.policy_tax_year (person_tax_year_id, pension_company_id, policy_number${cols
        .map((c) => `, ${c}`)
        .join("")})
       values ($1, $2, $3${cols.map((_, i) => `, $${i + 4}`).join("")}) returning id`,
      [ptyId, company, number, ...Object.values(fields)]
    )
  }
  const annaId = await person("1802602810", "Anna Testesen", 956, "Sermersooq", "Aqqusinersuaq 1, 3900 Nuuk")
  const annaPty = await pty(annaId, taxYear, 200)
  const annaOld = await pty(annaId, oldTaxYear, null)
  const annaPolicy = await policy(annaPty, companyPfa, "A-1", {
    prefilled_amount: 10000,
    next_processing_date: `${YEAR + 1}-03-01`
  })
  const annaInactive = await policy(annaPty, companyDanica, "A-2", {
    prefilled_amount: 500,
    active: false,
    next_processing_date: `${YEAR + 1}-01-15`
  })
  await policy(annaOld, companyPfa, "A-1", { prefilled_amount: -4000 })
  const bentId = await person("0101709901", "Bent Andersen", 960, "Avannaata", null)
  const bentPty = await pty(bentId, taxYear, null, false)
  const bentPolicy = await policy(bentPty, companyDanica, "B-1", { prefilled_amount: 20000, slutlignet: true })
  if (extra > 0) {
    await query(
      url,
      `insert into kas.person (cpr, name, full_address) select '30010100' || lpad(g::text, 2, '0'),
      'Person ' || lpad(g::text, 2, '0'), 'Gade ' || lpad(g::text, 2, '0') from generate_series(1, $1) g`,
      [extra]
    )
    await query(
      url,
      `insert into kas.person_tax_year (tax_year_id, person_id)
       select $1, id from kas.person where cpr like '30010100%'`,
      [taxYear]
    )
  }
  return {
    taxYear,
    oldTaxYear,
    companyPfa,
    companyDanica,
    anna: { person: annaId, pty: annaPty, oldPty: annaOld, policy: annaPolicy, inactive: annaInactive },
    bent: { person: bentId, pty: bentPty, policy: bentPolicy }
  }
}
