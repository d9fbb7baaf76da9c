import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { Cpr, dashedCpr, KasConfig, purgeRepresentationTokens } from "@kas/core"
import { kasSchedules } from "../../src/jobs/schedules.js"
import { Browser, startKasWeb, type KasWeb } from "../support.js"
import { CPR_A, CPR_B, PDF, query, seedCitizens, type Fixture } from "../restFixtures.js"

const TOKEN = KasConfig.BackOfficeConfig.DEV_REST_TOKEN
const YEAR = new Date().getFullYear() - 1
type Policy = { pension_company: number }
type Company = { id: number }
/** The companies of `policies` as `/rest/pension_company/` lists them: the overview's `pension_companies`. */
const companiesOf = (policies: ReadonlyArray<Policy>, companies: ReadonlyArray<Company>) =>
  companies.filter((c) => policies.some((p) => p.pension_company === c.id))
let kas: KasWeb
let fx: Fixture

const api = (path: string, init: RequestInit & { cpr?: string; token?: string | null } = {}) => {
  const headers = new Headers(init.headers)
  if (init.token !== null) headers.set("Authorization", `Token ${init.token ?? TOKEN}`)
  if (init.cpr) headers.set("X-KAS-CPR", init.cpr)
  return fetch(kas.url + path, { ...init, headers })
}

const submission = (
  cpr: string,
  data: unknown,
  files: Record<string, { name: string; content: Uint8Array; type?: string }> = {}
) => {
  const form = new FormData()
  form.set("data", JSON.stringify(data))
  for (const [part, f] of Object.entries(files))
    form.set(part, new Blob([f.content], { type: f.type ?? "application/pdf" }), f.name)
  return api("/rest/submission/", { method: "POST", body: form, cpr })
}

const base = (over: Record<string, unknown> = {}) => ({
  year: YEAR,
  updated_by: CPR_A,
  person_tax_year: { general_notes: "Noter", foreign_pension_notes: null },
  policies: [],
  new_policies: [],
  ...over
})

const snapshot = async () => ({
  policies: await query(
    kas.databaseUrl,
    "select id, self_reported_amount::text, policy_number from kas.policy_tax_year order by id"
  ),
  documents: await query(kas.databaseUrl, "select id, name, description from kas.policy_document order by id"),
  files: await query(kas.databaseUrl, "select count(*)::int as n from kas.file"),
  notes: await query(kas.databaseUrl, "select id, general_notes from kas.person_tax_year order by id"),
  companies: await query(kas.databaseUrl, "select count(*)::int as n from kas.pension_company")
})

beforeAll(async () => {
  kas = await startKasWeb()
  fx = await seedCitizens(kas.databaseUrl, YEAR)
})
afterAll(async () => kas?.stop())

describe("REST authentication and scope", () => {
  it("refuses a missing or wrong token with 401, for every method, and ignores staff cookies", async () => {
    for (const [path, method] of [
      ["/rest/tax_year/", "GET"],
      ["/rest/submission/", "POST"],
      ["/token/", "POST"],
      ["/rest/nothing/", "DELETE"]
    ] as const) {
      const res = await api(path, { method, token: null })
      expect(res.status).toBe(401)
      expect(await res.json()).toEqual({ detail: "Invalid token." })
    }
    expect((await api("/rest/tax_year/", { token: "wrong" })).status).toBe(401)
    const staff = await new Browser(kas.url).login("admin")
    expect((await staff.get("/rest/tax_year/")).status).toBe(401)
  })

  it("requires X-KAS-CPR on citizen resources and never answers with another person's data", async () => {
    // The detail of selvbetjening.md §16.3 and the field-error shape of the API's other 400s (the header as path).
    const refused = {
      detail: "Missing or invalid X-KAS-CPR header",
      errors: { "X-KAS-CPR": ["CPR-nummeret skal være 10 cifre"] }
    }
    for (const cpr of [undefined, "12345", "12345678901", "01010l1111"]) {
      const res = await api("/rest/policy_tax_year/", cpr === undefined ? {} : { cpr })
      expect([res.status, await res.json()]).toEqual([400, refused])
    }
    expect(await (await api("/rest/person_tax_year/")).json()).toEqual(refused)
    expect(await (await api(`/rest/person/${fx.personA}/`)).json()).toEqual(refused)
    // A filter's refusal has the same shape: the query parameter as the path.
    const filter = await api("/rest/policy_tax_year/?active=maybe&year=x", { cpr: CPR_A })
    expect(filter.status).toBe(400)
    const body = (await filter.json()) as { detail: string; errors: Record<string, ReadonlyArray<string>> }
    expect(body.detail).toMatch(/^Invalid filter: /)
    expect(Object.keys(body.errors).sort()).toEqual(["active", "year"])
    expect(body.errors.year!.length).toBeGreaterThan(0)
    const years = (await (await api("/rest/person_tax_year/", { cpr: CPR_A })).json()) as Array<{
      id: number
      person: string
    }>
    expect(years.map((y) => y.id).sort()).toEqual([fx.ptyA, fx.ptyAOld].sort())
    expect(years.every((y) => y.person === CPR_A)).toBe(true)
    for (const path of [
      `/rest/person_tax_year/${fx.ptyB}/`,
      `/rest/policy_tax_year/${fx.policyB}/`,
      `/rest/policy_document/${fx.docB}/`,
      `/rest/person/${fx.personB}/`
    ]) {
      expect((await api(path, { cpr: CPR_A })).status).toBe(404)
    }
    const filtered = await (await api(`/rest/policy_tax_year/?person_tax_year=${fx.ptyB}`, { cpr: CPR_A })).json()
    expect(filtered).toEqual([])
    const persons = await (await api("/rest/person/", { cpr: CPR_A })).json()
    expect(persons).toEqual([{ id: fx.personA, cpr: CPR_A }])
  })

  it("lists policies with only citizen documents, validates filters and offers only GET", async () => {
    const policies = (await (
      await api(`/rest/policy_tax_year/?year=${YEAR}&active=true`, { cpr: CPR_A })
    ).json()) as Array<Record<string, unknown>>
    expect(policies).toHaveLength(1)
    expect(policies[0]).toMatchObject({ id: fx.policyA, prefilled_amount: 10000, pension_company_pays: false })
    expect((policies[0]!.documents as Array<{ name: string }>).map((d) => d.name)).toEqual(["a.pdf"])
    expect(policies[0]!.prefilled_adjusted_amount).toBe(Math.trunc((10000 * 200) / (YEAR % 4 === 0 ? 366 : 365)))
    expect((await api("/rest/tax_year/?year=abc")).status).toBe(400)
    expect((await api("/rest/policy_tax_year/?active=maybe", { cpr: CPR_A })).status).toBe(400)
    expect((await api("/rest/tax_year/", { method: "POST" })).status).toBe(405)
    const companies = (await (await api("/rest/pension_company/?res=19999")).json()) as Array<{ name: string }>
    expect(companies.map((c) => c.name)).toEqual(["PFA Pension"])
    const doc = await api("/rest/openapi.json")
    expect(Object.keys(((await doc.json()) as { paths: object }).paths)).toContain("/rest/submission/")
  })

  it("answers 404 for final statements of another CPR or without a sent statement", async () => {
    expect((await api(`/final_settlement/${YEAR}/${CPR_B}/exists/`, { cpr: CPR_A })).status).toBe(404)
    expect((await api(`/final_settlement/${YEAR}/${CPR_A}/exists/`, { cpr: CPR_A })).status).toBe(404)
  })

  it("answers the year overview with exactly what the separate resources answer, scoped to the CPR", async () => {
    const get = async (path: string, cpr?: string) => (await api(path, cpr ? { cpr } : {})).json()
    const overview = (await get(`/rest/overview/?year=${YEAR}`, CPR_A)) as { tax_year: unknown }
    const policiesA = (await get(`/rest/policy_tax_year/?year=${YEAR}&active=true`, CPR_A)) as Array<Policy>
    expect(overview).toEqual({
      person_tax_years: await get("/rest/person_tax_year/", CPR_A),
      tax_year: ((await get(`/rest/tax_year/?year=${YEAR}`)) as Array<unknown>)[0],
      policies: policiesA,
      pension_companies: companiesOf(policiesA, (await get("/rest/pension_company/", CPR_A)) as Array<Company>),
      final_statement_exists: false
    })
    const other = (await get(`/rest/overview/?year=${YEAR}`, CPR_B)) as {
      person_tax_years: Array<{ person: string }>
      policies: Array<{ id: number }>
    }
    expect(other.person_tax_years.map((y) => y.person)).toEqual([CPR_B])
    expect(other.policies.map((p) => p.id)).toEqual([fx.policyB])
    expect(await get("/rest/overview/?year=1999", CPR_A)).toEqual({
      person_tax_years: await get("/rest/person_tax_year/", CPR_A),
      tax_year: null,
      policies: [],
      pension_companies: [],
      final_statement_exists: false
    })
    expect(await get(`/rest/overview/?year=${YEAR}`, "0000000000")).toEqual({
      person_tax_years: [],
      tax_year: overview.tax_year,
      policies: [],
      pension_companies: [],
      final_statement_exists: false
    })
    expect(await (await api(`/rest/overview/?year=${YEAR}`)).json()).toEqual({
      detail: "Missing or invalid X-KAS-CPR header",
      errors: { "X-KAS-CPR": ["CPR-nummeret skal være 10 cifre"] }
    })
    expect((await api("/rest/overview/", { cpr: CPR_A })).status).toBe(400)
    expect((await api("/rest/overview/?year=x", { cpr: CPR_A })).status).toBe(400)
    expect((await api("/rest/overview/", { method: "POST", cpr: CPR_A })).status).toBe(405)
  })

  it("the overview's derived fields in SQL equal the resources' (edited amounts, days, losses, files)", async () => {
    // A citizen of its own: a part year in the edit year, an edited prefilled amount, an applied loss from the year
    // before, a policy without any prefilled amount, an inactive policy and a document with sub-millisecond time.
    const cpr = "0303030303"
    const one = async (text: string, values: ReadonlyArray<unknown> = []) =>
      (await query<{ id: number }>(kas.databaseUrl, text, values))[0]!.id
    const person = await one(`insert into kas.person (cpr, name) values ($1, 'Carl Carlsen') returning id`, [cpr])
    const pty = (year: number, days: number | null) =>
      one(
        `insert into kas.person_tax_year (tax_year_id, person_id, number_of_days) select id, $2, $3 from kas.tax_year
         where year = $1 returning id`,
        [year, person, days]
      )
    const now = await pty(YEAR, 123)
    const before = await pty(YEAR - 1, null)
    const policy = (ptyId: number, number: string, fields: string, values: ReadonlyArray<unknown>) =>
      one(
        `insert into kas.policy_tax_year (person_tax_year_id, pension_company_id,
           policy_number${fields ? ", " + fields : ""})
         values ($1, $2, $3${values.map((_, i) => `, $${i + 4}`).join("")}) returning id`,
        [ptyId, fx.companyOther, number, ...values]
      )
    const older = await policy(before, "C-1", "prefilled_amount", [-5000])
    const edited = await policy(
      now,
      "C-1",
      "prefilled_amount, prefilled_amount_edited, self_reported_amount, preliminary_paid_amount, citizen_pay_override",
      [10001, 7777, 5000, 300, true]
    )
    await policy(now, "C-2", "prefilled_amount, prefilled_amount_edited", [null, null])
    await policy(now, "C-0", "prefilled_amount, active", [999, false])
    await query(
      kas.databaseUrl,
      `insert into kas.loss_transfer (used_from_id, used_for_id, transferred_negative_payout) values ($1, $2, 1234)`,
      [older, edited]
    )
    const file = await query<{ id: string }>(
      kas.databaseUrl,
      `insert into kas.file (kind, folder, name, size, content)
       values ('policy_document', 'policy_document', 'c.pdf', 5, '\\x255044462d'::bytea) returning id::text as id`
    )
    await query(
      kas.databaseUrl,
      `insert into kas.policy_document (person_tax_year_id, policy_tax_year_id, name, description, file_id, uploaded_at)
       values ($1, $2, 'c.pdf', 'c', $3::uuid, '2024-05-06 07:08:09.123987+02')`,
      [now, edited, file[0]!.id]
    )
    const get = async (path: string, who?: string) => (await api(path, who ? { cpr: who } : {})).json()
    const overview = (await get(`/rest/overview/?year=${YEAR}`, cpr)) as {
      policies: Array<Record<string, unknown>>
      person_tax_years: Array<Record<string, unknown>>
    }
    const policies = (await get(`/rest/policy_tax_year/?year=${YEAR}&active=true`, cpr)) as Array<Policy>
    expect(overview).toEqual({
      person_tax_years: await get("/rest/person_tax_year/", cpr),
      tax_year: ((await get(`/rest/tax_year/?year=${YEAR}`)) as Array<unknown>)[0],
      policies,
      pension_companies: companiesOf(policies, (await get("/rest/pension_company/", cpr)) as Array<Company>),
      final_statement_exists: false
    })
    const days = YEAR % 4 === 0 ? 366 : 365
    expect(overview.person_tax_years.map((y) => y.days_in_year_factor)).toEqual([123 / days, 1])
    expect(
      overview.policies.map((p) => [
        p.policy_number,
        p.prefilled_adjusted_amount,
        p.applied_deduction_from_previous_years,
        p.pension_company_pays
      ])
    ).toEqual([
      ["C-1", Math.trunc((7777 * 123) / days), 1234, false],
      ["C-2", null, 0, true]
    ])
    expect((overview.policies[0]!.documents as Array<{ uploaded_at: string }>)[0]!.uploaded_at).toBe(
      "2024-05-06T05:08:09.123Z"
    )
  })
})

describe("final statement download", () => {
  it("serves a sent statement's PDF to its own CPR only, and tells the overview it exists", async () => {
    const one = async (text: string, values: ReadonlyArray<unknown>) =>
      (await query<{ id: string }>(kas.databaseUrl, text, values))[0]!.id
    const lock = await one(
      "select l.id::text as id from kas.lock l join kas.tax_year ty on ty.id = l.tax_year_id where ty.year = $1",
      [YEAR]
    )
    const file = async (content: Uint8Array) =>
      one(
        `insert into kas.file (kind, folder, name, content_type, size, content)
         values ('final_statement', 'final_statement', 's.pdf', 'application/pdf', $1, $2) returning id::text as id`,
        [content.length, Buffer.from(content)]
      )
    const statement = (status: string, invalid: boolean, fileId: string, createdAt: string) =>
      query(
        kas.databaseUrl,
        `insert into kas.final_statement (person_tax_year_id, lock_id, pdf_file_id, status, invalid, created_at)
         values ($1, $2, $3::uuid, $4, $5, $6::timestamptz)`,
        [fx.ptyA, lock, fileId, status, invalid, createdAt]
      )
    // Only the newest valid, sent statement counts: an older sent one, a newer invalid one and a newer unsent one.
    const older = new TextEncoder().encode("%PDF-1.4 older")
    await statement("send", false, await file(older), "2020-01-01T00:00:00Z")
    await statement("send", true, await file(PDF), "2030-01-01T00:00:00Z")
    await statement("created", false, await file(PDF), "2030-01-02T00:00:00Z")
    const newest = new TextEncoder().encode("%PDF-1.4 the newest sent statement")
    await statement("send", false, await file(newest), "2021-01-01T00:00:00Z")

    expect((await api(`/final_settlement/${YEAR}/${CPR_A}/exists/`, { cpr: CPR_A })).status).toBe(200)
    const pdf = await api(`/final_settlement/${YEAR}/${CPR_A}/`, { cpr: CPR_A })
    expect(pdf.status).toBe(200)
    expect(pdf.headers.get("content-type")).toBe("application/pdf")
    expect(pdf.headers.get("content-disposition")).toBe(
      `inline; filename="${YEAR}_${CPR_A}.pdf"; filename*=UTF-8''${YEAR}_${CPR_A}.pdf`
    )
    expect(new Uint8Array(await pdf.arrayBuffer())).toEqual(newest)
    expect(
      (
        (await (await api(`/rest/overview/?year=${YEAR}`, { cpr: CPR_A })).json()) as {
          final_statement_exists: boolean
        }
      ).final_statement_exists
    ).toBe(true)

    // Another citizen, or a CPR in the path that is not the scoped one, gets 404; so does a year without one.
    expect((await api(`/final_settlement/${YEAR}/${CPR_A}/`, { cpr: CPR_B })).status).toBe(404)
    expect((await api(`/final_settlement/${YEAR}/${CPR_B}/`, { cpr: CPR_B })).status).toBe(404)
    expect((await api(`/final_settlement/${YEAR - 1}/${CPR_A}/`, { cpr: CPR_A })).status).toBe(404)
    expect(
      (
        (await (await api(`/rest/overview/?year=${YEAR}`, { cpr: CPR_B })).json()) as {
          final_statement_exists: boolean
        }
      ).final_statement_exists
    ).toBe(false)
  })
})

describe("POST /rest/submission/", () => {
  it("refuses another person's policy or document with 404 and writes nothing", async () => {
    const before = await snapshot()
    const res1 = await submission(CPR_A, base({ policies: [{ id: fx.policyB, self_reported_amount: 1 }] }))
    expect(res1.status).toBe(404)
    const res2 = await submission(
      CPR_A,
      base({ policies: [{ id: fx.policyA, documents: [{ id: fx.docB, keep: false, description: "" }] }] })
    )
    expect(res2.status).toBe(404)
    expect(await snapshot()).toEqual(before)
  })

  it("refuses a year outside selvangivelse with 409", async () => {
    const res = await submission(CPR_A, base({ year: YEAR - 1 }))
    expect(res.status).toBe(409)
    expect(await res.json()).toEqual({ detail: `Selvangivelsesperioden er lukket for ${YEAR - 1}` })
  })

  it("answers 400 with field paths for bad files and missing groups, storing nothing", async () => {
    const before = await snapshot()
    const eleven = Object.fromEntries(
      Array.from({ length: 10 }, (_, i) => [`f${i}`, { name: `f${i}.pdf`, content: PDF }])
    )
    const res = await submission(
      CPR_A,
      base({
        policies: [{ id: fx.policyA, new_files: Object.keys(eleven).map((part) => ({ part, description: "" })) }],
        new_policies: [
          {
            pension_company_id: null,
            pension_company_name: "",
            policy_number: "X",
            self_reported_amount: null,
            new_files: [{ part: "bad", description: "" }]
          }
        ]
      }),
      { ...eleven, bad: { name: "virus.exe", content: new TextEncoder().encode("MZ...") } }
    )
    expect(res.status).toBe(400)
    const { errors } = (await res.json()) as { errors: Record<string, Array<string>> }
    expect(errors["policies[0].new_files"]).toEqual(["Der kan højst vedhæftes 10 filer pr. police"])
    expect(errors["new_policies[0].self_reported_amount"]).toEqual(["Dette felt er påkrævet."])
    expect(errors["new_policies[0].pension_company_id"]).toEqual(["Dette felt er påkrævet."])
    expect(errors["new_policies[0].new_files[0]"]).toEqual([
      "Filen virus.exe har en filtype, der ikke er tilladt (kun PDF, JPEG og PNG)"
    ])
    expect(await snapshot()).toEqual(before)
    const bad = await submission(CPR_A, { year: "x" })
    expect(bad.status).toBe(400)
  })

  it("leaves nothing half-written when a write fails in the middle", async () => {
    await query(
      kas.databaseUrl,
      `create function kas.test_boom() returns trigger language plpgsql as $$
      begin if new.name = 'boom.pdf' then raise exception 'injected failure'; end if; return new; end $$;
      create trigger test_boom before insert on kas.policy_document for each row execute function kas.test_boom()`
    )
    const before = await snapshot()
    const res = await submission(
      CPR_A,
      base({
        policies: [
          { id: fx.policyA, self_reported_amount: 777, documents: [{ id: fx.docA, keep: false, description: "" }] }
        ],
        new_policies: [
          {
            pension_company_id: null,
            pension_company_name: "Nyt Selskab",
            policy_number: "N-1",
            self_reported_amount: 5,
            new_files: [{ part: "f", description: "d" }]
          }
        ]
      }),
      { f: { name: "boom.pdf", content: PDF } }
    )
    expect(res.status).toBe(500)
    expect(await snapshot()).toEqual(before)
    await query(kas.databaseUrl, "drop trigger test_boom on kas.policy_document")
  })

  it("applies amounts, new policies, documents and notes in one go and recalculates", async () => {
    const res = await submission(
      CPR_A,
      base({
        policies: [
          {
            id: fx.policyA,
            self_reported_amount: 5000,
            documents: [{ id: fx.docA, keep: true, description: "ny tekst" }],
            new_files: [{ part: "file_0", description: "kvittering" }]
          }
        ],
        new_policies: [
          {
            pension_company_id: null,
            pension_company_name: "Udenlandsk Pension",
            policy_number: "U-7",
            self_reported_amount: 1200,
            new_files: []
          }
        ]
      }),
      { file_0: { name: "kvittering.pdf", content: PDF } }
    )
    expect(res.status).toBe(200)
    const body = (await res.json()) as {
      person_tax_year: { general_notes: string; updated_by: string }
      policies: Array<Record<string, unknown>>
    }
    expect(body.person_tax_year).toMatchObject({ general_notes: "Noter", updated_by: CPR_A })
    const own = body.policies.find((p) => p.id === fx.policyA)!
    expect(own.self_reported_amount).toBe(5000)
    expect(own.year_adjusted_amount).toBe(5000)
    expect((own.documents as Array<{ description: string }>).map((d) => d.description).sort()).toEqual([
      "kvittering",
      "ny tekst"
    ])
    const created = body.policies.find((p) => p.policy_number === "U-7")!
    expect(created).toMatchObject({ self_reported_amount: 1200, year_adjusted_amount: 1200, updated_by: CPR_A })
    const history = await query<{ history_user: string; change_reason: string }>(
      kas.databaseUrl,
      `select history_user, change_reason from kas.history where entity_type = 'PolicyTaxYear' and entity_id = $1
       order by history_id desc limit 1`,
      [String(fx.policyA)]
    )
    expect(history[0]).toEqual({ history_user: "rest", change_reason: "Selvangivelse indsendt" })
    const [c] = await query<{ res: number | null }>(
      kas.databaseUrl,
      "select res from kas.pension_company where name = 'Udenlandsk Pension'"
    )
    expect(c).toEqual({ res: null })
  })
})

describe("representation tokens", () => {
  const start = async (staff: Browser, personId: number) => {
    const page = await staff.post(`/person/${personId}/represent/`, {}, { from: "/" })
    expect(page.status).toBe(200)
    const html = await page.text()
    expect(html).toContain('action="http://localhost:8080/represent-start/"')
    return /name="token" value="([A-Za-z0-9]{64})"/.exec(html)![1]!
  }
  const exchange = (token?: string) =>
    api("/token/", {
      method: "POST",
      body: new URLSearchParams(token === undefined ? {} : { token }),
      headers: { "content-type": "application/x-www-form-urlencoded" }
    })

  it("is created only with persontaxyear.add", async () => {
    const viewer = await new Browser(kas.url).login("borgerservice")
    expect((await viewer.post(`/person/${fx.personA}/represent/`, {}, { from: "/" })).status).toBe(403)
  })

  it("is exchanged once, within the max age, one at a time per staff user", async () => {
    const staff = await new Browser(kas.url).login("sagsbehandler")
    const token = await start(staff, fx.personA)
    const ok = await exchange(token)
    expect(ok.status).toBe(200)
    expect(await ok.json()).toMatchObject({ CPR: CPR_A, PersonName: "Anna Testesen", AdminUsername: "sagsbehandler" })
    expect(await (await exchange(token)).text()).toBe("Token already used")
    const second = await start(staff, fx.personB)
    const refused = await exchange(second)
    expect([refused.status, await refused.text()]).toEqual([400, "User already is using another token"])
    expect(await (await exchange()).text()).toBe("Token not set")
    expect(await (await exchange("x".repeat(64))).text()).toBe("Invalid token")
    // The staff web shows the banner while the consumed token lives, to this user only; stopping removes it.
    const banner = `Du er logget ind i selvbetjening på vegne af ${dashedCpr(Cpr.make(CPR_A))}`
    expect(await (await staff.get("/")).text()).toContain(banner)
    expect(await (await (await new Browser(kas.url).login("administrator")).get("/")).text()).not.toContain(
      "på vegne af"
    )
    expect((await staff.get("/represent-stop/")).status).toBe(302)
    expect(await (await staff.get("/")).text()).not.toContain(banner)
    const late = await start(staff, fx.personB)
    await query(
      kas.databaseUrl,
      "update kas.representation_token set created = now() - interval '2 minutes' where token = $1",
      [late]
    )
    expect(await (await exchange(late)).text()).toBe("Token expired")
  })

  it("stays one per staff user past the max age until stopped or its portal session ends (issue 13)", async () => {
    const staff = await new Browser(kas.url).login("sagsbehandler")
    const first = await start(staff, fx.personA)
    const ok = await api("/token/", {
      method: "POST",
      body: new URLSearchParams({ token: first, session_seconds: "600" }),
      headers: { "content-type": "application/x-www-form-urlencoded" }
    })
    expect(ok.status).toBe(200)
    await query(kas.databaseUrl, "update kas.representation_token set created = now() - interval '5 minutes'")
    expect(await kas.runtime.runPromise(purgeRepresentationTokens(60) as never)).toBe(0)
    const banner = `Du er logget ind i selvbetjening på vegne af ${dashedCpr(Cpr.make(CPR_A))}`
    expect(await (await staff.get("/")).text()).toContain(banner)
    const refused = await exchange(await start(staff, fx.personB))
    expect([refused.status, await refused.text()]).toEqual([400, "User already is using another token"])
    // The portal session is used: it lives on; when it has ended, the clean-up removes it and another can start.
    const extend = (userId: string) =>
      api("/token/extend/", {
        method: "POST",
        body: new URLSearchParams({ user_id: userId, session_seconds: "600" }),
        headers: { "content-type": "application/x-www-form-urlencoded" }
      })
    const [{ user_id: userId }] = (await query<{ user_id: number }>(
      kas.databaseUrl,
      "select user_id from kas.representation_token where token = $1",
      [first]
    )) as [{ user_id: number }]
    expect((await extend(String(userId))).status).toBe(200)
    await query(
      kas.databaseUrl,
      "update kas.representation_token set session_expires_at = now() - interval '1 second' where token = $1",
      [first]
    )
    expect(await (await staff.get("/")).text()).not.toContain(banner)
    expect((await extend(String(userId))).status).toBe(404)
    expect(await kas.runtime.runPromise(purgeRepresentationTokens(60) as never)).toBe(1)
    const next = await exchange(await start(staff, fx.personB))
    expect(next.status).toBe(200)
    // Stop ends it at once.
    expect((await staff.get("/represent-stop/")).status).toBe(302)
    expect((await exchange(await start(staff, fx.personA))).status).toBe(200)
    await staff.get("/represent-stop/")
  })

  it("are purged by the every-minute scheduled clean-up once older than the max age", async () => {
    const fresh = await start(await new Browser(kas.url).login("sagsbehandler"), fx.personA)
    const old = await start(await new Browser(kas.url).login("administrator"), fx.personB)
    await query(
      kas.databaseUrl,
      "update kas.representation_token set created = now() - interval '2 minutes' where token = $1",
      [old]
    )
    expect(kasSchedules.some((s) => s.name === "representation-token-cleanup" && s.cron === "* * * * *")).toBe(true)
    expect(await kas.runtime.runPromise(purgeRepresentationTokens(60) as never)).toBe(1)
    const left = await query<{ token: string }>(
      kas.databaseUrl,
      "select token from kas.representation_token where token in ($1, $2)",
      [fresh, old]
    )
    expect(left).toEqual([{ token: fresh }])
  })
})
