import { Notes } from "@kas/core"
import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { query } from "../restFixtures.js"
import { type StaffFixture, YEAR } from "../staffFixtures.js"
import { Browser, createStaffUser, type KasWeb, startStaffWeb } from "../support.js"

/** The person-year page (staff-web.md §6) over HTTP: access, master data, tabs and the "handled" action. */

let web: KasWeb
let fx: StaffFixture
let clerk: Browser

beforeAll(async () => {
  ;({ web, fx, clerk } = await startStaffWeb())
}, 120_000)
afterAll(() => web?.stop())

const annaPage = () => `/tax_year/${YEAR}/persons/${fx.anna.person}/`

describe("person-year page", () => {
  it("anonymous → login; without persontaxyear.view → 403; unknown or malformed ids → 404", async () => {
    const anon = await new Browser(web.url).get(annaPage())
    expect(anon.status).toBe(302)
    expect(anon.headers.get("location")).toContain("/accounts/login/?next=")
    await createStaffUser(web, "ingen")
    expect((await (await new Browser(web.url).login("ingen")).get(annaPage())).status).toBe(403)
    expect((await clerk.get(`/tax_year/${YEAR}/persons/999999/`)).status).toBe(404)
    expect((await clerk.get(`/tax_year/1999/persons/${fx.anna.person}/`)).status).toBe(404)
    expect((await clerk.get(`/tax_year/${YEAR}/persons/abc/`)).status).toBe(404)
    for (const user of ["borgerservice", "regnskab", "skatteraad"]) {
      expect((await (await new Browser(web.url).login(user)).get(annaPage())).status).toBe(200)
    }
  })

  it("shows the master data, the year selector with period labels and the policies tab", async () => {
    const res = await clerk.get(annaPage())
    expect(res.status).toBe(200)
    const html = await res.text()
    expect(html).toContain('<dd class="col-sm-8">180260-2810</dd>')
    expect(html).toContain('<dd class="col-sm-8">Fuldt skattepligtig</dd>')
    expect(html).toContain(`<dd class="col-sm-8" id="tax-days">200</dd>`)
    expect(html).toContain(`${YEAR} (Ligningsperiode)`)
    expect(html).toContain(`href="/tax_year/${YEAR - 1}/persons/${fx.anna.person}/"`)
    // The active policy: 10 000 prefilled over 200 of 365 days = 5 479 (the base amount, bold).
    const row = html.slice(
      html.indexOf(`id="policy-row-${fx.anna.policy}"`),
      html.indexOf("</tr>", html.indexOf(`id="policy-row-${fx.anna.policy}"`))
    )
    expect(row).toContain("PFA Pension (19999)")
    expect(row).toContain('<td class="text-end">10.000</td>')
    expect(row).toContain('<td class="text-end fw-bold">5.479</td>')
    expect(row).toContain(`<td>01-03-${YEAR + 1}</td>`)
    // The inactive one is greyed.
    expect(html).toContain(`<tr class="inactive" id="policy-row-${fx.anna.inactive}">`)
    expect(html).toContain("Ingen notater fundet")
    expect(html).toContain("Ingen bilag fundet")
    expect(html).toContain("Ingen transaktioner fundet")
    expect((html.match(/Ingen noter/g) ?? []).length).toBe(2)
    expect(html).toContain("Repræsentér borger")
  })

  it("lists notes newest first with creator; a note without policy unsets 'handled'; the button sets it", async () => {
    const [{ id: clerkId }] = await query<{ id: number }>(
      web.databaseUrl,
      "select id from web.users where username = 'sagsbehandler'"
    )
    const add = (content: string, policy: number | null) =>
      web.runtime.runPromise(
        Effect.flatMap(Notes, (n) =>
          n.addNote({ person_tax_year_id: fx.anna.pty, policy_tax_year_id: policy }, clerkId!, content, "sagsbehandler")
        )
      )
    await add("Første notat", fx.anna.policy)
    await add("Andet notat", null)
    const html = await (await clerk.get(annaPage())).text()
    expect(html.indexOf("Andet notat")).toBeLessThan(html.indexOf("Første notat"))
    expect(html).toMatch(/<td>A-1<\/td><td>sagsbehandler \d{2}-\d{2}-\d{4} \d{2}:\d{2}<\/td>/)
    expect(html).toContain("Sæt alle bilag og notater som behandlet")

    // Borgerservice may read but not set it.
    const service = await new Browser(web.url).login("borgerservice")
    expect(await (await service.get(annaPage())).text()).not.toContain("Sæt alle bilag og notater som behandlet")
    const path = `/person_tax_year/${fx.anna.pty}/handled/`
    expect((await service.post(path, {}, { from: annaPage() })).status).toBe(403)
    expect((await new Browser(web.url).post(path, {}, { csrf: false })).status).toBe(403)
    const done = await clerk.post(path, {}, { from: annaPage() })
    expect(done.status).toBe(302)
    expect(done.headers.get("location")).toBe(annaPage())
    const [row] = await query<{ handled: boolean }>(
      web.databaseUrl,
      "select all_documents_and_notes_handled as handled from kas.person_tax_year where id = $1",
      [fx.anna.pty]
    )
    expect(row!.handled).toBe(true)
    const [entry] = await query<{ history_user: string }>(
      web.databaseUrl,
      `select history_user from kas.history where entity_type = 'PersonTaxYear' and entity_id = $1
       order by history_id desc limit 1`,
      [String(fx.anna.pty)]
    )
    expect(entry!.history_user).toBe("sagsbehandler")
    expect(await (await clerk.get(annaPage())).text()).not.toContain("Sæt alle bilag og notater som behandlet")
    expect((await clerk.post("/person_tax_year/999999/handled/", {}, { from: annaPage() })).status).toBe(404)
  })

  it("Transaktioner: status, type, amount and the Prisme batch linked for users with batch.view", async () => {
    const [{ id: batch }] = await query<{ id: number }>(
      web.databaseUrl,
      "insert into kas.prisme10q_batch (tax_year_id) values ($1) returning id",
      [fx.taxYear]
    )
    await query(
      web.databaseUrl,
      `insert into kas.transaction (person_tax_year_id, amount, status, type, prisme10q_batch_id)
       values ($1, 1234, 'ready', 'prisme10q', $2)`,
      [fx.anna.pty, batch]
    )
    const html = await (await clerk.get(annaPage())).text()
    const table = html.slice(
      html.indexOf('id="transactions"'),
      html.indexOf("</table>", html.indexOf('id="transactions"'))
    )
    expect(table).toContain("<td>Klar til overførsel</td><td>Prisme opkrævning / tilbagebetaling</td>")
    expect(table).toContain(`<a href="/prisme/batch/${batch}/">${batch}</a>`)
    expect(table).toContain('<td class="text-end">1.234</td>')
  })
})
