import { PgClient } from "@effect/sql-pg"
import { EboksDispatches, FileStore, FinalStatements, TaxYears } from "@kas/core"
import { Accessibility, Chromium as ChromiumSetup } from "@kas/core/testing"
import { JobRegistry, JobStore, Worker } from "@kas/jobs"
import { Effect, Exit, Layer, Redacted, Scope } from "effect"
import { chromium, type Browser as Chromium } from "playwright-core"
import { afterAll, beforeAll, expect, it } from "vitest"
import { Eboks } from "../../src/eboks/Eboks.js"
import { EboksTiming, specTiming } from "../../src/eboks/EboksSend.js"
import { DispatchFinalSettlementJob } from "../../src/jobs/eboksJobs.js"
import { query } from "../restFixtures.js"
import { type KasWeb, startKasWeb } from "../support.js"

/**
 * The statement's way in a browser (issue 16): generate a statement for a person-year in genoptagelsesperiode, open
 * its PDF, dispatch it (a worker in this process with the mock e-Boks), watch its status become "E-boks" in the tab;
 * then the citizen's download through the back-office API that self-service calls. axe-core on every page.
 */
const enabled = ChromiumSetup.browserTestsEnabled()

let web: KasWeb
let browser: Chromium
let scope: Scope.CloseableScope
let personId = 0
let pty = 0

beforeAll(async () => {
  if (!enabled) return
  web = await startKasWeb()
  const one = async (text: string, values: ReadonlyArray<unknown> = []) =>
    (await query<{ id: number }>(web.databaseUrl, text, values))[0]!.id
  const year = await one(
    `insert into kas.tax_year (year, year_part) values (2023, 'genoptagelsesperiode') returning id`
  )
  const company = await one(`insert into kas.pension_company (name, res) values ('PFA Pension', 19999) returning id`)
  personId = await one(`insert into kas.person (cpr, name, address_line_1, address_line_2)
    values ('1802602810', 'Åse Ødegaard', 'Imaneq 1', '3900 Nuuk') returning id`)
  pty = await one(
    `insert into kas.person_tax_year (tax_year_id, person_id, number_of_days) values ($1, $2, 365) returning id`,
    [year, personId]
  )
  // 500 kr. gives 76 kr. tax, below the indifference limit: nothing to charge, so no Prisme batch.
  await one(
    `insert into kas.policy_tax_year (person_tax_year_id, pension_company_id, policy_number, prefilled_amount,
       year_adjusted_amount, slutlignet) values ($1, $2, 'P-77', 500, 500, true) returning id`,
    [pty, company]
  )
  scope = Effect.runSync(Scope.make())
  const layer = Layer.mergeAll(
    JobStore.Default,
    FinalStatements.Default,
    EboksDispatches.Default,
    TaxYears.Default,
    Eboks.layerMock,
    Layer.succeed(EboksTiming, { ...specTiming, pollDelay: "10 millis" })
  ).pipe(
    Layer.provideMerge(FileStore.layerPostgres),
    Layer.provideMerge(PgClient.layer({ url: Redacted.make(web.databaseUrl), maxConnections: 4 }))
  )
  const services = await Effect.runPromise(Layer.buildWithScope(layer, scope))
  await Effect.runPromise(
    Worker.start({
      registry: JobRegistry.make([DispatchFinalSettlementJob]),
      pollInterval: "200 millis",
      gracePeriod: "1 second"
    }).pipe(Effect.provide(services), Scope.extend(scope))
  )
  browser = await chromium.launch({
    executablePath: ChromiumSetup.CHROMIUM_PATH,
    headless: true,
    args: [...ChromiumSetup.CHROMIUM_ARGS]
  })
}, 120_000)

afterAll(async () => {
  await browser?.close()
  if (scope) await Effect.runPromise(Scope.close(scope, Exit.void))
  await web?.stop()
})

it.skipIf(!enabled)(
  "generate → open the PDF → dispatch → status E-boks → the citizen's download",
  async () => {
    const context = await browser.newContext({ bypassCSP: true, acceptDownloads: true })
    const audit = new Accessibility.Audit(web.url)
    await audit.install(context)
    const page = await context.newPage()
    page.setDefaultTimeout(30_000)
    const personPage = `${web.url}/tax_year/2023/persons/${personId}/`
    await page.goto(personPage)
    await page.waitForURL("**/login/**")
    await audit.check(page)
    await page.fill("input[name=username]", "sagsbehandler")
    await page.fill("input[name=password]", "admin")
    await page.click("form[action='/accounts/login/'] button[type=submit]")
    await page.waitForURL(personPage)
    await audit.check(page)

    await page.click("text=Generer ny slutopgørelse")
    await page.waitForURL(`**/final_settlement/generate/${pty}/`)
    await audit.check(page)
    await page.selectOption("#text_used_for_payment", "DUE")
    await page.click("#create")
    await page.waitForURL(personPage)
    expect(await page.locator("body").textContent()).toContain("Ny slutopgørelse genereret for Åse Ødegaard for 2023")
    await page.click("#tab-slutopgorelser")
    const row = page.locator("#final-statements tbody tr").first()
    await row.waitFor()
    expect(await row.locator(".delivery-status").textContent()).toBe("Afventer afsendelse")
    await audit.check(page)

    // "Vis": the PDF downloads as {year}_{cpr}.pdf.
    const [download] = await Promise.all([page.waitForEvent("download"), row.locator("text=Vis").click()])
    expect(download.suggestedFilename()).toBe("2023_1802602810.pdf")

    await row.locator("text=Afsend slutopgørelse").click()
    await page.waitForURL("**/final_settlement/*/dispatch/")
    await audit.check(page)
    await page.fill("#title", "Din slutopgørelse 2023")
    await page.click("#send")
    await page.waitForURL(personPage)
    await audit.check(page)
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
    expect(await page.locator("#final-statements").textContent()).toContain("Din slutopgørelse 2023")
    await audit.check(page)
    expect(audit.unchecked()).toEqual([])
    await context.close()

    // Self-service downloads the sent statement through the back office (selvbetjening.md §16).
    const api = await fetch(`${web.url}/final_settlement/2023/1802602810/`, {
      headers: { authorization: `Token ${Redacted.value(web.settings.restToken)}`, "x-kas-cpr": "1802602810" }
    })
    expect(api.status).toBe(200)
    expect(api.headers.get("content-type")).toBe("application/pdf")
    expect(
      Buffer.from(await api.arrayBuffer())
        .subarray(0, 5)
        .toString()
    ).toBe("%PDF-")
  },
  180_000
)
