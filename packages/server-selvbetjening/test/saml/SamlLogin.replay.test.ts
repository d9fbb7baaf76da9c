import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { pgRequestStore } from "../../src/saml/RequestStore.js"
import { ATTR } from "../../src/saml/SamlLogin.js"
import { Browser, beginLogin, CPR_A, CPR_B, postResponse, query, startPortal, type Portal } from "../support.js"
import type { LoginOptions } from "../TestIdp.js"

// selvbetjening.md §3.3 step 1 and issue 13: one SAML response (one assertion) is one session, whatever an attacker
// who captured it does to its unsigned envelope.

let portal: Portal
beforeAll(async () => {
  portal = await startPortal()
})
afterAll(async () => portal?.stop())

const sessionsOf = async (cpr: string) =>
  (
    await query<{ n: number }>(
      portal.portalDatabaseUrl,
      "select count(*)::int as n from selvbetjening.sessions where data->'user_info'->>'cpr' = $1",
      [cpr]
    )
  )[0]!.n

const b64 = (xml: string) => Buffer.from(xml).toString("base64")
const loggedIn = async (browser: Browser) => (await browser.get("/policy/edit/")).status === 200

/** A login the victim started; the IdP's signed response to it, not yet posted (the attacker has a copy). */
const capture = async (options: Partial<LoginOptions> = {}) => {
  const victim = new Browser(portal.url)
  const { location, relayState } = await beginLogin(victim)
  const requestId = portal.idp.parseRedirect(location).id
  return {
    victim,
    relayState,
    requestId,
    xml: portal.idp.responseXml({ cpr: CPR_A, ...options, inResponseTo: requestId })
  }
}

/** The attacker's own browser with a fresh AuthnRequest id of this SP. */
const attacker = async () => {
  const browser = new Browser(portal.url)
  const { location, relayState } = await beginLogin(browser)
  return { browser, relayState, freshId: portal.idp.parseRedirect(location).id }
}

const responseTag = /<samlp:Response\b[^>]*>/
const withResponseTag = (xml: string, f: (tag: string) => string) => xml.replace(responseTag, f)

/** Ways to change a captured response's envelope (the signed assertion stays as it is, or is moved). */
const variants: Record<string, (xml: string, freshId: string) => string> = {
  "as it is": (xml) => xml,
  "with an added x-InResponseTo attribute": (xml, freshId) =>
    withResponseTag(xml, (tag) => tag.replace("<samlp:Response ", `<samlp:Response x-InResponseTo="${freshId}" `)),
  "with an altered envelope (new response id, InResponseTo of a fresh request)": (xml, freshId) =>
    withResponseTag(xml, (tag) =>
      tag.replace(/ ID="[^"]+"/, ' ID="_forged"').replace(/ InResponseTo="[^"]+"/, ` InResponseTo="${freshId}"`)
    ),
  "with a comment inside the Response tag": (xml, freshId) =>
    withResponseTag(xml, (tag) =>
      tag.replace("<samlp:Response ", `<samlp:Response <!-- InResponseTo="${freshId}" --> `)
    ),
  "with a comment naming a fresh request right after the Response tag": (xml, freshId) =>
    withResponseTag(xml, (tag) => `${tag}<!-- InResponseTo="${freshId}" -->`),
  "with a duplicated InResponseTo attribute": (xml, freshId) =>
    withResponseTag(xml, (tag) => tag.replace("<samlp:Response ", `<samlp:Response InResponseTo="${freshId}" `)),
  "with a second, unsigned assertion beside the signed one": (xml) => {
    const signed = /<saml:Assertion\b[\s\S]*<\/saml:Assertion>/.exec(xml)![0]
    const forged = signed
      .replace(/<ds:Signature[\s\S]*<\/ds:Signature>/, "")
      .replace(/ ID="[^"]+"/, ' ID="_forged"')
      .replaceAll(CPR_A, CPR_B)
    return xml.replace(signed, `${forged}${signed}`)
  },
  "with the signed assertion wrapped in Extensions and an unsigned one in its place": (xml) => {
    const signed = /<saml:Assertion\b[\s\S]*<\/saml:Assertion>/.exec(xml)![0]
    const forged = signed.replace(/<ds:Signature[\s\S]*<\/ds:Signature>/, "").replaceAll(CPR_A, CPR_B)
    return xml.replace(signed, `<samlp:Extensions>${signed}</samlp:Extensions>${forged}`)
  }
}

describe("one SAML response is one session", () => {
  for (const [name, tamper] of Object.entries(variants)) {
    it(`the victim logs in, then the attacker replays the response ${name}: refused`, async () => {
      const before = await sessionsOf(CPR_A)
      const captured = await capture()
      expect(
        (await postResponse(captured.victim, b64(captured.xml), captured.relayState)).headers.get("location")
      ).toBe("/policy/edit/")
      const evil = await attacker()
      const res = await postResponse(evil.browser, b64(tamper(captured.xml, evil.freshId)), evil.relayState)
      expect(res.status === 403 || res.headers.get("location")?.startsWith("/error/")).toBe(true)
      expect(await loggedIn(evil.browser)).toBe(false)
      expect(await sessionsOf(CPR_A)).toBe(before + 1)
      expect(await sessionsOf(CPR_B)).toBe(0)
    })

    it(`the attacker posts the response ${name} first, then the original is posted: at most one session`, async () => {
      const before = await sessionsOf(CPR_A)
      const captured = await capture()
      const evil = await attacker()
      await postResponse(evil.browser, b64(tamper(captured.xml, evil.freshId)), evil.relayState)
      await postResponse(captured.victim, b64(captured.xml), captured.relayState)
      const sessions = [await loggedIn(evil.browser), await loggedIn(captured.victim)].filter(Boolean).length
      expect(sessions).toBe(1)
      expect(await sessionsOf(CPR_A)).toBe(before + 1)
      expect(await sessionsOf(CPR_B)).toBe(0)
    })
  }

  it("an assertion not bound to its request (no SubjectConfirmationData InResponseTo) is accepted once", async () => {
    const before = await sessionsOf(CPR_A)
    const captured = await capture({ subjectInResponseTo: null })
    expect((await postResponse(captured.victim, b64(captured.xml), captured.relayState)).headers.get("location")).toBe(
      "/policy/edit/"
    )
    const evil = await attacker()
    const moved = withResponseTag(captured.xml, (tag) =>
      tag.replace(/ InResponseTo="[^"]+"/, ` InResponseTo="${evil.freshId}"`)
    )
    const res = await postResponse(evil.browser, b64(moved), evil.relayState)
    expect(res.headers.get("location")).toBe("/error/login-repeat/")
    expect(await loggedIn(evil.browser)).toBe(false)
    expect(await sessionsOf(CPR_A)).toBe(before + 1)
  })

  it("the same response posted twice at once gives one session", async () => {
    const before = await sessionsOf(CPR_A)
    const captured = await capture()
    const second = new Browser(portal.url)
    await Promise.all([
      postResponse(captured.victim, b64(captured.xml), captured.relayState),
      postResponse(second, b64(captured.xml), captured.relayState)
    ])
    expect([await loggedIn(captured.victim), await loggedIn(second)].filter(Boolean)).toEqual([true])
    expect(await sessionsOf(CPR_A)).toBe(before + 1)
  })

  it("the request store answers a request id once and an assertion id once, also when answers race", async () => {
    const store = pgRequestStore(portal.runtime)
    const until = new Date(Date.now() + 300_000)
    const requestId = `_concurrent-${Date.now()}`
    await store.save(requestId)
    const sameRequest = await Promise.all(
      Array.from({ length: 20 }, (_, i) => store.answer(requestId, `${requestId}-a${i}`, until))
    )
    expect(sameRequest.filter(Boolean)).toHaveLength(1)
    const requests = Array.from({ length: 20 }, (_, i) => `${requestId}-r${i}`)
    for (const id of requests) await store.save(id)
    const sameAssertion = await Promise.all(requests.map((id) => store.answer(id, `${requestId}-assertion`, until)))
    expect(sameAssertion.filter(Boolean)).toHaveLength(1)
    expect(await store.issuedAt(requestId)).toBeNull()
  })

  it("a signed assertion with two CPR attributes logs nobody in", async () => {
    const before = [await sessionsOf(CPR_A), await sessionsOf(CPR_B)]
    const captured = await capture({ extraAttributes: [[ATTR.cpr, CPR_B]] })
    const res = await postResponse(captured.victim, b64(captured.xml), captured.relayState)
    expect(res.status).toBe(403)
    expect(await loggedIn(captured.victim)).toBe(false)
    expect([await sessionsOf(CPR_A), await sessionsOf(CPR_B)]).toEqual(before)
  })

  it("a comment inside the signed CPR value (signature still valid) logs in that CPR or nobody", async () => {
    const others = async () =>
      (
        await query<{ n: number }>(
          portal.portalDatabaseUrl,
          `select count(*)::int as n from selvbetjening.sessions where data ? 'user_info'
           and data->'user_info'->>'cpr' <> $1`,
          [CPR_A]
        )
      )[0]!.n
    const before = await others()
    const captured = await capture()
    const xml = captured.xml.replace(`>${CPR_A}<`, `>${CPR_A.slice(0, 6)}<!---->${CPR_A.slice(6)}<`)
    expect(xml).not.toBe(captured.xml)
    await postResponse(captured.victim, b64(xml), captured.relayState)
    expect(await others()).toBe(before)
  })
})
