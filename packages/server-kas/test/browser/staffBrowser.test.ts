import ExcelJS from "exceljs"
import { readFile } from "node:fs/promises"
import type { Browser as Chromium, Locator, Page } from "playwright-core"
import { afterAll, beforeAll, expect, it } from "vitest"
import { type Accessibility, Chromium as ChromiumSetup } from "@kas/core/testing"
import { query } from "../restFixtures.js"
import { type StaffFixture, seedStaff, YEAR } from "../staffFixtures.js"
import { type KasWeb, startKasWeb } from "../support.js"
import { staffPage } from "./StaffPage.js"

/**
 * The staff case work in a browser (issue 14): find a person by part of the name as you type, export the search to
 * XLSX, open the person-year, open the policy, edit its amounts in `ligning` and see the recalculated tax and the
 * history entry, set a loss-matrix cell, add a note with an attachment and download it, and read the history.
 * axe-core (WCAG 2.1 AA) runs on every page visited.
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
  fx = await seedStaff(web.databaseUrl, 25)
  browser = await ChromiumSetup.launch()
}, 120_000)

afterAll(async () => {
  await browser?.close()
  await web?.stop()
})

/** The trimmed text of an element, once it is there. */
const textOf = async (locator: Locator) => {
  await locator.waitFor()
  return ((await locator.textContent()) ?? "").trim()
}

it.skipIf(!enabled)(
  "find person → export → person-year → policy → Ret beløb → recalculated tax and history",
  async () => {
    const session = await staffPage(browser, web.url, {
      username: "sagsbehandler",
      contextOptions: { acceptDownloads: true }
    })
    const { context, page } = session
    audit = session.audit
    expect(await textOf(page.locator("#search-prompt"))).toBe("Udfyld mindst ét søgefelt")
    await expectAccessible(page)
    // The help toggle opens.
    await page.click(".kas-help-toggle")
    await page.locator("#page-help.show").waitFor()

    // Search as you type: the results change without a reload and the URL keeps the filter.
    await page.evaluate(() => {
      ;(globalThis as unknown as { marker?: number }).marker = 7
    })
    await page.fill("#f-name", "testes")
    await page.locator("#result-table").waitFor()
    await page.waitForURL("**/?*name=testes*")
    expect(await page.evaluate(() => (globalThis as unknown as { marker?: number }).marker)).toBe(7)
    expect(await page.locator("#result-table tbody tr").count()).toBe(1)
    await expectAccessible(page)

    // A wrong CPR shows its message.
    await page.fill("#f-cpr", "x")
    await page.locator("#search-errors").waitFor()
    expect(await textOf(page.locator("#search-errors"))).toContain("CPR-nummer skal starte med et tal")
    await page.fill("#f-cpr", "")
    await page.locator("#result-table").waitFor()

    // The export of the search.
    const [download] = await Promise.all([page.waitForEvent("download"), page.click("#excel")])
    const book = new ExcelJS.Workbook()
    const file = await readFile((await download.path())!)
    await book.xlsx.load(file.buffer.slice(file.byteOffset, file.byteOffset + file.byteLength) as ArrayBuffer)
    const rows: Array<Array<unknown>> = []
    book.worksheets[0]!.eachRow((r) => rows.push((r.values as Array<unknown>).slice(1)))
    expect(rows.map((r) => r[0])).toEqual(["CPR", "180260-2810"])

    // The person-year page.
    await page.click("#result-table tbody a")
    await page.waitForURL(`**/tax_year/${YEAR}/persons/${fx.anna.person}/`)
    expect(await textOf(page.locator("#master-data"))).toContain("Anna Testesen")
    await expectAccessible(page)
    await page.click("#tab-notater")
    await page.locator("#pane-notater.show").waitFor()
    await expectAccessible(page)

    // The policy, and "Ret beløb" (the year is in ligning).
    await page.click("#tab-policer")
    await page.click(`#policy-row-${fx.anna.policy} a`)
    await page.waitForURL(`**/policies/#policy_${fx.anna.policy}`)
    await expectAccessible(page)
    await page.click(`#policy_${fx.anna.policy} a[href='/change/editamounts/${fx.anna.policy}/']`)
    await page.waitForURL(`**/change/editamounts/${fx.anna.policy}/`)
    await expectAccessible(page)
    await page.fill("#f-assessed_amount", "nul")
    await page.click("#save")
    expect(await textOf(page.locator("#e-assessed_amount"))).toBe("Indtast et helt beløb i kroner")
    await expectAccessible(page)
    await page.fill("#f-assessed_amount", "8.000")
    await page.check("#f-slutlignet")
    await page.click("#save")
    await page.waitForURL(`**/policies/#policy_${fx.anna.policy}`)
    expect(await textOf(page.locator(`#policy_${fx.anna.policy} [data-field=tax]`))).toBe("1.224")
    expect(await textOf(page.locator(`#policy_${fx.anna.policy} [data-field=slutlignet]`))).toBe("Ja")
    await expectAccessible(page)
    const history = await query<{ history_user: string; change_reason: string }>(
      web.databaseUrl,
      `select history_user, change_reason from kas.history where entity_type = 'PolicyTaxYear' and entity_id = $1
     order by history_id desc limit 1`,
      [String(fx.anna.policy)]
    )
    expect(history).toEqual([
      { history_user: "sagsbehandler", change_reason: "Automatisk genberegning ved rettelse af beløb" }
    ])

    // The policy's history page shows the edit: who, the reason and the changed amount.
    await page.click(`#policy_${fx.anna.policy} a[href='/policytaxyear/${fx.anna.policy}/history/']`)
    await page.waitForURL(`**/policytaxyear/${fx.anna.policy}/history/`)
    const edit = page.locator("#history tbody > tr", { hasText: "Automatisk genberegning ved rettelse af beløb" })
    expect(await textOf(edit.first())).toContain("sagsbehandler")
    expect(await textOf(page.locator("#history"))).toContain("Ansat beløb")
    await expectAccessible(page)

    // A loss of 4 000 in the year before (its stored result): set the matrix cell → the tax is recalculated.
    await query(
      web.databaseUrl,
      "update kas.policy_tax_year set year_adjusted_amount = -4000 where person_tax_year_id = $1",
      [fx.anna.oldPty]
    )
    await page.goto(`${web.url}/policy/${fx.anna.policy}/?tab=negativt_afkast`)
    await page.waitForURL(`**/policies/?tab=negativt_afkast#policy_${fx.anna.policy}`)
    await expectAccessible(page)
    const cellLink = `/policy/${fx.anna.policy}/negativepayoutdefined/${YEAR - 1}/${YEAR}/`
    await page.click(`#loss-matrix-${fx.anna.policy} a[href='${cellLink}']`)
    await page.waitForURL(`**${cellLink}`)
    expect(await textOf(page.locator("#cell-panel"))).toContain("4.000")
    await expectAccessible(page)
    await page.fill("#f-value", "5000")
    await page.click("#save")
    expect(await textOf(page.locator("#e-value"))).toBe("Værdien skal være mellem 0 og 4000")
    await expectAccessible(page)
    await page.fill("#f-value", "1.000")
    await page.click("#save")
    await page.waitForURL(`**/policies/?tab=negativt_afkast#policy_${fx.anna.policy}`)
    expect(await textOf(page.locator(`#loss-matrix-${fx.anna.policy} a[href='${cellLink}']`))).toBe("1.000")
    // 8 000 − 1 000 (protected) = 7 000 taxable; floor(7 000 × 0.153) = 1 071.
    await page.click(`#tab-policy-${fx.anna.policy}-stamdata`)
    expect(await textOf(page.locator(`#policy_${fx.anna.policy} [data-field=tax]`))).toBe("1.071")
    await expectAccessible(page)
    await page.click(`#tab-policy-${fx.anna.policy}-negativt_afkast`)
    await page.click(`#loss-matrix-${fx.anna.policy} a[href='${cellLink}history/']`)
    await page.waitForURL(`**${cellLink}history/`)
    expect(await textOf(page.locator("#cell-history tbody tr").first())).toContain("Manuel rettelse")
    await expectAccessible(page)

    // A note with an attachment on the person-year, then the download.
    await page.goto(`${web.url}/tax_year/${YEAR}/persons/${fx.anna.person}/`)
    await page.click("#add-notes")
    await page.waitForURL(`**/person/${fx.anna.pty}/add/notes-attachments/`)
    await expectAccessible(page)
    const pdf = Buffer.from("%PDF-1.4\nbilag fra borgeren\n%%EOF\n")
    await page.fill("#f-note", "Borgeren har sendt kontoudtog")
    await page.setInputFiles("#f-file", { name: "kontoudtog æø.pdf", mimeType: "application/pdf", buffer: pdf })
    await page.fill("#f-description", "Kontoudtog 2021")
    await page.click("#save")
    await page.waitForURL(`**/tax_year/${YEAR}/persons/${fx.anna.person}/`)
    expect(await textOf(page.locator("#flash"))).toBe("Bilag og notater er gemt")
    expect(await textOf(page.locator("#handled"))).toContain("Nej")
    await expectAccessible(page)
    await page.click("#tab-bilag")
    await page.locator("#pane-bilag.show").waitFor()
    await expectAccessible(page)
    const [attachment] = await Promise.all([page.waitForEvent("download"), page.click("#documents a")])
    expect(attachment.suggestedFilename()).toBe("kontoudtog æø.pdf")
    expect(await readFile((await attachment.path())!)).toEqual(pdf)

    // The note is edited from the notes tab.
    await page.click("#tab-notater")
    await page.locator("#pane-notater.show").waitFor()
    await page.click("#notes a[href^='/note/']")
    await page.waitForURL("**/note/*/")
    await expectAccessible(page)
    await page.fill("#f-content", "")
    await page.click("#save")
    expect(await textOf(page.locator("#e-content"))).toBe("Dette felt er påkrævet")
    await expectAccessible(page)
    await page.fill("#f-content", "Borgeren har sendt kontoudtog for hele året")
    await page.click("#save")
    await page.waitForURL(`**/tax_year/${YEAR}/persons/${fx.anna.person}/`)
    await page.click("#tab-notater")
    expect(await textOf(page.locator("#notes tbody tr").first())).toContain("for hele året")
    await expectAccessible(page)

    // The person-year's history lists the note and the policy's edit.
    await page.click("#show-history")
    await page.waitForURL(`**/persontaxyear/${fx.anna.pty}/history/`)
    const all = await textOf(page.locator("#history"))
    expect(all).toContain("Borgeren har sendt kontoudtog")
    expect(all).toContain("Automatisk genberegning ved rettelse af beløb")
    await expectAccessible(page)
    await page.click(`#history a[href^='/persontaxyear/history/']`)
    await page.waitForURL("**/persontaxyear/history/*/")
    expect(await textOf(page.locator("#version-notice"))).toContain("tidligere version af personskatteåret")
    await expectAccessible(page)
    expect(audit.unchecked()).toEqual([])
    await context.close()
  }
)
