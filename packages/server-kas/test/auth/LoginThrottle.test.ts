import { SqlClient } from "@effect/sql"
import { Effect } from "effect"
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest"
import { hashingStats, MAX_CONCURRENT_HASHING, resetHashingPeak } from "../../src/auth/Password.js"
import { StaffUsers } from "../../src/auth/StaffUsers.js"
import { Browser, type KasWeb, STAGING_ENV, startKasWeb } from "../support.js"

// staff-web.md §2 and issue 13 item 2: after 10 failures within 15 minutes per user name or per client address,
// logins are refused for 15 minutes; unknown names cost the same scrypt work; hashing runs at most 2 at a time.
// kas web runs as in staging here: behind a proxy, so the client address comes from X-Forwarded-For.

let web: KasWeb
const sql = <A>(f: (sql: SqlClient.SqlClient) => Effect.Effect<A, unknown>) =>
  web.runtime.runPromise(Effect.flatMap(SqlClient.SqlClient, f))

beforeAll(async () => {
  web = await startKasWeb(STAGING_ENV)
  await web.runtime.runPromise(
    Effect.flatMap(StaffUsers, (u) =>
      Effect.all([
        u.upsertUser({ username: "throttled", password: "right-password", groups: ["Sagsbehandler"] }),
        u.upsertUser({ username: "other", password: "other-password", groups: ["Sagsbehandler"] })
      ])
    )
  )
})
afterAll(() => web.stop())
beforeEach(() => sql((s) => s`delete from web.login_failures`))

const from = (address: string) => new Browser(web.url, { "x-forwarded-for": address, "x-forwarded-proto": "https" })
const attempt = async (address: string, username: string, password: string) => {
  const browser = from(address)
  const res = await browser.post("/accounts/login/", { username, password })
  return { res, browser, text: await res.text() }
}
const WRONG = "Ugyldigt brugernavn eller adgangskode"
const LOCKED = "For mange mislykkede forsøg på at logge ind"

describe("staff login throttling", () => {
  it("10 failures for a user name lock it (any case, any address) for 15 minutes; then it is released", async () => {
    for (let i = 1; i <= 10; i++) expect((await attempt(`10.0.0.${i}`, "throttled", "wrong")).text).toContain(WRONG)
    const locked = await attempt("10.0.1.1", "THROTTLED", "right-password")
    expect(locked.res.status).toBe(429)
    expect(locked.text).toContain(LOCKED)
    expect(Number(locked.res.headers.get("retry-after"))).toBeGreaterThan(0)
    expect((await locked.browser.get("/")).status).toBe(302)
    expect((await attempt("10.0.1.1", "other", "other-password")).res.status).toBe(302)
    // 15 minutes later
    await sql((s) => s`update web.login_failures set failed_at = failed_at - interval '15 minutes'`)
    const released = await attempt("10.0.1.1", "throttled", "right-password")
    expect(released.res.status).toBe(302)
    expect((await released.browser.get("/")).status).toBe(200)
  })

  it("nine failures lock nothing, and 10 failures spread over more than 15 minutes lock nothing", async () => {
    for (let i = 1; i <= 9; i++) await attempt(`10.0.2.${i}`, "throttled", "wrong")
    await sql((s) => s`update web.login_failures set failed_at = failed_at - interval '16 minutes'`)
    await attempt("10.0.2.10", "throttled", "wrong")
    expect((await attempt("10.0.2.11", "throttled", "right-password")).res.status).toBe(302)
  })

  it("10 failures from one address lock it for every user name; a forged X-Forwarded-For doesn't help", async () => {
    for (let i = 1; i <= 10; i++) expect((await attempt("10.0.3.1", `nobody-${i}`, "wrong")).text).toContain(WRONG)
    expect((await attempt("10.0.3.1", "other", "other-password")).res.status).toBe(429)
    expect((await attempt("203.0.113.9, 10.0.3.1", "other", "other-password")).res.status).toBe(429)
    expect((await attempt("10.0.3.2", "other", "other-password")).res.status).toBe(302)
  })

  it("parallel attempts cannot get past the limit", async () => {
    const answers = await Promise.all(
      Array.from({ length: 16 }, (_, i) => attempt(`10.0.4.${i + 1}`, "throttled", "wrong").then((a) => a.res.status))
    )
    expect(answers.filter((s) => s === 200)).toHaveLength(10)
    expect(answers.filter((s) => s === 429)).toHaveLength(6)
  })

  it("an unknown user name costs the same scrypt work as a known one with a wrong password", async () => {
    const work = async (username: string, address: string) => {
      const before = hashingStats().derivations
      expect((await attempt(address, username, "wrong")).text).toContain(WRONG)
      return hashingStats().derivations - before
    }
    expect(await work("throttled", "10.0.5.1")).toBe(1)
    expect(await work("no-such-user", "10.0.5.2")).toBe(1)
    expect(await work("rest", "10.0.5.3")).toBe(1) // a system user without a password
  })

  it(`at most ${MAX_CONCURRENT_HASHING} password hashes run at once however many logins arrive together`, async () => {
    resetHashingPeak()
    const before = hashingStats().derivations
    await Promise.all(Array.from({ length: 8 }, (_, i) => attempt(`10.0.6.${i + 1}`, `user-${i}`, "wrong")))
    expect(hashingStats().derivations - before).toBe(8)
    expect(hashingStats().peak).toBeLessThanOrEqual(MAX_CONCURRENT_HASHING)
  })
})
