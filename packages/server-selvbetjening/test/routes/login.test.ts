import { afterAll, beforeAll, describe, expect, it } from "vitest"
import {
  Browser,
  beginLogin,
  CPR_A,
  CPR_B,
  loginAs,
  postResponse,
  query,
  sessionsSettled,
  startPortal,
  type Portal
} from "../support.js"

let portal: Portal
beforeAll(async () => {
  portal = await startPortal()
})
afterAll(async () => portal?.stop())

const citizenSessions = async () =>
  (
    await query<{ n: number }>(
      portal.portalDatabaseUrl,
      "select count(*)::int as n from selvbetjening.sessions where data ? 'user_info'"
    )
  )[0]!.n

describe("SAML login", () => {
  it("sends a signed AuthnRequest and logs in with a signed assertion carrying a CPR", async () => {
    const browser = new Browser(portal.url)
    expect((await browser.get("/policy/2020/")).headers.get("location")).toBe("/login/?back=%2Fpolicy%2F2020%2F")
    const { location, relayState } = await beginLogin(browser, "/policy/edit/")
    expect(location.startsWith(`${portal.idp.url}/sso?`)).toBe(true)
    const request = portal.idp.parseRedirect(location)
    expect(request.signed).toBe(true)
    expect(request.xml).toContain("urn:oasis:names:tc:SAML:2.0:nameid-format:persistent")
    const res = await postResponse(
      browser,
      portal.idp.response({ inResponseTo: request.id, cpr: CPR_A, name: "Anna Testesen" }),
      relayState
    )
    expect([res.status, res.headers.get("location")]).toEqual([302, "/policy/edit/"])
    const page = await browser.get("/policy/edit/")
    expect(page.status).toBe(200)
    expect(await page.text()).toContain("Logget ind som Anna Testesen")
    // §3.3 step 6, with the CPR masked (issue 13 item 6)
    const logged = portal.logs.filter((l) => l.startsWith("login: assertion "))
    expect(logged.at(-1)).toMatch(/, cpr 180260xxxx$/)
    expect(portal.logs.join("\n")).not.toContain(CPR_A)
  })

  const refused = async (
    options: Parameters<typeof portal.idp.response>[0] | null,
    page: string,
    build?: (id: string) => string
  ) => {
    const browser = new Browser(portal.url)
    const before = await citizenSessions()
    const { location, relayState } = await beginLogin(browser)
    const request = portal.idp.parseRedirect(location)
    const body = build ? build(request.id) : portal.idp.response({ ...options!, inResponseTo: request.id })
    const res = await postResponse(browser, body, relayState)
    if (page === "refused") expect(res.status).toBe(403)
    else expect(res.headers.get("location")).toBe(`/error/${page}/`)
    expect(await citizenSessions()).toBe(before)
    expect((await browser.get("/policy/edit/")).status).toBe(302)
    return res
  }

  it("refuses an unsigned response", async () => {
    const res = await refused({ inResponseTo: "", signed: false }, "refused")
    expect(await res.text()).toContain("Adgang nægtet")
  })
  it("refuses an expired assertion with the timeout page", async () => {
    await refused({ inResponseTo: "", expired: true }, "login-timeout")
    const page = await new Browser(portal.url).get("/error/login-timeout/")
    expect(await page.text()).toContain("Det anvendte login er timet ud. Prøv at logge ind igen.")
  })
  it("refuses another audience", async () => {
    await refused({ inResponseTo: "", audience: "https://other.example/" }, "refused")
  })
  it("refuses a login without CPR (professional login)", async () => {
    await refused({ inResponseTo: "", cpr: null }, "login-nocpr")
  })
  it("refuses a low level of assurance", async () => {
    await refused({ inResponseTo: "", loa: "Low" }, "login_assurance")
  })
  it("refuses an unsolicited response", async () => {
    await refused(null, "login-repeat", () => portal.idp.response({ inResponseTo: "_never-issued" }))
  })

  it("refuses a replayed response", async () => {
    const browser = new Browser(portal.url)
    const { location, relayState } = await beginLogin(browser)
    const response = portal.idp.response({ inResponseTo: portal.idp.parseRedirect(location).id })
    expect((await postResponse(browser, response, relayState)).headers.get("location")).toBe("/policy/edit/")
    const attacker = new Browser(portal.url)
    expect((await postResponse(attacker, response, relayState)).headers.get("location")).toBe("/error/login-repeat/")
    expect((await attacker.get("/policy/edit/")).status).toBe(302)
  })

  it("never follows a RelayState off the site", async () => {
    const browser = new Browser(portal.url)
    const { location } = await beginLogin(browser)
    const res = await postResponse(
      browser,
      portal.idp.response({ inResponseTo: portal.idp.parseRedirect(location).id }),
      "https://evil.example/"
    )
    expect(res.headers.get("location")).toBe("/")
  })

  it("never follows back=/\\evil.example (read by browsers as //evil.example), as RelayState or as back", async () => {
    const browser = new Browser(portal.url)
    const { location } = await beginLogin(browser, "/\\evil.example")
    expect(new URL(location).searchParams.get("RelayState")).toBe("/")
    const res = await postResponse(
      browser,
      portal.idp.response({ inResponseTo: portal.idp.parseRedirect(location).id }),
      "/\\evil.example"
    )
    expect(res.headers.get("location")).toBe("/")
  })

  const sessionCookie = (res: Response) => res.headers.getSetCookie().find((c) => c.startsWith("sessionid=")) ?? ""
  const sessionId = (res: Response) => /^sessionid=([^;]*)/.exec(sessionCookie(res))?.[1] ?? ""

  it("the session id changes at every login; the id from before is logged out", async () => {
    const browser = new Browser(portal.url)
    const first = await loginAs(portal, browser)
    const second = await loginAs(portal, browser, { cpr: CPR_B, name: "Bent Andersen" })
    const [a, b] = [sessionId(first), sessionId(second)]
    expect(a).not.toBe("")
    expect(b).not.toBe("")
    expect(b).not.toBe(a)
    const old = await fetch(`${portal.url}/policy/edit/`, { headers: { cookie: `sessionid=${a}` }, redirect: "manual" })
    expect(old.status).toBe(302)
    const page = await browser.get("/policy/edit/")
    expect(await page.text()).toContain("Logget ind som Bent Andersen")
  })

  it("the session cookie is HttpOnly and SameSite=Lax for the whole site (Secure outside development)", async () => {
    const cookie = sessionCookie(await loginAs(portal, new Browser(portal.url))).toLowerCase()
    expect(cookie).toContain("; httponly")
    expect(cookie).toContain("; samesite=lax")
    expect(cookie).toContain("; path=/")
  })

  it("logs out through the IdP and flushes the session", async () => {
    const browser = new Browser(portal.url)
    await loginAs(portal, browser)
    const out = await browser.get("/logout/")
    const slo = out.headers.get("location") ?? ""
    expect(slo.startsWith(`${portal.idp.url}/slo?`)).toBe(true)
    expect(portal.idp.parseRedirect(slo).signed).toBe(true)
    const idpAnswer = await fetch(slo, { redirect: "manual" })
    const callback = new URL(idpAnswer.headers.get("location")!)
    const back = await browser.get(callback.pathname + callback.search)
    expect([back.status, back.headers.get("location")]).toEqual([302, "/"])
    expect((await browser.get("/policy/edit/")).status).toBe(302)
  })

  it("ends a session after the idle timeout", async () => {
    const browser = new Browser(portal.url)
    await loginAs(portal, browser)
    expect((await browser.get("/policy/edit/")).status).toBe(200)
    await query(
      portal.portalDatabaseUrl,
      "update selvbetjening.sessions set expires_at = now() - interval '1 second' where data ? 'user_info'"
    )
    await sessionsSettled(portal)
    expect((await browser.get("/policy/edit/")).headers.get("location")).toBe("/login/?back=%2Fpolicy%2Fedit%2F")
  })

  it("serves SP metadata", async () => {
    const res = await new Browser(portal.url).get("/saml/metadata/")
    const xml = await res.text()
    expect(xml).toContain("AssertionConsumerService")
    expect(xml).toContain("Skattestyrelsen")
    expect(xml).toContain("support@example.gl")
  })
})
