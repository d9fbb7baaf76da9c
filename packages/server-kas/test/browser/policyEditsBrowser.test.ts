import { JobStore } from "@kas/jobs"
import { Effect } from "effect"
import { chromium, type Browser as Chromium } from "playwright-core"
import { afterAll, beforeAll, expect, it } from "vitest"
import { Chromium as ChromiumSetup } from "@kas/core/testing"
import { query } from "../restFixtures.js"
import { type StaffFixture, seedStaff, YEAR } from "../staffFixtures.js"
import { type KasWeb, startKasWeb } from "../support.js"
import { expectAccessible } from "../support/axe.js"

/**
 * The policy edits and person-year actions in a browser (issue 14, staff-web.md §6.2, §8.3–§8.5): the calculation
 * tab, an edit form with its Danish message, the confirmation dialog of "Afregistrer", "Opret ny police", and the
 * census waiting page that htmx polls until the job has ended. axe-core (WCAG 2.1 AA) runs on every page state.
 */

const enabled = ChromiumSetup.browserTestsEnabled()

let web: KasWeb
let fx: StaffFixture
let browser: Chromium

beforeAll(async () => {
  if (!enabled) return
  web = await startKasWeb()
  fx = await seedStaff(web.databaseUrl)
  browser = await chromium.launch({
    executablePath: ChromiumSetup.CHROMIUM_PATH,
    headless: true,
    args: [...ChromiumSetup.CHROMIUM_ARGS]
  })
}, 120_000)

afterAll(async () => {
  await browser?.close()
  await web?.stop()
})

it.skipIf(!enabled)(
  "calculation tab → Skift policenummer (message) → Afregistrer dialog → Opret ny police → census waiting page",
  async () => {
    const context = await browser.newContext({ bypassCSP: true })
    const page = await context.newPage()
    await page.goto(`${web.url}/accounts/login/`)
    await page.fill("input[name=username]", "sagsbehandler")
    await page.fill("input[name=password]", "admin")
    await page.click("form[action='/accounts/login/'] button[type=submit]")
    await page.waitForURL(`${web.url}/`)

    // The calculation details of Anna's policy, selected by ?tab=beregning.
    await page.goto(`${web.url}/policy/${fx.anna.policy}/?tab=beregning`)
    await page.locator(`#calculation-live-${fx.anna.policy}`).waitFor()
    expect(await page.locator(`#calculation-live-${fx.anna.policy}`).isVisible()).toBe(true)
    await expectAccessible(page)

    // Skift policenummer: an empty number is refused with the rule's message.
    await page.goto(`${web.url}/policy/${fx.anna.policy}/number/`)
    await expectAccessible(page)
    await page.fill("#f-policy_number", " ")
    await page.click("#save")
    await page.locator("#e-policy_number").waitFor()
    expect(await page.locator("#e-policy_number").textContent()).toBe("Policenummer skal udfyldes")
    await expectAccessible(page)

    // Afregistrer asks first; confirming deactivates the policy.
    await page.goto(`${web.url}/tax_year/${YEAR}/persons/${fx.anna.person}/policies/`)
    await page.click(`button[data-bs-target="#confirm-activate-${fx.anna.policy}"]`)
    await page.locator(`#confirm-activate-${fx.anna.policy}.show`).waitFor()
    await expectAccessible(page)
    await page.click(`#confirm-activate-submit-${fx.anna.policy}`)
    await page.waitForURL(`**/policies/#policy_${fx.anna.policy}`)
    const [{ active }] = await query<{ active: boolean }>(
      web.databaseUrl,
      "select active from kas.policy_tax_year where id = $1",
      [fx.anna.policy]
    )
    expect(active).toBe(false)

    // Opret ny police from the person-year page.
    await page.goto(`${web.url}/tax_year/${YEAR}/persons/${fx.anna.person}/`)
    await page.click("#add-policy")
    await page.waitForURL("**/policy/")
    await expectAccessible(page)
    await page.selectOption("#f-company", String(fx.companyPfa))
    await page.fill("#f-policy_number", "B-7")
    await page.fill("#f-self_reported_amount", "2.000")
    await page.click("#save")
    await page.waitForURL("**/policies/#policy_*")
    expect(await page.locator("h2", { hasText: "Police B-7" }).count()).toBe(1)

    // Census refresh: the waiting page polls; when the job ends (here cancelled) htmx returns to the person-year.
    await page.goto(`${web.url}/tax_year/${YEAR}/persons/${fx.anna.person}/`)
    await page.click("#census-refresh")
    await page.waitForURL("**/wait_for_mandtal_update/**")
    await page.locator("#census-wait").waitFor()
    await expectAccessible(page)
    const jobId = new URL(page.url()).pathname.split("/")[2]!
    await web.runtime.runPromise(Effect.flatMap(JobStore, (s) => s.cancel(jobId)))
    await page.waitForURL(`${web.url}/tax_year/${YEAR}/persons/${fx.anna.person}/`, { timeout: 30_000 })
    expect(await page.locator("#flash").textContent()).toBe("Opdatering af mandtal fejlede")
    await expectAccessible(page)
    await context.close()
  },
  180_000
)
