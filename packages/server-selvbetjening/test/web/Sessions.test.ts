import { ManagedRuntime } from "effect"
import http from "node:http"
import type { AddressInfo } from "node:net"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { makeApp } from "../../src/app.js"
import { type AppRuntime, makeLayer } from "../../src/runtime.js"
import { CitizenSessions } from "../../src/web/Sessions.js"
import { Browser, loginAs, query, sessionsSettled, startPortal, type Portal } from "../support.js"

/**
 * Two selvbetjening instances on one session database, each with its own session cache: a session that ends in one
 * (logout, or a change by hand) ends in the other too, once the database's notification of it has arrived there.
 */
let portal: Portal
let second: { url: string; runtime: AppRuntime; stop: () => Promise<void> }

beforeAll(async () => {
  portal = await startPortal()
  const runtime = ManagedRuntime.make(makeLayer(portal.settings))
  await runtime.runtime()
  const app = makeApp(portal.settings, runtime, { saml: portal.saml, log: () => undefined })
  const server = http.createServer(app.callback())
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()))
  second = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    runtime,
    stop: async () => {
      server.closeAllConnections()
      await new Promise<void>((r) => server.close(() => r()))
      await runtime.dispose()
    }
  }
})
afterAll(async () => {
  await second?.stop()
  await portal?.stop()
})

/** Every session change committed so far has reached the second instance's cache. */
const secondSettled = () => second.runtime.runPromise(CitizenSessions).then((store) => store.sync())

describe("the session cache of each instance", () => {
  it("a citizen who logs out in one instance is logged out in the other", async () => {
    const browser = new Browser(portal.url)
    await loginAs(portal, browser)
    const elsewhere = new Browser(second.url, { cookie: browser.cookieHeader() })
    expect((await elsewhere.get("/policy/edit/")).status).toBe(200)
    expect((await elsewhere.get("/policy/edit/")).status).toBe(200) // now from the second instance's cache
    const slo = (await browser.get("/logout/")).headers.get("location") ?? ""
    const callback = new URL((await fetch(slo, { redirect: "manual" })).headers.get("location")!)
    await browser.get(callback.pathname + callback.search)
    expect((await browser.get("/policy/edit/")).status).toBe(302)
    await secondSettled()
    const after = await elsewhere.get("/policy/edit/")
    expect([after.status, after.headers.get("location")]).toEqual([302, "/login/?back=%2Fpolicy%2Fedit%2F"])
  })

  it("a session whose row is deleted by hand ends in both instances", async () => {
    const browser = new Browser(portal.url)
    await loginAs(portal, browser)
    const elsewhere = new Browser(second.url, { cookie: browser.cookieHeader() })
    expect((await elsewhere.get("/policy/edit/")).status).toBe(200)
    expect((await browser.get("/policy/edit/")).status).toBe(200)
    await query(portal.portalDatabaseUrl, "delete from selvbetjening.sessions")
    await secondSettled()
    await sessionsSettled(portal)
    expect((await elsewhere.get("/policy/edit/")).status).toBe(302)
    expect((await browser.get("/policy/edit/")).status).toBe(302)
  })
})
