import { PgClient } from "@effect/sql-pg"
import { JobRegistry, JobStore, Worker } from "@kas/jobs"
import { Effect, Exit, Layer, Redacted, Scope } from "effect"
import type { Browser as Chromium, Page } from "playwright-core"
import { afterAll, beforeAll, expect, it } from "vitest"
import { type Accessibility, Chromium as ChromiumSetup } from "@kas/core/testing"
import { DemoFailingJob, DemoJobWithChildren, DemoSlowJob } from "../../src/jobs/demoJobs.js"
import { type KasWeb, startKasWeb } from "../support.js"
import { staffPage } from "./StaffPage.js"

/**
 * The browser test: log in, start the slow job from /worker/, watch its bar move live, see it finish; then the
 * failing job's cause.
 */

// Mandatory in CI (throws there when Chromium is missing); skipped elsewhere without a browser.
const enabled = ChromiumSetup.browserTestsEnabled()

let web: KasWeb
let browser: Chromium
let scope: Scope.CloseableScope

beforeAll(async () => {
  if (!enabled) return
  web = await startKasWeb()
  // A worker for the demonstration jobs, in this process, on the app's database.
  scope = Effect.runSync(Scope.make())
  const layer = JobStore.Default.pipe(
    Layer.provideMerge(PgClient.layer({ url: Redacted.make(web.databaseUrl), maxConnections: 4 }))
  )
  const services = await Effect.runPromise(Layer.buildWithScope(layer, scope))
  await Effect.runPromise(
    Worker.start({
      registry: JobRegistry.make([DemoSlowJob, DemoJobWithChildren, DemoFailingJob]),
      concurrency: 3,
      pollInterval: "500 millis",
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

const progressOf = async (page: Page) => Number((await page.locator("#job-progress").textContent())?.replace("%", ""))

// The job list is audited only when asked (`auditList`): axe takes seconds, in which a slow job could end unseen.
const startJob = async (
  audit: Accessibility.Audit,
  page: Page,
  key: string,
  fields: Record<string, string>,
  auditList: boolean
) => {
  await page.goto(`${web.url}/worker/`)
  await audit.check(page)
  await page.click("#start-job")
  await page.waitForURL("**/worker/jobtypeselect/")
  await audit.check(page)
  await page.selectOption("#job_type", key)
  await page.click("form[action='/worker/jobtypeselect/'] button[type=submit]")
  await page.waitForURL(`**/worker/jobstart/${key}/`)
  await audit.check(page)
  for (const [name, value] of Object.entries(fields)) await page.fill(`#f-${name}`, value)
  await page.click("#start")
  await page.waitForURL("**/worker/jobs/")
  if (auditList) await audit.check(page)
  // The newest job is the first row.
  await page.locator("#job-list tbody tr").first().locator("a").click()
  await page.waitForURL("**/worker/job/*/")
}

it.skipIf(!enabled)(
  "starts the slow job from /worker/, its bar moves without a reload, and it finishes; the failing job shows its cause",
  async () => {
    const { context, page, audit } = await staffPage(browser, web.url, { username: "admin", start: "/worker/jobs/" })

    await startJob(audit, page, "DemoSlowJob", { seconds: "8" }, false)
    // A marker on this document: it survives htmx swaps, not a reload. (The CSP forbids eval, so no string scripts.)
    await page.evaluate(() => {
      ;(globalThis as unknown as { marker?: number }).marker = 42
    })
    // Live: the bar reaches a value strictly between 0 and 100 while the page stays the same document.
    const seen: Array<number> = []
    for (let i = 0; i < 150; i++) {
      const p = await progressOf(page)
      if (!seen.includes(p)) seen.push(p)
      if (p > 0 && p < 100 && seen.length >= 2) break
      await page.waitForTimeout(200)
    }
    expect(
      seen.some((p) => p > 0 && p < 100),
      `progress seen: ${seen.join(", ")}`
    ).toBe(true)
    expect(await page.evaluate(() => (globalThis as unknown as { marker?: number }).marker)).toBe(42)
    // When it ends the page reloads once and shows the summary.
    await page.locator("#job-summary").waitFor()
    expect(await page.locator("#job-status").textContent()).toBe("Færdig")
    expect(await page.locator("#job-progress").textContent()).toBe("100%")
    expect(await page.locator("#job-summary").textContent()).toContain("Langsomt job færdigt")
    expect(await page.locator("#job-live").getAttribute("hx-trigger")).toBeNull()
    await audit.check(page)

    await startJob(audit, page, "DemoFailingJob", {}, true)
    await page.locator("#job-failure").waitFor()
    expect(await page.locator("#job-status").textContent()).toBe("Fejlet")
    expect(await page.locator("#job-progress").textContent()).toBe("20%")
    expect(await page.locator("#job-failure").textContent()).toContain("RangeError: Division by zero")
    expect(await page.locator("#job-failure").textContent()).toMatch(/at .*demoJobs\.ts/)
    await audit.check(page)
    expect(audit.unchecked()).toEqual([])
    await context.close()
  },
  120_000
)
