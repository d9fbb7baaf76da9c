import { readFile } from "node:fs/promises"
import { Accessibility, Chromium as ChromiumSetup } from "@kas/core/testing"
import type { Browser as Chromium } from "playwright-core"
import { afterAll, beforeAll, expect, it } from "vitest"
import { type DispatchWorker, startDispatchWorker } from "../../../server-kas/test/support/dispatchWorker.js"
import { CPR_A, type Portal, query, startPortal, YEAR } from "../support.js"

/**
 * The final statement's way in two browsers (issue 16): a case worker generates a statement for a person-year in
 * genoptagelsesperiode, opens its PDF, dispatches it (a worker in this process with the mock e-Boks) and watches its
 * status become "E-boks"; then the citizen logs in to self-service through the SAML test IdP and downloads the same
 * PDF from the year's page. axe-core on every page of both servers.
 */
const enabled = ChromiumSetup.browserTestsEnabled()
/** A closed year of the fixture citizen Anna Testesen (CPR_A), older than the fixture's two years. */
const STATEMENT_YEAR = YEAR - 2

let portal: Portal
let browser: Chromium
let worker: DispatchWorker
let pty = 0

beforeAll(async () => {
  if (!enabled) return
  portal = await startPortal()
  const url = portal.kas.databaseUrl
  const one = async (text: string, values: ReadonlyArray<unknown> = []) =>
    (await query<{ id: number }>(url, text, values))[0]!.id
  const year = await one(
    `insert into kas.tax_year (year, year_part) values ($1, 'genoptagelsesperiode') returning id`,
    [STATEMENT_YEAR]
  )
  pty = await one(
    `insert into kas.person_tax_year (tax_year_id, person_id, number_of_days) values ($1, $2, 365) returning id`,
    [year, portal.fx.personA]
  )
  // 500 kr. gives 76 kr. tax, below the indifference limit: nothing to charge, so no Prisme batch.
  await one(
    `insert into kas.policy_tax_year (person_tax_year_id, pension_company_id, policy_number, prefilled_amount,
       year_adjusted_amount, slutlignet) values ($1, $2, 'P-77', 500, 500, true) returning id`,
    [pty, portal.fx.companyPfa]
  )
  worker = await startDispatchWorker(url)
  browser = await ChromiumSetup.launch()
}, 120_000)

afterAll(async () => {
  await browser?.close()
  await worker?.stop()
  await portal?.stop()
})

it.skipIf(!enabled)(
  "staff: generate → open the PDF → dispatch → status E-boks; the citizen logs in and downloads that PDF",
  async () => {
    const staff = await browser.newContext({ acceptDownloads: true })
    const staffAudit = new Accessibility.Audit(portal.kas.url)
    await staffAudit.install(staff)
    const page = await staff.newPage()
    page.setDefaultTimeout(30_000)
    const personPage = `${portal.kas.url}/tax_year/${STATEMENT_YEAR}/persons/${portal.fx.personA}/`
    await page.goto(personPage)
    await page.waitForURL("**/login/**")
    await staffAudit.check(page)
    await page.fill("input[name=username]", "sagsbehandler")
    await page.fill("input[name=password]", "admin")
    await page.click("form[action='/accounts/login/'] button[type=submit]")
    await page.waitForURL(personPage)
    await staffAudit.check(page)

    await page.click("text=Generer ny slutopgørelse")
    await page.waitForURL(`**/final_settlement/generate/${pty}/`)
    await staffAudit.check(page)
    await page.selectOption("#text_used_for_payment", "DUE")
    await page.click("#create")
    await page.waitForURL(personPage)
    expect(await page.locator("body").textContent()).toContain(
      `Ny slutopgørelse genereret for Anna Testesen for ${STATEMENT_YEAR}`
    )
    await page.click("#tab-slutopgorelser")
    const row = page.locator("#final-statements tbody tr").first()
    await row.waitFor()
    expect(await row.locator(".delivery-status").textContent()).toBe("Afventer afsendelse")
    await staffAudit.check(page)

    // "Vis": the PDF downloads as {year}_{cpr}.pdf.
    const [download] = await Promise.all([page.waitForEvent("download"), row.locator("text=Vis").click()])
    expect(download.suggestedFilename()).toBe(`${STATEMENT_YEAR}_${CPR_A}.pdf`)
    const shown = await readFile(await download.path())
    expect(shown.subarray(0, 5).toString()).toBe("%PDF-")

    await row.locator("text=Afsend slutopgørelse").click()
    await page.waitForURL("**/final_settlement/*/dispatch/")
    await staffAudit.check(page)
    await page.fill("#title", `Din slutopgørelse ${STATEMENT_YEAR}`)
    await page.click("#send")
    await page.waitForURL(personPage)
    await staffAudit.check(page)
    // Watch the status change: reload until the worker has sent it.
    let delivery = ""
    for (let i = 0; i < 100 && delivery !== "E-boks"; i++) {
      await page.reload()
      await page.click("#tab-slutopgorelser")
      delivery = ((await page.locator("#final-statements .delivery-status").first().textContent()) ?? "").trim()
      if (delivery !== "E-boks") await page.waitForTimeout(300)
    }
    expect(delivery).toBe("E-boks")
    expect(await page.locator("#final-statements .statement-status").first().textContent()).toBe("Afsendt")
    expect(await page.locator("#final-statements").textContent()).toContain(`Din slutopgørelse ${STATEMENT_YEAR}`)
    await staffAudit.check(page)
    expect(staffAudit.unchecked()).toEqual([])
    await staff.close()

    // The citizen: SAML login at the test IdP, the year's page, its download link.
    const citizen = await browser.newContext()
    const audit = new Accessibility.Audit(portal.url)
    await audit.install(citizen)
    const own = await citizen.newPage()
    own.setDefaultTimeout(30_000)
    await own.goto(`${portal.url}/`)
    await own.click(`#login-${CPR_A}`)
    await own.waitForURL(`${portal.url}/policy/edit/`)
    await audit.check(own)
    expect(await own.locator("header").textContent()).toContain("Logget ind som Anna Testesen")
    await own.goto(`${portal.url}/policy/${STATEMENT_YEAR}/`)
    await audit.check(own)
    const link = own.locator(`a[href="/final_settlement/${STATEMENT_YEAR}/"]`)
    expect(await link.count()).toBe(1)
    // The PDF is fetched with the page's session (a headless browser has no viewer to show it inline).
    const answer = await citizen.request.get(new URL((await link.getAttribute("href"))!, portal.url).href)
    expect(answer.status()).toBe(200)
    expect(answer.headers()["content-type"]).toBe("application/pdf")
    expect(answer.headers()["content-disposition"]).toContain(`${STATEMENT_YEAR}_${CPR_A}.pdf`)
    expect(Buffer.compare(await answer.body(), shown)).toBe(0)
    expect(audit.unchecked()).toEqual([])
    await citizen.close()
  },
  180_000
)
