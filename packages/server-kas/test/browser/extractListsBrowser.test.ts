import ExcelJS from "exceljs"
import { readFile } from "node:fs/promises"
import type { Browser as Chromium, Page } from "playwright-core"
import { afterAll, beforeAll, expect, it } from "vitest"
import { type Accessibility, Chromium as ChromiumSetup } from "@kas/core/testing"
import { query } from "../restFixtures.js"
import { type StaffFixture, seedStaff, YEAR } from "../staffFixtures.js"
import { type KasWeb, startKasWeb } from "../support.js"
import { staffPage } from "./StaffPage.js"

/**
 * Statistics and an extract list in a browser (issue 14, staff-web.md §4, §5): reached through the "Udtrækslister"
 * menu, the SVG chart and the tables pass axe-core (WCAG 2.1 AA), a column sorts, a filter applies, and "Excel"
 * downloads the rows.
 */

// Mandatory in CI (throws there when Chromium is missing); skipped elsewhere without a browser.
const enabled = ChromiumSetup.browserTestsEnabled()

let web: KasWeb
let fx: StaffFixture
let browser: Chromium
/** The shared axe-core audit of the test's context (`Accessibility.Audit`): every page loaded must be checked. */
let audit: Accessibility.Audit
const expectAccessible = (page: Page) => audit.check(page)

beforeAll(async () => {
  if (!enabled) return
  web = await startKasWeb()
  fx = await seedStaff(web.databaseUrl)
  await query(
    web.databaseUrl,
    "update kas.policy_tax_year set efterbehandling = true, self_reported_amount = 12000 where id = any($1)",
    [[fx.anna.policy, fx.bent.policy]]
  )
  browser = await ChromiumSetup.launch()
}, 120_000)

afterAll(async () => {
  await browser?.close()
  await web?.stop()
})

it.skipIf(!enabled)(
  "menu → statistics with its chart → policy list: sort, filter, Excel; axe on every page",
  async () => {
    const session = await staffPage(browser, web.url, {
      username: "sagsbehandler",
      contextOptions: { acceptDownloads: true }
    })
    const { context, page } = session
    audit = session.audit

    await page.click("button:has-text('Udtrækslister')")
    await page.click("a.dropdown-item:has-text('Statistik')")
    await page.waitForURL("**/statistics/")
    await page.locator("#statistics-chart svg[role=img]").waitFor()
    expect(await page.locator("#statistics-chart svg rect title").count()).toBe(4)
    expect(await page.locator("#statistics-chart svg").getAttribute("aria-labelledby")).toBe("chart-title chart-desc")
    await expectAccessible(page)

    await page.click("button:has-text('Udtrækslister')")
    await page.click("a.dropdown-item[href='/policy/unfinished/']")
    await page.waitForURL("**/policy/unfinished/")
    const numbers = () => page.locator("#list-table tbody tr td:nth-child(4)").allTextContents()
    expect(await numbers()).toEqual(["B-1", "A-1"]) // Forskel %: -40 before 20
    await expectAccessible(page)
    await page.click("#list-table th a:has-text('Police nr.')")
    await page.waitForURL("**sort=policy_number*")
    expect(await numbers()).toEqual(["A-1", "B-1"])
    expect(await page.locator("#list-table th[aria-sort=ascending]").textContent()).toContain("Police nr.")
    await expectAccessible(page)

    await page.fill("#f-company", "danica")
    await page.click("#list-button")
    await page.waitForURL("**company=danica*")
    expect(await numbers()).toEqual(["B-1"])
    await expectAccessible(page)
    const [download] = await Promise.all([page.waitForEvent("download"), page.click("#excel")])
    expect(download.suggestedFilename()).toBe(`policer_efterbehandling_${YEAR}.xlsx`)
    const book = new ExcelJS.Workbook()
    const file = await readFile((await download.path())!)
    await book.xlsx.load(file.buffer.slice(file.byteOffset, file.byteOffset + file.byteLength) as ArrayBuffer)
    const rows: Array<Array<unknown>> = []
    book.worksheets[0]!.eachRow((row) => rows.push((row.values as Array<unknown>).slice(1)))
    expect(rows).toEqual([
      [
        "CPR",
        "Navn",
        "Pensionsselskab",
        "Police nr.",
        "Fortrykt beløb",
        "Selvangivet beløb",
        "Forskel",
        "Forskel %",
        "Næste behandlingsdato"
      ],
      ["010170-9901", "Bent Andersen", "Danica (28888)", "B-1", 20000, 12000, -8000, -40]
    ])
    expect(audit.unchecked()).toEqual([])
    await context.close()
  }
)
