import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { KasConfig } from "@kas/core"
import { CPR_A, CPR_B, query, seedCitizens } from "../restFixtures.js"
import { type KasWeb, startKasWeb } from "../support.js"

// Issue 13 item 3: a company a citizen names in a submission is seen by that citizen only (the curated companies are
// seen by all); names are de-duplicated case- and space-insensitively; a person-year creates at most 10 companies.

const TOKEN = KasConfig.BackOfficeConfig.DEV_REST_TOKEN
const YEAR = new Date().getFullYear() - 1
let kas: KasWeb

beforeAll(async () => {
  kas = await startKasWeb()
  await seedCitizens(kas.databaseUrl, YEAR)
})
afterAll(async () => kas?.stop())

const headers = (cpr?: string): Record<string, string> => ({
  authorization: `Token ${TOKEN}`,
  ...(cpr === undefined ? {} : { "x-kas-cpr": cpr })
})
const companies = async (cpr?: string) => {
  const res = await fetch(`${kas.url}/rest/pension_company/`, { headers: headers(cpr) })
  expect(res.status).toBe(200)
  return ((await res.json()) as Array<{ id: number; name: string }>).map((c) => c.name)
}
const submit = (cpr: string, newPolicies: ReadonlyArray<{ name: string; number: string }>) => {
  const form = new FormData()
  form.set(
    "data",
    JSON.stringify({
      year: YEAR,
      updated_by: cpr,
      person_tax_year: { general_notes: null, foreign_pension_notes: null },
      policies: [],
      new_policies: newPolicies.map((p) => ({
        pension_company_id: null,
        pension_company_name: p.name,
        policy_number: p.number,
        self_reported_amount: 100,
        new_files: []
      }))
    })
  )
  return fetch(`${kas.url}/rest/submission/`, { method: "POST", body: form, headers: headers(cpr) })
}
const companyRows = () =>
  query<{ id: number; name: string }>(kas.databaseUrl, "select id, name from kas.pension_company order by id")

describe("pension companies named by citizens", () => {
  it("are listed for the citizen who named them, not for another citizen nor without a CPR", async () => {
    expect((await submit(CPR_A, [{ name: "Annas Private Pension", number: "P-1" }])).status).toBe(200)
    expect(await companies(CPR_A)).toEqual(["Annas Private Pension", "Danica", "PFA Pension"])
    expect(await companies(CPR_B)).toEqual(["Danica", "PFA Pension"])
    expect(await companies()).toEqual(["Danica", "PFA Pension"])
    const [own] = await query<{ id: number }>(kas.databaseUrl, "select id from kas.pension_company where name = $1", [
      "Annas Private Pension"
    ])
    const one = await fetch(`${kas.url}/rest/pension_company/${own!.id}/`, { headers: headers(CPR_B) })
    expect(one.status).toBe(404)
  })

  it("another citizen cannot use one by id", async () => {
    const [own] = await query<{ id: number }>(kas.databaseUrl, "select id from kas.pension_company where name = $1", [
      "Annas Private Pension"
    ])
    const form = new FormData()
    form.set(
      "data",
      JSON.stringify({
        year: YEAR,
        updated_by: CPR_B,
        person_tax_year: { general_notes: null, foreign_pension_notes: null },
        policies: [],
        new_policies: [
          {
            pension_company_id: own!.id,
            pension_company_name: null,
            policy_number: "X-1",
            self_reported_amount: 1,
            new_files: []
          }
        ]
      })
    )
    const res = await fetch(`${kas.url}/rest/submission/`, { method: "POST", body: form, headers: headers(CPR_B) })
    expect(res.status).toBe(400)
    expect(((await res.json()) as { errors: Record<string, Array<string>> }).errors).toEqual({
      "new_policies[0].pension_company_id": ["Ukendt pensionsselskab"]
    })
  })

  it("a name matching a visible company case- and space-insensitively uses that company", async () => {
    const before = await companyRows()
    expect((await submit(CPR_A, [{ name: "  annas   PRIVATE pension ", number: "P-2" }])).status).toBe(200)
    expect((await submit(CPR_B, [{ name: "pfapension", number: "P-3" }])).status).toBe(200)
    expect(await companyRows()).toEqual(before)
    const rows = await query<{ policy_number: string; name: string }>(
      kas.databaseUrl,
      `select pt.policy_number, c.name from kas.policy_tax_year pt join kas.pension_company c
         on c.id = pt.pension_company_id where pt.policy_number in ('P-1', 'P-2', 'P-3') order by 1`
    )
    expect(rows).toEqual([
      { policy_number: "P-1", name: "Annas Private Pension" },
      { policy_number: "P-2", name: "Annas Private Pension" },
      { policy_number: "P-3", name: "PFA Pension" }
    ])
    // B's name equal to A's own company is a new company of B's, not A's text.
    expect((await submit(CPR_B, [{ name: "annas private pension", number: "P-4" }])).status).toBe(200)
    expect(await companies(CPR_B)).toEqual(["Danica", "PFA Pension", "annas private pension"])
    expect(await companies(CPR_A)).toEqual(["Annas Private Pension", "Danica", "PFA Pension"])
  })

  it("a person-year creates at most 10; the 11th is a 400 with a field error and nothing is written", async () => {
    const names = Array.from({ length: 9 }, (_, i) => ({ name: `Selskab ${i}`, number: `C-${i}` }))
    expect((await submit(CPR_A, names)).status).toBe(200)
    const before = await companyRows()
    const policiesBefore = await query(kas.databaseUrl, "select id from kas.policy_tax_year order by id")
    const res = await submit(CPR_A, [
      { name: "Selskab 0", number: "D-0" },
      { name: "Selskab 10", number: "D-1" }
    ])
    expect(res.status).toBe(400)
    expect(((await res.json()) as { errors: Record<string, Array<string>> }).errors).toEqual({
      "new_policies[1].pension_company_name": ["Der kan højst oprettes 10 nye pensionsselskaber pr. år"]
    })
    expect(await companyRows()).toEqual(before)
    expect(await query(kas.databaseUrl, "select id from kas.policy_tax_year order by id")).toEqual(policiesBefore)
    // Another person-year (B's) is not affected.
    expect((await submit(CPR_B, [{ name: "Bents Selskab", number: "E-1" }])).status).toBe(200)
  })
})
