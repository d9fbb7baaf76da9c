import { ManagedRuntime } from "effect"
import request from "supertest"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { makeApp } from "../../src/app.js"
import { makeLayer } from "../../src/runtime.js"
import {
  Browser,
  CPR_A,
  CPR_B,
  loginAs,
  PDF,
  postMultipart,
  query,
  sessionsSettled,
  startPortal,
  YEAR,
  type Portal
} from "../support.js"

let portal: Portal
let anna: Browser
beforeAll(async () => {
  portal = await startPortal()
  anna = new Browser(portal.url)
  await loginAs(portal, anna, { cpr: CPR_A, name: "Anna Testesen" })
})
afterAll(async () => portal?.stop())

const kasState = async () => ({
  policies: await query(
    portal.kas.databaseUrl,
    "select id, self_reported_amount::text from kas.policy_tax_year order by id"
  ),
  documents: await query(portal.kas.databaseUrl, "select id, description from kas.policy_document order by id"),
  files: await query(portal.kas.databaseUrl, "select count(*)::int as n from kas.file"),
  notes: await query(portal.kas.databaseUrl, "select id, general_notes from kas.person_tax_year order by id")
})
const html = async (res: Response) => res.text()

describe("citizen pages", () => {
  it("shows the overview of the citizen's own years only", async () => {
    const page = await html(await anna.get(`/policy/${YEAR}/`))
    expect(page).toContain("PFA Pension, Police nr A-1")
    expect(page).toContain(`href="/policy/${YEAR - 1}/"`)
    expect(page).toContain("Ret selvangivelse")
    expect(page).not.toContain("B-1")
    expect((await anna.get("/policy/1999/")).status).toBe(404)
    expect((await anna.get(`/final_settlement/${YEAR}/`)).status).toBe(404)
  })

  it("ignores crafted ids of another person's policy and documents", async () => {
    const before = await kasState()
    const res = await postMultipart(anna, "/policy/edit/", {
      [`p${portal.fx.policyB}-amount`]: "999",
      [`p${portal.fx.policyA}-doc${portal.fx.docB}-present`]: "1",
      general_notes: ""
    })
    expect(res.status).toBe(302)
    const after = await kasState()
    expect(after.policies).toEqual(before.policies)
    expect(after.documents).toEqual(before.documents)
  })

  it("refuses a POST without CSRF token with 403 and writes nothing", async () => {
    const before = await kasState()
    const res = await postMultipart(
      anna,
      "/policy/edit/",
      { [`p${portal.fx.policyA}-amount`]: "1", general_notes: "x" },
      {},
      { csrf: false }
    )
    expect(res.status).toBe(403)
    expect(await kasState()).toEqual(before)
  })

  it("shows form errors for bad amounts, missing new-policy fields and bad files, storing nothing", async () => {
    const before = await kasState()
    const files = Object.fromEntries(
      Array.from({ length: 10 }, (_, i) => [`p${portal.fx.policyA}-file${i}`, { name: `f${i}.pdf`, content: PDF }])
    )
    const res = await postMultipart(
      anna,
      "/policy/edit/",
      { [`p${portal.fx.policyA}-amount`]: "12,5", "new-policy_number_new": "N-1" },
      {
        ...files,
        "new-file0": { name: "big.pdf", content: new Uint8Array(10 * 1024 * 1024 + 1) },
        "new-file1": { name: "x.exe", content: new TextEncoder().encode("MZ") }
      }
    )
    expect(res.status).toBe(400)
    const page = await html(res)
    expect(page).toContain("Indtast et heltal")
    expect(page).toContain("Der kan højst vedhæftes 10 filer pr. police")
    expect(page).toContain("Filen big.pdf er for stor (højst 10 MB)")
    expect(page).toContain("Filen x.exe har en filtype, der ikke er tilladt (kun PDF, JPEG og PNG)")
    expect(page).toContain('href="#new-self_reported_amount"')
    expect(page).toContain('href="#new-pension_company_id"')
    expect(await kasState()).toEqual(before)
  })

  it("shows the shared submission rules' texts for a too-long company name and an unknown company", async () => {
    const before = await kasState()
    const post = (fields: Record<string, string>) =>
      postMultipart(
        anna,
        "/policy/edit/",
        { "new-policy_number_new": "N-2", "new-self_reported_amount": "5", ...fields },
        {}
      )
    const longName = await post({ "new-pension_company_name": "n".repeat(256) })
    expect(longName.status).toBe(400)
    const longPage = await html(longName)
    expect(longPage).toContain("Navnet må højst være 255 tegn")
    expect(longPage).not.toContain("Beskrivelsen må højst være 255 tegn")
    const unknown = await post({ "new-pension_company_id": "987654" })
    expect(unknown.status).toBe(400)
    const unknownPage = await html(unknown)
    expect(unknownPage).toContain("Ukendt pensionsselskab")
    expect(unknownPage).not.toContain("Dette felt er påkrævet.")
    expect(await kasState()).toEqual(before)
  })

  it("submits a new policy with an attachment and shows the receipt and new amounts", async () => {
    const res = await postMultipart(
      anna,
      "/policy/edit/",
      {
        [`p${portal.fx.policyA}-amount`]: "4000",
        "new-pension_company_id": String(portal.fx.companyOther),
        "new-policy_number_new": "NY-1",
        "new-self_reported_amount": "600",
        "new-file0-description": "Kvittering",
        general_notes: "Hej fra Anna"
      },
      { "new-file0": { name: "kvittering.pdf", content: PDF } }
    )
    expect([res.status, res.headers.get("location")]).toEqual([302, "/policy/submitted/"])
    expect(await html(await anna.get("/policy/submitted/"))).toContain("Selvangivelse opdateret")
    const overview = await html(await anna.get(`/policy/${YEAR}/`))
    expect(overview).toContain("Danica, Police nr NY-1")
    expect(overview).toContain("kvittering.pdf | Kvittering")
    expect(overview).toContain('<td id="kas201">4.600</td>')
    expect(overview).toContain("Hej fra Anna")
  })

  it("lists a company a citizen named for that citizen only (issue 13)", async () => {
    const res = await postMultipart(anna, "/policy/edit/", {
      "new-pension_company_name": "Annas Hemmelige Selskab",
      "new-policy_number_new": "HEM-1",
      "new-self_reported_amount": "10",
      general_notes: ""
    })
    expect([res.status, res.headers.get("location")]).toEqual([302, "/policy/submitted/"])
    expect(await html(await anna.get("/policy/edit/"))).toContain("Annas Hemmelige Selskab")
    const bent = new Browser(portal.url)
    await loginAs(portal, bent, { cpr: CPR_B, name: "Bent Andersen" })
    const page = await html(await bent.get("/policy/edit/"))
    expect(page).toContain("Danica")
    expect(page).not.toContain("Annas Hemmelige Selskab")
  })

  it("closes the form when the year is not in selvangivelse, for GET and POST", async () => {
    await query(portal.kas.databaseUrl, "update kas.tax_year set year_part = 'ligning' where year = $1", [YEAR])
    try {
      expect((await anna.get("/policy/edit/")).headers.get("location")).toBe("/policy/closed/")
      const before = await kasState()
      const token = await anna.csrf(`/policy/${YEAR}/`)
      const form = new FormData()
      form.set("csrfmiddlewaretoken", token)
      form.set(`p${portal.fx.policyA}-amount`, "1")
      const res = await anna.request("/policy/edit/", { method: "POST", body: form })
      expect(res.headers.get("location")).toBe("/policy/closed/")
      expect(await kasState()).toEqual(before)
      expect(await html(await anna.get(`/policy/${YEAR}/`))).toContain(
        "Der kan ikke ændres på selvangivelsen på nuværende tidspunkt"
      )
    } finally {
      await query(portal.kas.databaseUrl, "update kas.tax_year set year_part = 'selvangivelse' where year = $1", [YEAR])
    }
  })

  it("switches to Greenlandic with the shared cookie", async () => {
    const browser = new Browser(portal.url)
    await loginAs(portal, browser)
    const token = await browser.csrf("/policy/edit/")
    const res = await browser.request("/i18n/setlang/", {
      method: "POST",
      body: new URLSearchParams({ language: "kl", csrfmiddlewaretoken: token }),
      headers: { "content-type": "application/x-www-form-urlencoded", referer: `${portal.url}/policy/edit/` }
    })
    expect(res.headers.get("location")).toBe("/policy/edit/")
    expect(res.headers.getSetCookie().join(";")).toContain("Sullissivik.Portal.Lang=kl-GL")
    const page = await html(await browser.get("/policy/edit/"))
    expect(page).toContain('<html lang="kl">')
    expect(page).toContain("Nassiuguk")
    expect(page).toContain("Anna Testesen-itut iserpoq")
  })

  it("serves a sent final statement to its owner only, with the download button on the overview", async () => {
    const one = async (text: string, values: ReadonlyArray<unknown>) =>
      (await query<{ id: string }>(portal.kas.databaseUrl, text, values))[0]!.id
    const lock = await one(
      "select l.id::text as id from kas.lock l join kas.tax_year ty on ty.id = l.tax_year_id where ty.year = $1",
      [YEAR]
    )
    const file = await one(
      `insert into kas.file (kind, folder, name, content_type, size, content)
       values ('final_statement', 'final_statement', 's.pdf', 'application/pdf', $1, $2) returning id::text as id`,
      [PDF.length, Buffer.from(PDF)]
    )
    await query(
      portal.kas.databaseUrl,
      `insert into kas.final_statement (person_tax_year_id, lock_id, pdf_file_id, status)
       values ($1, $2, $3::uuid, 'send')`,
      [portal.fx.ptyA, lock, file]
    )
    expect(await html(await anna.get(`/policy/${YEAR}/`))).toContain(`href="/final_settlement/${YEAR}/"`)
    const pdf = await anna.get(`/final_settlement/${YEAR}/`)
    expect(pdf.status).toBe(200)
    expect(pdf.headers.get("content-type")).toBe("application/pdf")
    expect(pdf.headers.get("content-disposition")).toBe(
      `inline; filename="${YEAR}_${CPR_A}.pdf"; filename*=UTF-8''${YEAR}_${CPR_A}.pdf`
    )
    expect(new Uint8Array(await pdf.arrayBuffer())).toEqual(PDF)

    const bent = new Browser(portal.url)
    await loginAs(portal, bent, { cpr: CPR_B, name: "Bent Andersen" })
    const overview = await html(await bent.get(`/policy/${YEAR}/`))
    expect(overview).not.toContain("/final_settlement/")
    const refused = await bent.get(`/final_settlement/${YEAR}/`)
    expect(refused.status).toBe(404)
    expect(await html(refused)).toContain("Ingen slutopgørelse for givet år")
  })

  it("tells a citizen without person-years that they are not known", async () => {
    const browser = new Browser(portal.url)
    await loginAs(portal, browser, { cpr: "0202020202", name: "Ukendt" })
    expect(await html(await browser.get(`/policy/${YEAR}/`))).toContain("Du er ikke kendt i systemet")
    expect((await browser.get("/policy/edit/")).headers.get("location")).toBe("/policy/no_person_data/")
  })
})

describe("representation", () => {
  const token = async () => {
    const staff = await new Browser(portal.kas.url).login("sagsbehandler")
    const page = await (await staff.post(`/person/${portal.fx.personA}/represent/`, {}, { from: "/" })).text()
    return { staff, token: /name="token" value="([A-Za-z0-9]{64})"/.exec(page)![1]! }
  }
  const start = (browser: Browser, value: string) =>
    browser.request("/represent-start/", {
      method: "POST",
      body: new URLSearchParams({ token: value }),
      headers: { "content-type": "application/x-www-form-urlencoded" }
    })

  it("exchanges a token for the citizen's pages with the on-behalf banner, once", async () => {
    const { staff, token: value } = await token()
    const browser = new Browser(portal.url)
    const res = await start(browser, value)
    expect([res.status, res.headers.get("location")]).toEqual([302, "/policy/edit/"])
    const page = await html(await browser.get("/policy/edit/"))
    expect(page).toContain("Logget ind som sagsbehandler på vegne af Anna Testesen")
    expect(page).toContain("Afslut repræsentation")
    const again = await start(new Browser(portal.url), value)
    expect([again.status, await again.text()]).toEqual([400, "Token already used"])
    const second = await (await staff.post(`/person/${portal.fx.personB}/represent/`, {}, { from: "/" })).text()
    const refused = await start(new Browser(portal.url), /name="token" value="([A-Za-z0-9]{64})"/.exec(second)![1]!)
    expect([refused.status, await refused.text()]).toEqual([400, "User already is using another token"])
    const stop = await browser.get("/represent-stop/")
    expect(stop.headers.get("location")).toBe("http://localhost:8000/represent-stop/")
    expect((await browser.get("/policy/edit/")).status).toBe(302)
    await staff.get("/represent-stop/")
  })

  it("keeps the representation alive in kas web while the session is used; its stop ends it (issue 13)", async () => {
    const { staff, token: value } = await token()
    const browser = new Browser(portal.url)
    expect((await start(browser, value)).status).toBe(302)
    const expiry = async () =>
      (
        await query<{ left: number }>(
          portal.kas.databaseUrl,
          `select extract(epoch from session_expires_at - now())::int as left from kas.representation_token
           where token = $1`,
          [value]
        )
      )[0]?.left
    // The exchange gave it the session's idle expiry, not the token's 60 seconds.
    expect(await expiry()).toBeGreaterThan(portal.settings.sessionExpireSeconds - 30)
    // A minute later (the session's last extension set back, the token nearly expired) a page view extends it.
    const setBack = async () => {
      await query(
        portal.portalDatabaseUrl,
        `update selvbetjening.sessions set data = jsonb_set(data, '{representation_extended_at}', '0')
         where data ? 'user_info'`
      )
      await sessionsSettled(portal)
    }
    await setBack()
    await query(
      portal.kas.databaseUrl,
      "update kas.representation_token set session_expires_at = now() + interval '5 seconds'"
    )
    expect((await browser.get("/policy/edit/")).status).toBe(200)
    expect(await expiry()).toBeGreaterThan(portal.settings.sessionExpireSeconds)
    expect(await (await staff.get("/")).text()).toContain("på vegne af")
    // Stopped in kas web: the portal session ends at its next extension.
    await staff.get("/represent-stop/")
    await setBack()
    const ended = await browser.get("/policy/edit/")
    expect([ended.status, ended.headers.get("location")]).toEqual([302, "http://localhost:8000/represent-stop/"])
    expect((await browser.get("/policy/edit/")).status).toBe(302)
  })

  it("refuses malformed and expired tokens", async () => {
    expect((await start(new Browser(portal.url), "short")).status).toBe(400)
    expect((await new Browser(portal.url).get("/represent-start/")).status).toBe(405)
    const { staff, token: value } = await token()
    await query(
      portal.kas.databaseUrl,
      "update kas.representation_token set created = now() - interval '5 minutes' where token = $1",
      [value]
    )
    const res = await start(new Browser(portal.url), value)
    expect([res.status, await res.text()]).toEqual([400, "Token expired"])
    await staff.get("/represent-stop/")
  })
})

describe("errors", () => {
  it("answers the generic error page (502) when the back office cannot be reached, logging the cause", async () => {
    const settings = { ...portal.settings, restHost: "http://127.0.0.1:9" }
    const runtime = ManagedRuntime.make(makeLayer(settings))
    const logged: Array<string> = []
    try {
      await runtime.runtime()
      const app = makeApp(settings, runtime, { saml: null, log: (m) => logged.push(m) })
      const res = await request(app.callback())
        .post("/represent-start/")
        .type("form")
        .send({ token: "A".repeat(64) })
      expect(res.status).toBe(502)
      expect(res.text).toContain("Der opstod en fejl. Prøv igen senere.")
      expect(logged.join("\n")).toContain("POST /represent-start/")
      expect(logged.join("\n")).toContain("RestError")
    } finally {
      await runtime.dispose()
    }
  })
})
