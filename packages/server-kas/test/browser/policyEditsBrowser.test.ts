import { JobStore } from "@kas/jobs"
import { Effect } from "effect"
import type { Browser as Chromium, Page } from "playwright-core"
import { afterAll, beforeAll, expect, it } from "vitest"
import { type Accessibility, Chromium as ChromiumSetup } from "@kas/core/testing"
import { query } from "../restFixtures.js"
import { type StaffFixture, seedStaff, YEAR } from "../staffFixtures.js"
import { type KasWeb, startKasWeb } from "../support.js"
import { staffPage } from "./StaffPage.js"

/**
 * The policy edits and person-year actions in a browser (issue 14, staff-web.md §6.2, §7, §8.3–§8.5): the
 * calculation tab, an edit form with its Danish message, note and file rows added in place, the confirmation dialog
 * of "Afregistrer", "Opret ny police", and the census waiting page that htmx polls until the job has ended. axe-core
 * (WCAG 2.1 AA) runs on every page state.
 */

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
  browser = await ChromiumSetup.launch()
}, 120_000)

afterAll(async () => {
  await browser?.close()
  await web?.stop()
})

it.skipIf(!enabled)(
  "calculation tab → Skift policenummer (message) → Afregistrer dialog → Opret ny police → census waiting page",
  async () => {
    // Reduced motion: Bootstrap then shows the dialog without its fade, so axe sees its final colours.
    const session = await staffPage(browser, web.url, {
      username: "sagsbehandler",
      contextOptions: { reducedMotion: "reduce" }
    })
    const { context, page } = session
    audit = session.audit

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

    // The note and file rows of an edit form: two more file rows and a note row are added in place (no reload),
    // focus moves to each new row, a removed row is gone; the save stores every file with its own description.
    await page.goto(`${web.url}/policy/${fx.anna.policy}/update_efterbehandling`)
    const marker = await page.evaluate(() => {
      ;(globalThis as unknown as { marker?: number }).marker = 3
      return 3
    })
    await page.click("#add-file-row")
    await page.locator("#f-file-1-file").waitFor()
    expect(await page.locator(":focus").getAttribute("id")).toBe("f-file-1-file")
    await page.click("#add-file-row")
    await page.locator("#f-file-2-file").waitFor()
    expect(await page.locator("label[for=f-file-2-description]").textContent()).toBe("Beskrivelse af fil 3")
    await page.click("#add-note-row")
    await page.locator("#f-note-1-content").waitFor()
    await page.click("#add-note-row")
    await page.getByRole("button", { name: "Fjern notat 3" }).click()
    expect(await page.locator("#f-note-2-content").count()).toBe(0)
    expect(await page.locator(":focus").getAttribute("id")).toBe("add-note-row")
    expect(await page.evaluate(() => (globalThis as unknown as { marker?: number }).marker)).toBe(marker)
    await expectAccessible(page)
    const pdf = (text: string) => Buffer.from(`%PDF-1.4\n${text}\n%%EOF\n`)
    await page.check("#f-efterbehandling")
    await page.fill("#f-note-0-content", "Første notat")
    await page.fill("#f-note-1-content", "Andet notat")
    for (const [i, description] of ["Kontoudtog", "Årsopgørelse", "Brev"].entries()) {
      await page.setInputFiles(`#f-file-${i}-file`, {
        name: `bilag-${i}.pdf`,
        mimeType: "application/pdf",
        buffer: pdf(description)
      })
      await page.fill(`#f-file-${i}-description`, description)
    }
    await page.click("#save")
    await page.waitForURL(`**/policies/#policy_${fx.anna.policy}`)
    await expectAccessible(page)
    expect(
      await query<{ name: string; description: string }>(
        web.databaseUrl,
        "select name, description from kas.policy_document where policy_tax_year_id = $1 order by id",
        [fx.anna.policy]
      )
    ).toEqual([
      { name: "bilag-0.pdf", description: "Kontoudtog" },
      { name: "bilag-1.pdf", description: "Årsopgørelse" },
      { name: "bilag-2.pdf", description: "Brev" }
    ])
    expect(
      await query<{ content: string }>(
        web.databaseUrl,
        "select content from kas.note where policy_tax_year_id = $1 order by id",
        [fx.anna.policy]
      )
    ).toEqual([{ content: "Første notat" }, { content: "Andet notat" }])

    // Afregistrer asks first; confirming deactivates the policy.
    await page.goto(`${web.url}/tax_year/${YEAR}/persons/${fx.anna.person}/policies/`)
    await page.click(`button[data-bs-target="#confirm-activate-${fx.anna.policy}"]`)
    await page.locator(`#confirm-activate-${fx.anna.policy}.show`).waitFor()
    await expectAccessible(page)
    await page.click(`#confirm-activate-submit-${fx.anna.policy}`)
    await page.waitForURL(`**/policies/#policy_${fx.anna.policy}`)
    await expectAccessible(page)
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
    await expectAccessible(page)
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
    expect(audit.unchecked()).toEqual([])
    await context.close()
  },
  180_000
)
