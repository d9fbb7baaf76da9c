import { SqlClient } from "@effect/sql"
import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { StaffUsers } from "../../src/auth/StaffUsers.js"
import { Browser, type KasWeb, startKasWeb } from "../support.js"

let web: KasWeb
beforeAll(async () => {
  web = await startKasWeb()
})
afterAll(() => web.stop())

describe("staff authentication", () => {
  it("anonymous users are sent to the login page", async () => {
    const res = await new Browser(web.url).get("/")
    expect(res.status).toBe(302)
    expect(res.headers.get("location")).toBe("/accounts/login/?next=%2F")
  })

  it("a wrong password shows the login page with an error and creates no logged-in session", async () => {
    const b = new Browser(web.url)
    const res = await b.post("/accounts/login/", { username: "admin", password: "wrong" })
    expect(res.status).toBe(200)
    expect(await res.text()).toContain("Ugyldigt brugernavn eller adgangskode")
    expect((await b.get("/")).status).toBe(302)
  })

  it("the right password logs in, and logout ends the session", async () => {
    const b = await new Browser(web.url).login("admin")
    const home = await b.get("/")
    expect(home.status).toBe(200)
    expect(await home.text()).toContain("Du er logget ind som <strong>admin</strong>")
    const out = await b.post("/accounts/logout/", {}, { from: "/" })
    expect(out.status).toBe(302)
    expect(out.headers.get("location")).toBe("/accounts/login/")
    const page = await b.get("/accounts/login/")
    expect(page.status).toBe(200)
    expect(await page.text()).toContain('action="/accounts/login/"')
    expect((await b.get("/")).status).toBe(302)
  })

  it("logging out is a POST: a GET of /accounts/logout/ ends nothing", async () => {
    const b = await new Browser(web.url).login("admin")
    expect((await b.get("/accounts/logout/")).status).toBe(405)
    expect((await b.get("/")).status).toBe(200)
    expect((await b.post("/accounts/logout/", {}, { csrf: false })).status).toBe(403)
    expect((await b.get("/")).status).toBe(200)
  })

  it("the old paths /login/ and /logout/ redirect to /accounts/…, keeping next and the method", async () => {
    const b = new Browser(web.url)
    const old = await b.get("/login/?next=%2Fworker%2F")
    expect(old.status).toBe(301)
    expect(old.headers.get("location")).toBe("/accounts/login/?next=%2Fworker%2F")
    const posted = await b.post("/login/", { username: "admin", password: "admin" }, { from: "/accounts/login/" })
    expect(posted.status).toBe(308)
    expect(posted.headers.get("location")).toBe("/accounts/login/")
    await b.login("admin")
    const out = await b.post("/logout/", {}, { from: "/" })
    expect(out.status).toBe(308)
    expect(out.headers.get("location")).toBe("/accounts/logout/")
    expect((await b.get("/")).status).toBe(200)
    expect((await b.get("/logout/")).headers.get("location")).toBe("/accounts/login/")
  })

  it("an htmx request of an anonymous user is told to go to the login page (HX-Redirect, 401)", async () => {
    const res = await new Browser(web.url).request("/worker/jobs/", { headers: { "HX-Request": "true" } })
    expect(res.status).toBe(401)
    expect(res.headers.get("hx-redirect")).toBe("/accounts/login/?next=%2Fworker%2Fjobs%2F")
  })

  it("an inactive user cannot log in (the same message as a wrong password)", async () => {
    await web.runtime.runPromise(
      Effect.flatMap(StaffUsers, (u) =>
        u.upsertUser({ username: "former", password: "admin", groups: ["Sagsbehandler"], isActive: false })
      )
    )
    const b = new Browser(web.url)
    const res = await b.post("/accounts/login/", { username: "former", password: "admin" })
    expect(res.status).toBe(200)
    expect(await res.text()).toContain("Ugyldigt brugernavn eller adgangskode")
    expect((await b.get("/")).status).toBe(302)
  })

  it("after login the user lands on the requested page", async () => {
    const b = new Browser(web.url)
    const start = await b.get("/worker/jobs/")
    expect(start.headers.get("location")).toBe("/accounts/login/?next=%2Fworker%2Fjobs%2F")
    const res = await b.post("/accounts/login/", { username: "admin", password: "admin", next: "/worker/jobs/" })
    expect(res.headers.get("location")).toBe("/worker/jobs/")
    expect((await b.get("/worker/jobs/")).status).toBe(200)
  })

  it("a POST without a valid CSRF token is refused with 403", async () => {
    const b = new Browser(web.url)
    await b.get("/accounts/login/")
    expect((await b.post("/accounts/login/", { username: "admin", password: "admin" }, { csrf: false })).status).toBe(
      403
    )
    expect(
      (await b.post("/accounts/login/", { username: "admin", password: "admin" }, { csrf: "forged" })).status
    ).toBe(403)
    expect((await b.get("/")).status).toBe(302)
  })

  it("a session that has been idle longer than SESSION_IDLE_SECONDS is over", async () => {
    const b = await new Browser(web.url).login("admin")
    expect((await b.get("/")).status).toBe(200)
    await web.runtime.runPromise(
      Effect.flatMap(
        SqlClient.SqlClient,
        (sql) => sql`update web.sessions set expires_at = now() - interval '1 second'`
      )
    )
    const res = await b.get("/")
    expect(res.status).toBe(302)
    expect(res.headers.get("location")).toContain("/accounts/login/")
  })

  it("login only follows local next URLs", async () => {
    const b = new Browser(web.url)
    const res = await b.post("/accounts/login/", { username: "admin", password: "admin", next: "//evil.example/" })
    expect(res.headers.get("location")).toBe("/")
  })

  it("a logged-in user without a permission gets the 403 page", async () => {
    const b = await new Browser(web.url).login("skatteraad")
    const res = await b.get("/worker/")
    expect(res.status).toBe(403)
    expect(await res.text()).toContain("Du har ikke adgang")
  })

  it("the feature-flag page does not exist while enable_feature_flag_list is off (the default)", async () => {
    const b = await new Browser(web.url).login("admin")
    expect((await b.get("/feature_flags/")).status).toBe(404)
    expect(await (await b.get("/admin/")).text()).not.toContain('href="/feature_flags/"')
  })

  it("unknown pages get the styled 404 page", async () => {
    const res = await new Browser(web.url).get("/no/such/page/")
    expect(res.status).toBe(404)
    const html = await res.text()
    expect(html).toContain("Siden blev ikke fundet")
    expect(html).toContain("bootstrap.min.css")
  })

  it("pages carry a CSP with a per-request nonce used by their scripts", async () => {
    const b = new Browser(web.url)
    const r1 = await b.get("/accounts/login/")
    const r2 = await b.get("/accounts/login/")
    const n1 = r1.headers.get("content-security-policy")!.match(/nonce-([^']+)/)![1]
    const n2 = r2.headers.get("content-security-policy")!.match(/nonce-([^']+)/)![1]
    expect(n1).not.toBe(n2)
    expect(await r1.text()).toContain(`nonce="${n1}"`)
    expect(r1.headers.get("x-frame-options")).toBe("DENY")
  })

  it("health endpoints answer OK", async () => {
    for (const p of ["/health/database", "/health/storage"]) {
      const res = await fetch(web.url + p)
      expect(res.status).toBe(200)
      expect(await res.text()).toBe("OK")
    }
  })

  it("Bootstrap and htmx are served from the npm packages", async () => {
    expect((await fetch(web.url + "/static/vendor/bootstrap.min.css")).status).toBe(200)
    expect((await fetch(web.url + "/static/vendor/htmx.min.js")).status).toBe(200)
    expect((await fetch(web.url + "/static/../package.json")).status).toBe(404)
  })
})

describe("seeding outside development", () => {
  it("creates no usable admin/admin login in staging or production", async () => {
    const staging = await startKasWeb({
      ENVIRONMENT: "staging",
      COMMIT_TAG: "t",
      SECRET_KEY: "s",
      TIMEZONE: "America/Nuuk",
      REST_TOKEN: "r",
      SELVBETJENING_REPRESENTATION_START: "https://x.example/start/",
      SELVBETJENING_REPRESENTATION_STOP: "https://x.example/stop/",
      ALLOWED_HOSTS: '["127.0.0.1"]',
      TENQ_PROJECT_ID: "KAS"
    })
    try {
      // behind the TLS-terminating proxy, as in staging (cookies are Secure there)
      const b = new Browser(staging.url, { "x-forwarded-proto": "https" })
      const res = await b.post("/accounts/login/", { username: "admin", password: "admin" })
      expect(res.status).toBe(200)
      expect(await res.text()).toContain("Ugyldigt brugernavn eller adgangskode")
    } finally {
      await staging.stop()
    }
  })
})
