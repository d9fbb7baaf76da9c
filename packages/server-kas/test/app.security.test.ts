import { Effect } from "effect"
import http from "node:http"
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest"
import { StaffUsers } from "../src/auth/StaffUsers.js"
import { Browser, type KasWeb, STAGING_ENV, startKasWeb } from "./support.js"

// Issue 13 items 6 and 8: protections of kas web as it runs in staging (behind the reverse proxy), each with a test.

let web: KasWeb
const PROXY = { "x-forwarded-proto": "https", "x-forwarded-for": "10.9.0.1" }
const browser = () => new Browser(web.url, PROXY)

beforeAll(async () => {
  web = await startKasWeb(STAGING_ENV)
  await web.runtime.runPromise(
    Effect.flatMap(StaffUsers, (u) =>
      u.upsertUser({ username: "clerk", password: "clerk-password", groups: ["Sagsbehandler"] })
    )
  )
})
afterAll(() => web.stop())

/** A request exactly as written: no URL normalisation, any Host header. */
const raw = (path: string, headers: Record<string, string> = {}) =>
  new Promise<{ status: number; body: string }>((resolve, reject) => {
    const u = new URL(web.url)
    const req = http.request({ host: u.hostname, port: u.port, path, headers: { ...PROXY, ...headers } }, (res) => {
      const chunks: Array<Buffer> = []
      res.on("data", (c: Buffer) => chunks.push(c))
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }))
    })
    req.on("error", reject)
    req.end()
  })

const sessionCookie = (res: Response) => res.headers.getSetCookie().find((c) => c.startsWith("admin-sessionid="))
const sessionId = (res: Response) => /^admin-sessionid=([^;]*)/.exec(sessionCookie(res) ?? "")?.[1] ?? ""
const loginAs = (b: Browser) => b.post("/accounts/login/", { username: "clerk", password: "clerk-password" })

describe("kas web sessions", () => {
  it("the session id changes at every login; the id from before the login is not logged in", async () => {
    const b = browser()
    const before = sessionId(await b.get("/accounts/login/"))
    expect(before).not.toBe("")
    const first = await loginAs(b)
    expect(first.status).toBe(302)
    const afterFirst = sessionId(first)
    expect(afterFirst).not.toBe("")
    expect(afterFirst).not.toBe(before)
    expect((await raw("/", { cookie: `admin-sessionid=${before}` })).status).toBe(302)
    expect((await raw("/", { cookie: `admin-sessionid=${afterFirst}` })).status).toBe(200)
    await b.post("/accounts/logout/", {}, { from: "/" })
    const second = sessionId(await loginAs(b))
    expect(new Set([before, afterFirst, second]).size).toBe(3)
    expect((await raw("/", { cookie: `admin-sessionid=${afterFirst}` })).status).toBe(302)
  })

  it("the session cookie is HttpOnly, Secure and SameSite=Lax, for the whole site", async () => {
    const cookie = sessionCookie(await loginAs(browser()))!.toLowerCase()
    expect(cookie).toContain("; httponly")
    expect(cookie).toContain("; secure")
    expect(cookie).toContain("; samesite=lax")
    expect(cookie).toContain("; path=/")
  })

  it("login follows only local paths: next=/\\evil.example, //evil.example and absolute URLs go to /", async () => {
    for (const next of ["/\\evil.example", "//evil.example", "https://evil.example/", "/\\/evil.example"]) {
      const res = await browser().post("/accounts/login/", { username: "clerk", password: "clerk-password", next })
      expect(res.headers.get("location")).toBe("/")
    }
    const b = browser()
    await loginAs(b)
    expect(
      (await b.get(`/accounts/login/?next=${encodeURIComponent("/\\evil.example")}`)).headers.get("location")
    ).toBe("/")
    expect((await browser().get("/accounts/login/?next=/\\evil.example")).status).toBe(200)
  })
})

describe("kas web requests", () => {
  it("only hosts in ALLOWED_HOSTS are answered, also when the proxy forwards another host", async () => {
    expect((await raw("/accounts/login/", { host: "kas.example" })).status).toBe(200)
    const evil = await raw("/accounts/login/", { host: "evil.example" })
    expect([evil.status, evil.body]).toEqual([400, "Ugyldig Host-header"])
    expect((await raw("/accounts/login/", { host: "kas.example", "x-forwarded-host": "evil.example" })).status).toBe(
      400
    )
  })

  it("a raw /static/ path that climbs out of the static folder serves nothing", async () => {
    expect((await raw("/static/vendor/htmx.min.js")).status).toBe(200)
    for (const path of [
      "/static/../views/auth/login.ejs",
      "/static/%2e%2e/views/auth/login.ejs",
      "/static/%2e%2e%2fviews%2fauth%2flogin.ejs",
      "/static/..%2f..%2fpackage.json",
      "/static/vendor/../../package.json"
    ]) {
      const res = await raw(path)
      expect([path, res.status]).toEqual([path, 404])
      expect(res.body).not.toContain("csrfmiddlewaretoken")
      expect(res.body).not.toContain('"name": "@kas/')
    }
  })

  it("access log lines and Effect logs carry CPR numbers masked", async () => {
    const written: Array<string> = []
    const stdout = vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk))
      return true
    })
    const console_ = vi.spyOn(console, "log").mockImplementation((m: unknown) => void written.push(String(m)))
    try {
      const res = await fetch(`${web.url}/final_settlement/2024/0101901234/`, {
        headers: { ...PROXY, authorization: `Token ${STAGING_ENV.REST_TOKEN}`, "x-kas-cpr": "0101901234" }
      })
      expect(res.status).toBe(404)
      await web.runtime.runPromise(Effect.logWarning("dispatch failed for 0101901234"))
      await new Promise((r) => setImmediate(r))
    } finally {
      stdout.mockRestore()
      console_.mockRestore()
    }
    const text = written.join("")
    expect(text).toContain("GET /final_settlement/2024/010190xxxx/ 404")
    expect(text).toContain("dispatch failed for 010190xxxx")
    expect(text).not.toContain("0101901234")
  })
})
