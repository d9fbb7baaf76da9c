import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { query } from "../restFixtures.js"
import { Browser, type KasWeb, startKasWeb } from "../support.js"

// The final statement pages (staff-web.md §11) over HTTP: generation with its refusals, the tab, "Vis",
// invalidation and single dispatch.
let web: KasWeb
let clerk: Browser
const ids = { year: 0, ligningYear: 0, anna: 0, annaPerson: 0, bent: 0, carl: 0, dora: 0, policy: 0 }

const one = async (text: string, values: ReadonlyArray<unknown> = []) =>
  (await query<{ id: number }>(web.databaseUrl, text, values))[0]!.id

beforeAll(async () => {
  web = await startKasWeb()
  clerk = await new Browser(web.url).login("sagsbehandler")
  ids.year = await one(`insert into kas.tax_year (year, year_part) values (2021, 'genoptagelsesperiode') returning id`)
  ids.ligningYear = await one(`insert into kas.tax_year (year, year_part) values (2022, 'ligning') returning id`)
  const company = await one(`insert into kas.pension_company (name, res) values ('PFA Pension', 19999) returning id`)
  const person = (cpr: string, name: string) =>
    one(`insert into kas.person (cpr, name, address_line_1) values ($1, $2, 'Aqqusinersuaq 1') returning id`, [
      cpr,
      name
    ])
  const pty = (p: number, year: number) =>
    one(`insert into kas.person_tax_year (tax_year_id, person_id, number_of_days) values ($1, $2, 365) returning id`, [
      year,
      p
    ])
  const policy = (ptyId: number, final: boolean) =>
    one(
      `insert into kas.policy_tax_year (person_tax_year_id, pension_company_id, policy_number, prefilled_amount,
         year_adjusted_amount, slutlignet) values ($1, $2, 'P-1', 20000, 20000, $3) returning id`,
      [ptyId, company, final]
    )
  ids.annaPerson = await person("0101571111", "Anna Aaberg")
  ids.anna = await pty(ids.annaPerson, ids.year)
  ids.policy = await policy(ids.anna, true)
  ids.bent = await pty(await person("0101572222", "Bent Berg"), ids.year)
  await policy(ids.bent, false)
  ids.carl = await pty(await person("0101573333", "Carl Cort"), ids.year)
  ids.dora = await pty(await person("0101574444", "Dora Dahl"), ids.ligningYear)
  await policy(ids.dora, true)
}, 120_000)
afterAll(() => web?.stop())

const statements = () =>
  query<{ uuid: string; invalid: boolean; status: string }>(
    web.databaseUrl,
    `select uuid, invalid, status from kas.final_statement where person_tax_year_id = $1 order by created_at`,
    [ids.anna]
  )

describe("final statement pages", () => {
  it("refuses generation with the reason instead of the form, and without the permission", async () => {
    const refusal = async (pty: number) => {
      const html = await (await clerk.get(`/final_settlement/generate/${pty}/`)).text()
      expect(html).not.toContain('id="create"')
      return /id="refusal">([^<]*)</.exec(html)?.[1]
    }
    expect(await refusal(ids.carl)).toBe("Personen har ingen policer i 2021")
    expect(await refusal(ids.bent)).toBe(
      "Alle aktive policer skal være slutlignet før der kan genereres en slutopgørelse"
    )
    expect(await refusal(ids.dora)).toBe(
      "&#34;Generer ny slutopgørelse&#34; er kun tilladt i genoptagelsesperiode; skatteåret er i ligningsperiode"
    )
    const reader = await new Browser(web.url).login("borgerservice")
    expect((await reader.get(`/final_settlement/generate/${ids.anna}/`)).status).toBe(403)
    expect((await clerk.get(`/final_settlement/generate/999999/`)).status).toBe(404)
  })

  it("validates the form, generates a statement with its batch and shows it in the tab", async () => {
    const page = `/final_settlement/generate/${ids.anna}/`
    const form = await (await clerk.get(page)).text()
    expect(form).toContain('<option value="DUE_ON_DATE" selected>Beløbet forfalder på dato X</option>')
    expect(form).not.toContain('value="BULK"')
    const bad = await clerk.post(page, {
      interest_on_remainder: "1,234",
      extra_payment_for_previous_missing: "-5",
      text_used_for_payment: "BULK"
    })
    expect(bad.status).toBe(400)
    const badHtml = await bad.text()
    expect(badHtml).toContain("Indtast en procentsats mellem 0,00 og 999,99 med højst to decimaler")
    expect(badHtml).toContain("Indtast et helt beløb på 0 eller mere")
    expect(badHtml).toContain("Vælg en tekst om beløb til betaling")
    expect(await statements()).toHaveLength(0)

    const created = await clerk.post(page, {
      interest_on_remainder: "0,00",
      extra_payment_for_previous_missing: "0",
      text_used_for_payment: "DUE"
    })
    expect(created.status).toBe(302)
    expect(created.headers.get("location")).toBe(`/tax_year/2021/persons/${ids.annaPerson}/`)
    const personPage = await (await clerk.get(created.headers.get("location")!)).text()
    expect(personPage).toContain("Ny slutopgørelse genereret for Anna Aaberg for 2021")
    expect(personPage).toContain(`hx-get="/person_tax_year/${ids.anna}/final_settlements/"`)
    expect(personPage).toContain(`href="/final_settlement/generate/${ids.anna}/"`)
    const [s] = await statements()
    const [tx] = await query<{ amount: string; batch: number }>(
      web.databaseUrl,
      `select amount::text, prisme10q_batch_id as batch from kas.transaction where final_statement_uuid = $1`,
      [s!.uuid]
    )
    expect(tx!.amount).toBe("3060")
    const tab = await (await clerk.get(`/person_tax_year/${ids.anna}/final_settlements/`)).text()
    expect(tab).toContain(
      `<td class="statement-status">Genereret</td><td class="delivery-status">Afventer afsendelse</td>`
    )
    expect(tab).toContain(`<a href="/prisme/batch/${tx!.batch}/">3.060</a>`)
    expect(tab).toContain(`href="/final_settlement/${s!.uuid}/dispatch/"`)

    const pdf = await clerk.get(`/final_settlement/${s!.uuid}/`)
    expect(pdf.status).toBe(200)
    expect(pdf.headers.get("content-type")).toBe("application/pdf")
    expect(pdf.headers.get("content-disposition")).toContain('filename="2021_0101571111.pdf"')
    expect(
      Buffer.from(await pdf.arrayBuffer())
        .subarray(0, 5)
        .toString()
    ).toBe("%PDF-")
  })

  it("dispatch: title form, deadline warning, the job; a sent statement cannot be invalidated", async () => {
    const [s] = await statements()
    await query(web.databaseUrl, `update kas.policy_tax_year set next_processing_date = '2099-01-31' where id = $1`, [
      ids.policy
    ])
    const form = await (await clerk.get(`/final_settlement/${s!.uuid}/dispatch/`)).text()
    expect(form).toContain("Afsendelse nu vil ignorer tidsfristen d. 31-01-2099.")
    expect(form).toContain('value="Slutopgørelse 2021"')
    const empty = await clerk.post(`/final_settlement/${s!.uuid}/dispatch/`, { title: " " })
    expect(empty.status).toBe(400)
    const sent = await clerk.post(`/final_settlement/${s!.uuid}/dispatch/`, { title: "Din slutopgørelse 2021" })
    expect(sent.status).toBe(302)
    const [tx] = await query<{ batch: number }>(
      web.databaseUrl,
      `select prisme10q_batch_id as batch from kas.transaction where final_statement_uuid = $1`,
      [s!.uuid]
    )
    expect(sent.headers.get("location")).toBe(`/prisme/batch/${tx!.batch}/send`)
    const [job] = await query<{ type: string; arguments: unknown; created_by: string }>(
      web.databaseUrl,
      `select type, arguments, created_by from jobs.job where type = 'DispatchFinalSettlement'`
    )
    expect(job).toEqual({
      type: "DispatchFinalSettlement",
      arguments: { uuid: s!.uuid, title: "Din slutopgørelse 2021" },
      created_by: "sagsbehandler"
    })

    await query(web.databaseUrl, `update kas.final_statement set status = 'send' where uuid = $1`, [s!.uuid])
    expect((await clerk.get(`/final_settlement/${s!.uuid}/dispatch/`)).status).toBe(400)
    const refused = await clerk.post(
      `/final_settlement/${s!.uuid}/invalid/`,
      {},
      { from: `/final_settlement/${s!.uuid}/invalid/` }
    )
    expect(refused.status).toBe(400)
    expect(await refused.text()).toContain("Kun en slutopgørelse der ikke er afsendt kan markeres som ugyldig")
  })

  it("invalidation: the confirmation, then Ugyldig in the tab and the transaction cancelled", async () => {
    const created = await clerk.post(`/final_settlement/generate/${ids.anna}/`, {
      interest_on_remainder: "0",
      extra_payment_for_previous_missing: "0",
      text_used_for_payment: "DUE"
    })
    expect(created.status).toBe(302)
    const second = (await statements())[1]!
    const confirm = await (await clerk.get(`/final_settlement/${second.uuid}/invalid/`)).text()
    expect(confirm).toContain("Er du sikker på at du vil markere slutopgørelse som ugyldig?")
    const done = await clerk.post(
      `/final_settlement/${second.uuid}/invalid/`,
      {},
      { from: `/final_settlement/${second.uuid}/invalid/` }
    )
    expect(done.status).toBe(302)
    expect((await statements())[1]!.invalid).toBe(true)
    const [tx] = await query<{ status: string }>(
      web.databaseUrl,
      `select status from kas.transaction where final_statement_uuid = $1`,
      [second.uuid]
    )
    expect(tx!.status).toBe("cancelled")
    const tab = await (await clerk.get(`/person_tax_year/${ids.anna}/final_settlements/`)).text()
    expect(tab).toContain('<td class="statement-status">Ugyldig</td>')
    expect((await clerk.get(`/final_settlement/${second.uuid}/dispatch/`)).status).toBe(400)
  })
})
