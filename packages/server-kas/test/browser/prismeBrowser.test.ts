import { PgClient } from "@effect/sql-pg"
import { Prisme10QBatches, SystemUsers } from "@kas/core"
import { Chromium as ChromiumSetup } from "@kas/core/testing"
import { JobRegistry, JobStore, Worker } from "@kas/jobs"
import { Effect, Exit, Layer, Redacted, Scope } from "effect"
import { readFile } from "node:fs/promises"
import type { Browser as Chromium } from "playwright-core"
import { afterAll, beforeAll, expect, it } from "vitest"
import { GenerateBatchAndTransactionsJob, PrismeJobSettings, SendBatchJob } from "../../src/jobs/prismeJobs.js"
import { Prisme, PrismeUploadError } from "../../src/prisme/Prisme.js"
import { yearWithStatements } from "../prismeFixtures.js"
import { type KasWeb, startKasWeb } from "../support.js"
import { staffPage } from "./StaffPage.js"

/**
 * The Prisme browser test (issue 17): generate a batch from /worker/, open it from the navigation, download its file,
 * send it to the mocking destination and see the status change; axe on every page.
 */

// Mandatory in CI (throws there when Chromium is missing); skipped elsewhere without a browser.
const enabled = ChromiumSetup.browserTestsEnabled()

let web: KasWeb
let browser: Chromium
let scope: Scope.CloseableScope
let yearId: number

beforeAll(async () => {
  if (!enabled) return
  web = await startKasWeb()
  yearId = await web.runtime.runPromise(yearWithStatements(2038, 3))
  // A worker for the two Prisme jobs, in this process, on the app's database (development: mocking is allowed).
  scope = Effect.runSync(Scope.make())
  const layer = Layer.mergeAll(
    JobStore.Default,
    Prisme10QBatches.Default,
    SystemUsers.Default,
    PrismeJobSettings.layer({ environment: "development", tenqProjectId: "KAS", transactionIndifferenceLimit: 100 }),
    // The mocking destination uploads nothing; any other upload would be a mistake here.
    Layer.succeed(Prisme, {
      upload: () => Effect.fail(new PrismeUploadError({ reason: "NotConfigured", message: "ingen SFTP i testen" }))
    })
  ).pipe(Layer.provideMerge(PgClient.layer({ url: Redacted.make(web.databaseUrl), maxConnections: 4 })))
  const services = await Effect.runPromise(Layer.buildWithScope(layer, scope))
  await Effect.runPromise(
    Worker.start({
      registry: JobRegistry.make([GenerateBatchAndTransactionsJob, SendBatchJob]),
      pollInterval: "300 millis",
      gracePeriod: "1 second"
    }).pipe(Effect.provide(services), Scope.extend(scope))
  )
  browser = await ChromiumSetup.launch()
}, 120_000)

afterAll(async () => {
  await browser?.close()
  if (scope) await Effect.runPromise(Scope.close(scope, Exit.void))
  await web?.stop()
})

it.skipIf(!enabled)(
  "generates a batch, opens it, downloads the file, sends it to Mocking and sees it delivered",
  async () => {
    const { context, page, audit } = await staffPage(browser, web.url, {
      username: "admin",
      start: "/worker/jobstart/GenerateBatchAndTransactions/",
      contextOptions: { acceptDownloads: true }
    })
    await page.fill("#f-year_pk", String(yearId))
    await page.click("#start")
    await page.waitForURL("**/worker/jobs/")
    await audit.check(page)
    await page.locator("#job-list tbody tr").first().locator("a").click()
    await page.waitForURL("**/worker/job/*/")
    await page.locator("#job-summary").waitFor()
    expect(await page.locator("#job-summary").textContent()).toContain("Genererede 3 transaktioner")
    await audit.check(page)

    // The batch list through the navigation bar, then the batch.
    await page.click("a.nav-link[href='/prisme/batch/']")
    await page.waitForURL("**/prisme/batch/")
    await audit.check(page)
    await page.locator(".batch-row a").first().click()
    await page.waitForURL("**/prisme/batch/*/")
    await audit.check(page)
    expect(await page.locator("h1").textContent()).toContain("(Ikke afsendt)")
    expect(await page.locator(".transaction-row").count()).toBe(3)

    const [download] = await Promise.all([page.waitForEvent("download"), page.click("#download")])
    expect(download.suggestedFilename()).toMatch(/^KAS_10Q__\d+__\d\d-\d\d-\d\d_\d\d_\d\d_\d\d\.txt$/)
    const file = await readFile((await download.path())!, "latin1")
    expect(file.split("\r\n").filter((l) => l.startsWith(" KAS10")).length).toBe(3)

    await page.click("#send")
    await page.waitForURL("**/send")
    await audit.check(page)
    await page.selectOption("#f-destination", "10q_mocking")
    await page.click("#submit-send")
    await page.waitForURL(/\/prisme\/batch\/\d+\/$/)
    await audit.check(page)
    // The job runs in the worker: reload until the batch shows it was delivered.
    for (let i = 0; i < 60 && !(await page.locator("h1").textContent())?.includes("(Afsendt)"); i++) {
      await page.waitForTimeout(500)
      await page.reload()
    }
    expect(await page.locator("h1").textContent()).toContain("(Afsendt)")
    expect(await page.locator("#batch-delivered").textContent()).not.toBe("")
    expect(await page.locator(".transaction-row td:nth-child(3)").first().textContent()).toBe("Overført")
    expect(await page.locator("#send").count()).toBe(0)
    await audit.check(page)
    expect(audit.unchecked()).toEqual([])
    await context.close()
  },
  120_000
)
