import ExcelJS from "exceljs"
import { readFile } from "node:fs/promises"
import type { Browser as Chromium } from "playwright-core"
import { afterAll, beforeAll, expect, it } from "vitest"
import { Chromium as ChromiumSetup } from "@kas/core/testing"
import { MergeCompaniesJob } from "../../src/jobs/companyJobs.js"
import { GeneratePensionCompanySummaryJob, GenerateTotalPensionCompanySummaryJob } from "../../src/jobs/summaryJobs.js"
import { query } from "../restFixtures.js"
import { type KasWeb, startKasWeb } from "../support.js"
import { staffPage } from "./StaffPage.js"
import { startTestWorker, type TestWorker } from "../support/jobWorker.js"

/**
 * Staff administration in a browser (issue 15): find two duplicate pension companies by live search, merge them and
 * watch "Flet pensionsselskaber" finish; then generate the all-company XLSX on the policy-summary page and download
 * it. axe-core (WCAG 2.1 AA) runs on every page visited.
 */

// Mandatory in CI (throws there when Chromium is missing); skipped elsewhere without a browser.
const enabled = ChromiumSetup.browserTestsEnabled()

let web: KasWeb
let worker: TestWorker
let browser: Chromium

const one = async (text: string, values: ReadonlyArray<unknown> = []) =>
  (await query<{ id: number }>(web.databaseUrl, text, values))[0]!.id

let target = 0
let duplicate = 0

beforeAll(async () => {
  if (!enabled) return
  web = await startKasWeb()
  worker = await startTestWorker(web, [
    MergeCompaniesJob,
    GeneratePensionCompanySummaryJob,
    GenerateTotalPensionCompanySummaryJob
  ])
  const year = await one("insert into kas.tax_year (year, year_part) values (2023, 'ligning') returning id")
  const person = await one("insert into kas.person (cpr, name) values ('0505051234', 'Frida') returning id")
  const pty = await one(
    "insert into kas.person_tax_year (tax_year_id, person_id, number_of_days) values ($1, $2, 365) returning id",
    [year, person]
  )
  target = await one("insert into kas.pension_company (name, res) values ('Nordlys Pension', 61000) returning id")
  duplicate = await one("insert into kas.pension_company (name, res) values ('Nordlys Pension A/S', null) returning id")
  await query(
    web.databaseUrl,
    `insert into kas.policy_tax_year (person_tax_year_id, pension_company_id, policy_number, prefilled_amount,
       year_adjusted_amount, calculated_result)
     values ($1, $2, 'N-1', 1000, 1000, 153), ($1, $3, 'N-2', 2000, 2000, 306)`,
    [pty, target, duplicate]
  )
  browser = await ChromiumSetup.launch()
}, 120_000)

afterAll(async () => {
  await browser?.close()
  await worker?.stop()
  await web?.stop()
})

it.skipIf(!enabled)(
  "merge two companies and watch the job finish; generate and download the all-company XLSX",
  async () => {
    const { context, page, audit } = await staffPage(browser, web.url, {
      username: "admin",
      start: "/pensioncompany/",
      contextOptions: { acceptDownloads: true }
    })

    // Live search: the rows change without a reload.
    await page.evaluate(() => {
      ;(globalThis as unknown as { marker?: number }).marker = 3
    })
    await page.fill("#f-search", "nordlys")
    await page.waitForURL("**/pensioncompany/?search=nordlys*")
    await page.locator("#company-rows tr").nth(1).waitFor()
    expect(await page.locator("#company-rows tr").count()).toBe(2)
    expect(await page.evaluate(() => (globalThis as unknown as { marker?: number }).marker)).toBe(3)
    await audit.check(page)

    // The target may not be among the marked ones.
    await page.check(`#mark-${target}`)
    await page.selectOption("#f-target", String(target))
    await page.click("#merge-button")
    await page.locator("#merge-error").waitFor()
    expect(await page.locator("#merge-error").textContent()).toBe("Du kan ikke flette Nordlys Pension ind i sig selv")
    await audit.check(page)

    await page.uncheck(`#mark-${target}`)
    await page.check(`#mark-${duplicate}`)
    await page.selectOption("#f-target", String(target))
    await page.click("#merge-button")
    await page.waitForURL("**/worker/job/*/")
    await page.locator("#job-summary").waitFor()
    expect(await page.locator("#job-status").textContent()).toBe("Færdig")
    expect(await page.locator("#job-summary").textContent()).toContain(
      "Flyttede 1 policer og flettede 1 pensionsselskaber."
    )
    await audit.check(page)
    expect(await query(web.databaseUrl, "select 1 from kas.pension_company where id = $1", [duplicate])).toHaveLength(0)

    // The summary page from the navigation bar; generate the all-company file and download it when it is there.
    await page.goto(`${web.url}/pensioncompany/`)
    await audit.check(page)
    await page.click("text=Policeopsummering")
    await page.waitForURL("**/tax_year/2023/company-summary/")
    await audit.check(page)
    expect(await page.locator("#no-files").textContent()).toBe("Ingen filer")
    await page.click("#generate-all")
    await page.waitForURL("**/tax_year/2023/company-summary/")
    await audit.check(page)
    const [job] = await query<{ id: string }>(
      web.databaseUrl,
      "select id from jobs.job where type = 'GenerateTotalPensionCompanySummary'"
    )
    await worker.ended(job!.id)
    await page.reload()
    await audit.check(page)
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.locator("#summary-files a", { hasText: "Download" }).first().click()
    ])
    expect(download.suggestedFilename()).toBe("aarssummation_2023_alle_pensionsselskaber.xlsx")
    const workbook = new ExcelJS.Workbook()
    const file = await readFile((await download.path())!)
    await workbook.xlsx.load(file.buffer.slice(file.byteOffset, file.byteOffset + file.byteLength) as ArrayBuffer)
    const sheet = workbook.worksheets[0]!
    expect(sheet.getRow(1).getCell(1).value).toBe("Pensionskasse")
    expect((sheet.getRow(2).values as Array<unknown>).slice(1)).toEqual(["Nordlys Pension", 1, 3000, 0, 3000, 0, 459])
    expect(sheet.rowCount).toBe(2)
    expect(audit.unchecked()).toEqual([])
    await context.close()
  },
  180_000
)
