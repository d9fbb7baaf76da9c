import type { Browser as Chromium } from "playwright-core"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { Accessibility, Chromium as ChromiumSetup } from "@kas/core/testing"
import { PDF, startPortal, YEAR, type Portal } from "../support.js"

const enabled = ChromiumSetup.browserTestsEnabled()

describe.runIf(enabled)("citizen journey in a real browser", () => {
  let portal: Portal
  let browser: Chromium
  beforeAll(async () => {
    portal = await startPortal()
    browser = await ChromiumSetup.launch()
  })
  afterAll(async () => {
    await browser?.close()
    await portal?.stop()
  })

  it("logs in via the IdP, submits a policy with an attachment, sees receipt and amounts, in Greenlandic", async () => {
    const context = await browser.newContext()
    const audit = new Accessibility.Audit(portal.url)
    await audit.install(context)
    const page = await context.newPage()
    const violations: Array<string> = []
    page.on("console", (m) => {
      if (/Content Security Policy/i.test(m.text())) violations.push(m.text())
    })
    await page.goto(`${portal.url}/`)
    await page.click("#login-1802602810")
    await page.waitForURL(`${portal.url}/policy/edit/`)
    await audit.check(page)
    expect(await page.locator("header").textContent()).toContain("Logget ind som Anna Testesen")

    await page.locator("#new-policy > summary").click()
    await page.selectOption("#new-pension_company_id", { label: "Danica" })
    expect(await page.isDisabled("#new-pension_company_name")).toBe(true)
    await page.fill("#new-policy_number_new", "BROWSER-1")
    await page.fill("#new-self_reported_amount", "2500")
    await page.setInputFiles("#new-file0", {
      name: "dokumentation.pdf",
      mimeType: "application/pdf",
      buffer: Buffer.from(PDF)
    })
    await page.fill("#new-file0-description", "Årsopgørelse")
    expect(await page.locator("#new-file1").count()).toBe(1)
    await page.fill("#general_notes", "Indsendt fra browseren")
    await page.click("#submit")
    await page.waitForURL(`${portal.url}/policy/submitted/`)
    await audit.check(page)
    expect(await page.locator("#receipt").textContent()).toContain("Selvangivelse opdateret")

    await page.goto(`${portal.url}/policy/${YEAR}/`)
    await audit.check(page)
    expect(await page.locator("main").textContent()).toContain("Danica, Police nr BROWSER-1")
    expect(await page.locator("main").textContent()).toContain("dokumentation.pdf | Årsopgørelse")
    const expected = Math.trunc((10000 * 200) / (YEAR % 4 === 0 ? 366 : 365)) + 2500
    expect(await page.locator("#kas201").textContent()).toBe(String(expected).replace(/\B(?=(\d{3})+(?!\d))/g, "."))

    await page.click("#language-switch")
    await page.waitForURL(`${portal.url}/policy/${YEAR}/`)
    await audit.check(page)
    expect(await page.getAttribute("html", "lang")).toBe("kl")
    expect(await page.locator("main").textContent()).toContain("Eqikkaaneq")
    expect(await page.locator("header").textContent()).toContain("Anna Testesen-itut iserpoq")
    expect(violations).toEqual([])
    expect(audit.unchecked()).toEqual([])
    await context.close()
  })
})
