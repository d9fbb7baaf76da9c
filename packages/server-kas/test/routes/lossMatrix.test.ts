import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { query } from "../restFixtures.js"
import { OLD_YEAR, type StaffFixture, seedStaff, YEAR } from "../staffFixtures.js"
import { Browser, createStaffUser, type KasWeb, startKasWeb } from "../support.js"

/**
 * The loss matrix (staff-web.md §9) over HTTP: the policy page's tab, the cell form with its limit, protection and
 * Danish messages, the save ("Manuel rettelse", then the to-year recalculated with "Genberegning efter manuel
 * rettelse") and the cell's history.
 */

let web: KasWeb
let fx: StaffFixture
let clerk: Browser
let oldPolicy: number

beforeAll(async () => {
  web = await startKasWeb()
  fx = await seedStaff(web.databaseUrl)
  clerk = await new Browser(web.url).login("sagsbehandler")
  // Anna's policy A-1 lost 4 000 in OLD_YEAR (the stored result of its calculation); YEAR's base is 5 479.
  const [old] = await query<{ id: number }>(
    web.databaseUrl,
    "update kas.policy_tax_year set year_adjusted_amount = -4000 where person_tax_year_id = $1 returning id",
    [fx.anna.oldPty]
  )
  oldPolicy = old!.id
}, 120_000)
afterAll(() => web?.stop())

const cell = (from = OLD_YEAR, to = YEAR, policy = fx.anna.policy) =>
  `/policy/${policy}/negativepayoutdefined/${from}/${to}/`
const tabs = () => `/tax_year/${YEAR}/persons/${fx.anna.person}/policies/`
const state = async () => ({
  cells: await query<{ value: number; protected: boolean }>(
    web.databaseUrl,
    `select transferred_negative_payout::int as value, protected_against_recalculations as protected
     from kas.loss_transfer where used_from_id = $1 and used_for_id = $2`,
    [oldPolicy, fx.anna.policy]
  ),
  policy: (
    await query<{ tax: number; used: number }>(
      web.databaseUrl,
      "select calculated_result::int as tax, used_negative_return::int as used from kas.policy_tax_year where id = $1",
      [fx.anna.policy]
    )
  )[0]
})

describe("loss matrix", () => {
  it("permissions: anonymous → login; policy.change for the cell form, policy.view for tab and history", async () => {
    for (const path of [cell(), `${cell()}history/`]) {
      const anon = await new Browser(web.url).get(path)
      expect(anon.status).toBe(302)
      expect(anon.headers.get("location")).toContain("/accounts/login/?next=")
    }
    await createStaffUser(web, "ingen")
    const none = await new Browser(web.url).login("ingen")
    expect((await none.get(cell())).status).toBe(403)
    expect((await none.get(`${cell()}history/`)).status).toBe(403)
    const service = await new Browser(web.url).login("borgerservice")
    expect((await service.get(cell())).status).toBe(403)
    expect((await service.post(cell(), { value: "1" }, { from: tabs() })).status).toBe(403)
    const html = await (await service.get(tabs())).text()
    expect(html).toContain(`id="loss-matrix-${fx.anna.policy}"`)
    expect(html).not.toContain(`href="${cell()}"`)
    expect((await clerk.get(cell())).status).toBe(200)
  })

  it("the tab: loss years, '-' where not applicable, remainders, column totals; editable cells link", async () => {
    const html = await (await clerk.get(`${tabs()}?tab=negativt_afkast`)).text()
    expect(html).toMatch(new RegExp(`class="tab-pane show active" id="pane-policy-${fx.anna.policy}-negativt_afkast"`))
    const table = html.slice(html.indexOf(`id="loss-matrix-${fx.anna.policy}"`))
    const body = table.slice(0, table.indexOf("</table>")).replace(/\s+/g, " ")
    expect(body).toContain(`<th scope="row">${OLD_YEAR}</th><td class="text-end">4.000</td>`)
    expect(body).toContain(`<a href="${cell()}" aria-label="0 (ret ${OLD_YEAR} → ${YEAR})">0</a>`)
    expect(body).toContain(
      `<th scope="row">${YEAR}</th><td class="text-end">0</td> <td class="text-end">-</td><td class="text-end">-</td>`
    )
    expect(body).toContain('<td class="text-end">0 / 5.479</td>')
    // Never saved: no history yet.
    expect(body).not.toContain("Historik")
    expect((await clerk.get(`${cell()}history/`)).status).toBe(404)
    // The matrix of the old year has only its own year.
    const old = await (await clerk.get(`/tax_year/${OLD_YEAR}/persons/${fx.anna.person}/policies/`)).text()
    expect(old).toContain(`id="loss-matrix-${oldPolicy}"`)
    expect(old).not.toContain(`/negativepayoutdefined/`)
  })

  it("the cell form: side panel, protection pre-checked; 400 unless to-year is later, else 404", async () => {
    const html = (await (await clerk.get(cell())).text()).replace(/\s+/g, " ")
    for (const [label, value] of [
      [`Anvendt i ${YEAR}`, "0"],
      [`Skattepligtigt beløb i ${YEAR}`, "5.479"],
      [`Negativt afkast i ${OLD_YEAR}`, "4.000"],
      [`Ikke fordelt negativt afkast fra ${OLD_YEAR}`, "4.000"],
      ["Nuværende værdi", "0"],
      ["Maksimum", "4.000"]
    ])
      expect(html).toContain(`<dt class="col-7">${label}</dt><dd class="col-5 text-end">${value}</dd>`)
    expect(html).toContain('name="value" value="0"')
    expect(html).toContain('name="protect" checked')
    expect((await clerk.get(cell(YEAR, OLD_YEAR))).status).toBe(400)
    expect((await clerk.get(cell(YEAR, YEAR))).status).toBe(400)
    expect((await clerk.get(cell(2015, YEAR))).status).toBe(404)
    expect((await clerk.get(cell(OLD_YEAR, YEAR, 999999))).status).toBe(404)
  })

  it("refuses bad values with Danish messages and changes nothing", async () => {
    const before = await state()
    for (const [value, message] of [
      ["fire", "Indtast et helt beløb i kroner"],
      ["", "Dette felt er påkrævet"],
      ["4001", "Værdien skal være mellem 0 og 4000"],
      ["-1", "Værdien skal være mellem 0 og 4000"]
    ]) {
      const res = await clerk.post(cell(), { value: value!, protect: "on" })
      expect(res.status, value).toBe(400)
      expect(await res.text()).toContain(message)
    }
    expect(await state()).toEqual(before)
  })

  it("saves a protected cell with 'Manuel rettelse', recalculates the to-year, shows the cell's history", async () => {
    const res = await clerk.post(cell(), { value: "3.000", protect: "on" })
    expect(res.status).toBe(302)
    expect(res.headers.get("location")).toBe(`${tabs()}?tab=negativt_afkast#policy_${fx.anna.policy}`)
    // 5 479 − 3 000 = 2 479 taxable; floor(2 479 × 0.153) = 379. The protected cell keeps its value.
    expect(await state()).toEqual({ cells: [{ value: 3000, protected: true }], policy: { tax: 379, used: 3000 } })
    const history = await query<{ entity_type: string; history_user: string; change_reason: string }>(
      web.databaseUrl,
      `select entity_type, history_user, change_reason from kas.history
       where (entity_type = 'LossTransfer') or (entity_type = 'PolicyTaxYear' and entity_id = $1)
       order by history_id desc limit 2`,
      [String(fx.anna.policy)]
    )
    expect(history.map((h) => [h.entity_type, h.history_user, h.change_reason]).sort()).toEqual([
      ["LossTransfer", "sagsbehandler", "Manuel rettelse"],
      ["PolicyTaxYear", "sagsbehandler", "Genberegning efter manuel rettelse"]
    ])
    const tab = (await (await clerk.get(`${tabs()}?tab=negativt_afkast`)).text()).replace(/\s+/g, " ")
    expect(tab).toContain('aria-label="Beskyttet mod genberegninger">⚓</span>')
    expect(tab).toContain(`href="${cell()}history/"`)
    expect(tab).toContain('<td class="text-end">3.000 / 5.479</td>')
    const page = await clerk.get(`${cell()}history/`)
    expect(page.status).toBe(200)
    const rows = (await page.text()).replace(/\s+/g, " ")
    expect(rows).toMatch(
      new RegExp(
        '<tr><td>[\\d-]+ [\\d:]+</td><td>sagsbehandler</td><td class="text-end">3.000</td><td>Ja</td> ' +
          "<td>Manuel rettelse</td></tr>"
      )
    )
    // Unprotected, the recalculation that follows the save takes what the year wants (all 4 000).
    expect((await clerk.post(cell(), { value: "1000" })).status).toBe(302)
    expect(await state()).toEqual({ cells: [{ value: 4000, protected: false }], policy: { tax: 226, used: 4000 } })
  })
})
