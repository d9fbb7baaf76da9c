import { Effect, Either } from "effect"
import http from "node:http"
import type { AddressInfo } from "node:net"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { KasConfig } from "@kas/core"
import { makeApp } from "../../src/app.js"
import { Browser, CPR_A, postResponse, startPortal, YEAR, type Portal } from "../support.js"

// One portal with the login bypass (DEFAULT_CPR = citizen A) and the MitID conformance pages switched on.
let portal: Portal
beforeAll(async () => {
  portal = await startPortal({ LOGIN_BYPASS_ENABLED: "true", DEFAULT_CPR: CPR_A, MITID_TEST_ENABLED: "true" })
})
afterAll(async () => portal?.stop())

/** A real SAML login through `/login/?real=1` (the bypass page's "Log ind med MitID"), with a level of assurance. */
const samlLogin = async (browser: Browser, loa: string) => {
  const start = await browser.get("/login/?real=1&back=%2Fpolicy%2Fedit%2F")
  const location = start.headers.get("location") ?? ""
  expect(location.startsWith(portal.idp.url)).toBe(true)
  const request = portal.idp.parseRedirect(location)
  const res = await postResponse(
    browser,
    portal.idp.response({ inResponseTo: request.id, cpr: CPR_A, loa }),
    request.relayState
  )
  expect(res.status).toBe(302)
}

describe("login bypass (development only)", () => {
  it("offers the real login or the dummy session, which logs in as DEFAULT_CPR", async () => {
    const browser = new Browser(portal.url)
    expect((await browser.get(`/policy/${YEAR}/`)).headers.get("location")).toBe(`/login/?back=%2Fpolicy%2F${YEAR}%2F`)
    const page = await browser.get(`/login/?back=%2Fpolicy%2F${YEAR}%2F`)
    const html = await page.text()
    expect(page.status).toBe(200)
    expect(html).toContain(`href="/login/?real=1&amp;back=%2Fpolicy%2F${YEAR}%2F"`)
    expect(html).toContain(`href="/login/?login_bypass=1&amp;back=%2Fpolicy%2F${YEAR}%2F"`)
    const bypass = await browser.get(`/login/?login_bypass=1&back=%2Fpolicy%2F${YEAR}%2F`)
    expect([bypass.status, bypass.headers.get("location")]).toEqual([302, `/policy/${YEAR}/`])
    const overview = await browser.get(`/policy/${YEAR}/`)
    expect(overview.status).toBe(200)
    expect(await overview.text()).toContain(`Logget ind som ${CPR_A.slice(0, 6)}xxxx`)
  })

  it("is refused by the configuration outside development", () => {
    for (const environment of ["staging", "production"]) {
      const provider = KasConfig.ConfigReport.providerFromEnv({
        ENVIRONMENT: environment,
        LOGIN_BYPASS_ENABLED: "true"
      })
      const loaded = Effect.runSync(
        Effect.either(KasConfig.load("selvbetjening", KasConfig.SelvbetjeningConfig.selvbetjening, provider))
      )
      expect(Either.isLeft(loaded) && String(loaded.left)).toContain(
        `LOGIN_BYPASS_ENABLED: is not allowed in ${environment}`
      )
    }
  })

  it("is ignored by a production app even when the settings ask for it, and so are the MitID test pages", async () => {
    const forged = {
      ...portal.settings,
      environment: "production" as const,
      loginBypassEnabled: true,
      mitidTestEnabled: true
    }
    const server = http.createServer(
      makeApp(forged, portal.runtime, { saml: portal.saml, log: () => undefined }).callback()
    )
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()))
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
      const get = (p: string) => fetch(base + p, { redirect: "manual", headers: { "x-forwarded-proto": "https" } })
      const bypass = await get("/login/?login_bypass=1&back=%2F")
      expect(bypass.status).toBe(302)
      expect(bypass.headers.get("location")?.startsWith(`${portal.idp.url}/sso?`)).toBe(true)
      expect(bypass.headers.getSetCookie().some((c) => c.startsWith("sessionid="))).toBe(false)
      expect((await get("/mitid_test/privilege0/")).status).toBe(404)
    } finally {
      server.closeAllConnections()
      await new Promise<void>((r) => server.close(() => r()))
    }
  })
})

describe("MitID conformance-test pages", () => {
  it("serves the page without privileges to anyone and sends the others to the login", async () => {
    const browser = new Browser(portal.url)
    const page = await browser.get("/mitid_test/privilege0/")
    expect([page.status, await page.text()]).toEqual([200, expect.stringContaining("Side der ikke kræver privilegier")])
    expect((await browser.get("/mitid_test/privilege1/")).headers.get("location")).toBe(
      "/login/?back=%2Fmitid_test%2Fprivilege1%2F"
    )
  })

  it("requires Substantial for privilege1 and High for privilege3, never showing session contents", async () => {
    const substantial = new Browser(portal.url)
    await samlLogin(substantial, "https://data.gov.dk/concept/core/nsis/loa/Substantial")
    const one = await substantial.get("/mitid_test/privilege1/")
    const oneHtml = await one.text()
    expect([one.status, oneHtml]).toEqual([200, expect.stringContaining("Side der kræver sikringsniveau betydelig")])
    expect(oneHtml).not.toContain(CPR_A)
    const three = await substantial.get("/mitid_test/privilege3/")
    const threeHtml = await three.text()
    expect(three.status).toBe(403)
    expect(threeHtml).toContain("Adgang nægtet")
    expect(threeHtml).toContain("Utilstrækkelige privilegier")

    const high = new Browser(portal.url)
    await samlLogin(high, "High")
    const page = await high.get("/mitid_test/privilege3/")
    expect([page.status, await page.text()]).toEqual([
      200,
      expect.stringContaining("Side der kræver sikringsniveau høj")
    ])

    // A bypass or development login has no level of assurance at all.
    const dummy = new Browser(portal.url)
    await dummy.get("/login/?login_bypass=1&back=%2F")
    expect((await dummy.get("/mitid_test/privilege1/")).status).toBe(403)
  })

  it("re-authenticates with ForceAuthn=true", async () => {
    const res = await new Browser(portal.url).get("/mitid_test/force_auth/?back=%2Fmitid_test%2Fprivilege3%2F")
    const request = portal.idp.parseRedirect(res.headers.get("location") ?? "")
    expect(request.signed).toBe(true)
    expect(request.xml).toMatch(/ForceAuthn="true"/)
    expect(request.relayState).toBe("/mitid_test/privilege3/")
    const normal = portal.idp.parseRedirect(
      (await new Browser(portal.url).get("/login/?real=1&back=%2F")).headers.get("location") ?? ""
    )
    expect(normal.xml).not.toMatch(/ForceAuthn="true"/)
  })

  it("clears the session", async () => {
    const browser = new Browser(portal.url)
    await samlLogin(browser, "Substantial")
    expect((await browser.get(`/policy/${YEAR}/`)).status).toBe(200)
    const cleared = await browser.get("/mitid_test/clear_session/")
    const html = await cleared.text()
    expect([cleared.status, html]).toEqual([200, expect.stringContaining("Session ryddet")])
    expect(html).not.toContain("Anna Testesen")
    expect((await browser.get(`/policy/${YEAR}/`)).status).toBe(302)
  })
})
