import type { Browser as Chromium, Locator, Page } from "playwright-core"
import { afterAll, beforeAll, expect, it } from "vitest"
import { Accessibility, Chromium as ChromiumSetup } from "@kas/core/testing"
import { query } from "../restFixtures.js"
import { type KasWeb, startKasWeb } from "../support.js"

/**
 * The administration in a browser (issue 15): log in at /accounts/login/, create a tax year (its first lock opens),
 * open "Opret ny lås" in its dialog and confirm it, create a user in the Sagsbehandler group, log out and log in as
 * that user. axe-core (WCAG 2.1 AA) audits every page visited. (Merging companies and the summaries are issue 15's
 * other browser test.)
 */

// Mandatory in CI (throws there when Chromium is missing); skipped elsewhere without a browser.
const enabled = ChromiumSetup.browserTestsEnabled()

let web: KasWeb
let browser: Chromium

beforeAll(async () => {
  if (!enabled) return
  web = await startKasWeb({ FEATURE_FLAG_ENABLE_FEATURE_FLAG_LIST: "true" })
  browser = await ChromiumSetup.launch()
}, 120_000)

afterAll(async () => {
  await browser?.close()
  await web?.stop()
})

const textOf = async (locator: Locator) => {
  await locator.waitFor()
  return ((await locator.textContent()) ?? "").trim()
}

const login = async (page: Page, audit: Accessibility.Audit, username: string, password: string) => {
  await page.fill("#username", username)
  await page.fill("#password", password)
  await page.click("form[action='/accounts/login/'] button[type=submit]")
  await page.waitForURL((url) => !url.pathname.startsWith("/accounts/login/"))
  await audit.check(page)
}

it.skipIf(!enabled)(
  "create a tax year, close its lock in the dialog, create a case worker and log in as them",
  async () => {
    // Reduced motion: Bootstrap then shows the dialog without its fade, so axe sees its final colours.
    const context = await browser.newContext({ reducedMotion: "reduce" })
    const audit = new Accessibility.Audit(web.url)
    await audit.install(context)
    const page = await context.newPage()
    page.setDefaultTimeout(30_000)

    // Anonymous → the login page, then back to the page asked for.
    await page.goto(`${web.url}/admin/`)
    await page.waitForURL("**/accounts/login/?next=%2Fadmin%2F")
    await audit.check(page)
    await page.fill("#username", "admin")
    await page.fill("#password", "forkert")
    await page.click("form[action='/accounts/login/'] button[type=submit]")
    expect(await textOf(page.locator("#login-error"))).toBe("Ugyldigt brugernavn eller adgangskode")
    await audit.check(page)
    await login(page, audit, "admin", "admin")
    expect(page.url()).toBe(`${web.url}/admin/`)

    // A new tax year, with a wrong year first.
    await page.click("a[href='/admin/taxyears/add/']")
    await page.waitForURL("**/admin/taxyears/add/")
    await audit.check(page)
    await page.fill("#f-year", "1999")
    await page.click("#save")
    expect(await textOf(page.locator("#e-year"))).toBe("Skatteår skal være et helt årstal mellem 2000 og 2100")
    await audit.check(page)
    await page.fill("#f-year", "2030")
    await page.click("#save")
    await page.waitForURL("**/admin/taxyears/")
    expect(await textOf(page.locator("#flash"))).toBe("Skatteår 2030 er oprettet med en åben lås fra i dag")
    expect(await textOf(page.locator("#taxyear-row-2030 [data-field=period]"))).toBe("Selvangivelsesperiode")
    expect(await textOf(page.locator("#taxyear-row-2030 [data-field=lock]"))).toMatch(/^2030 \(Åben\) fra /)
    await audit.check(page)

    // Its lock, and "Opret ny lås" in the dialog (nothing is outstanding).
    await page.goto(`${web.url}/lock/?year=2030`)
    await audit.check(page)
    expect(await page.locator("#lock-table tbody tr").count()).toBe(1)
    await page.click("#create-lock")
    await page.locator("#lock-dialog.show #confirm-lock").waitFor()
    expect(await textOf(page.locator("#lock-dialog-title"))).toBe("Bekræft oprettelse af ny lås")
    expect(await textOf(page.locator("#lock-dialog-message"))).toBe("Dette vil lukke den igangværende lås.")
    await audit.check(page)
    await page.click("#confirm-lock")
    await page.waitForURL("**/lock/?year=2030")
    expect(await textOf(page.locator("#flash"))).toMatch(/^Ny lås for 2030 oprettet fra /)
    expect(await page.locator("#lock-table tbody tr").count()).toBe(2)
    await audit.check(page)

    // A case worker.
    await page.goto(`${web.url}/admin/`)
    await audit.check(page)
    await page.click("a[href='/admin/users/add/']")
    await page.waitForURL("**/admin/users/add/")
    await audit.check(page)
    await page.fill("#f-username", "sofie")
    await page.fill("#f-password", "sofies-kodeord")
    await page.fill("#f-password2", "sofies-kodeord")
    await page.check("#f-group-sagsbehandler")
    await page.click("#save")
    await page.waitForURL("**/admin/users/*/")
    expect(await textOf(page.locator("#flash"))).toBe("Brugeren sofie er oprettet")
    await audit.check(page)
    const [row] = await query<{ groups: Array<string> }>(
      web.databaseUrl,
      `select array(select g.name from web.user_groups ug join web.groups g on g.id = ug.group_id
        where ug.user_id = u.id) as groups from web.users u where u.username = 'sofie'`
    )
    expect(row!.groups).toEqual(["Sagsbehandler"])

    // The other admin pages, each audited: the users, the change log, a tax year's edit form with a refusal, the
    // lock detail and the feature flags.
    await page.goto(`${web.url}/admin/users/`)
    await audit.check(page)
    expect(await page.locator("#user-table tbody tr").count()).toBeGreaterThan(5)
    await page.goto(`${web.url}/admin/users/log/`)
    await audit.check(page)
    expect(await textOf(page.locator("#change-table tbody tr").first())).toContain("sofie")
    await page.goto(`${web.url}/admin/taxyears/`)
    await audit.check(page)
    await page.click("#taxyear-row-2030 a")
    await page.waitForURL("**/admin/taxyears/*/")
    await audit.check(page)
    await page.selectOption("#f-year_part", "genoptagelsesperiode")
    await page.click("#save")
    expect(await textOf(page.locator("#e-year_part"))).toContain("ligningsperiode kan ikke springes over")
    await audit.check(page)
    await page.goto(`${web.url}/lock/?year=2030`)
    await audit.check(page)
    await page.click("#lock-table tbody tr:first-child a")
    await page.waitForURL("**/lock/*/")
    expect(await textOf(page.locator("h1"))).toBe("Lås for 2030")
    await audit.check(page)
    await page.goto(`${web.url}/feature_flags/`)
    expect(await textOf(page.locator("#flag-enable_feature_flag_list [data-field=value]"))).toBe("Til")
    await audit.check(page)

    // Log out (a POST), and log in as the new user: the case worker's front page, without the Admin link.
    await page.click("form[action='/accounts/logout/'] button[type=submit]")
    await page.waitForURL("**/accounts/login/")
    await audit.check(page)
    await login(page, audit, "sofie", "sofies-kodeord")
    expect(page.url()).toBe(`${web.url}/`)
    expect(await textOf(page.locator("#logged-in-as"))).toBe("Du er logget ind som sofie")
    expect(await page.locator("a[href='/admin/']").count()).toBe(0)
    expect(audit.unchecked()).toEqual([])
    await context.close()
  }
)
