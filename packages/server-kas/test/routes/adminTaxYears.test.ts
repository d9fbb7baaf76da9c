import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { query } from "../restFixtures.js"
import { Browser, type KasWeb, startKasWeb } from "../support.js"

/**
 * The tax years of "KAS administration" (staff-web.md §18): create (only the year; the first lock opens with it) and
 * edit of the period (one step at a time) and the rate text (60-character lines); and the feature-flag page (§17),
 * shown here because the list flag is on.
 */

let web: KasWeb
let administrator: Browser
let clerk: Browser

beforeAll(async () => {
  web = await startKasWeb({ FEATURE_FLAG_ENABLE_FEATURE_FLAG_LIST: "true", FEATURE_FLAG_TEST_FEATURE_FLAG: "true" })
  administrator = await new Browser(web.url).login("administrator")
  clerk = await new Browser(web.url).login("sagsbehandler")
}, 120_000)
afterAll(() => web?.stop())

const sql = <R extends Record<string, unknown>>(text: string, values: ReadonlyArray<unknown> = []) =>
  query<R>(web.databaseUrl, text, values)
const taxYear = async (year: number) =>
  (
    await sql<{ id: number; year_part: string; rate_text_for_transactions: string }>(
      "select id, year_part, rate_text_for_transactions from kas.tax_year where year = $1",
      [year]
    )
  )[0]
const counts = async () =>
  (
    await sql<{ years: number; locks: number }>(
      "select (select count(*)::int from kas.tax_year) as years, (select count(*)::int from kas.lock) as locks"
    )
  )[0]!

describe("tax years", () => {
  it("access: anonymous → login, without taxyear.add/change → 403, the administrator → 200", async () => {
    await administrator.post("/admin/taxyears/add/", { year: "2040" })
    const id = (await taxYear(2040))!.id
    for (const path of ["/admin/taxyears/", "/admin/taxyears/add/", `/admin/taxyears/${id}/`]) {
      const anon = await new Browser(web.url).get(path)
      expect(anon.status, path).toBe(302)
      expect(anon.headers.get("location")).toBe(`/accounts/login/?next=${encodeURIComponent(path)}`)
      expect((await clerk.get(path)).status, path).toBe(403)
      expect((await administrator.get(path)).status, path).toBe(200)
    }
    const before = await counts()
    expect((await clerk.post("/admin/taxyears/add/", { year: "2041" }, { from: "/" })).status).toBe(403)
    const edit = { year_part: "ligning", rate_text_for_transactions: "x" }
    expect((await clerk.post(`/admin/taxyears/${id}/`, edit, { from: "/" })).status).toBe(403)
    expect(await counts()).toEqual(before)
    expect((await taxYear(2040))!.year_part).toBe("selvangivelse")
    expect((await administrator.get("/admin/taxyears/999999/")).status).toBe(404)
  })

  it("creating a year opens its first lock from today, in selvangivelse", async () => {
    const res = await administrator.post("/admin/taxyears/add/", { year: "2030" })
    expect(res.status).toBe(302)
    expect(res.headers.get("location")).toBe("/admin/taxyears/")
    const year = (await taxYear(2030))!
    expect(year.year_part).toBe("selvangivelse")
    const locks = await sql<{ from: string; to: string | null; today: string }>(
      "select interval_from::text as from, interval_to::text as to, kas.today()::text as today from kas.lock " +
        "where tax_year_id = $1",
      [year.id]
    )
    expect(locks).toEqual([{ from: locks[0]!.today, to: null, today: locks[0]!.today }])
    const list = await (await administrator.get("/admin/taxyears/")).text()
    expect(list).toContain("Skatteår 2030 er oprettet med en åben lås fra i dag")
    const row = list.slice(list.indexOf('id="taxyear-row-2030"'))
    const [y, m, d] = locks[0]!.today.split("-")
    expect(row.slice(0, row.indexOf("</tr>"))).toContain("Selvangivelsesperiode")
    expect(row.slice(0, row.indexOf("</tr>"))).toContain(`2030 (Åben) fra ${d}-${m}-${y}`)
  })

  it("each invalid year shows its Danish message and creates nothing", async () => {
    await administrator.post("/admin/taxyears/add/", { year: "2031" })
    const before = await counts()
    for (const [year, message] of [
      ["", "Indtast skatteåret som et helt årstal, f.eks. 2025"],
      ["20x5", "Indtast skatteåret som et helt årstal, f.eks. 2025"],
      ["2025.5", "Indtast skatteåret som et helt årstal, f.eks. 2025"],
      ["1999", "Skatteår skal være et helt årstal mellem 2000 og 2100"],
      ["2101", "Skatteår skal være et helt årstal mellem 2000 og 2100"],
      ["2031", "Skatteåret 2031 findes allerede"]
    ] as const) {
      const res = await administrator.post("/admin/taxyears/add/", { year })
      expect(res.status, year).toBe(400)
      expect(await res.text(), year).toContain(message)
    }
    expect(await counts()).toEqual(before)
  })

  it("edit: the period one step at a time and the rate text; refusals show their message, change nothing", async () => {
    await administrator.post("/admin/taxyears/add/", { year: "2032" })
    const { id } = (await taxYear(2032))!
    const path = `/admin/taxyears/${id}/`
    const form = await (await administrator.get(path)).text()
    expect(form).toContain('<option value="selvangivelse" selected>Selvangivelsesperiode</option>')
    const refused = [
      [
        { year_part: "genoptagelsesperiode", rate_text_for_transactions: "" },
        "Skatteåret kan ikke skifte direkte fra selvangivelsesperiode til genoptagelsesperiode: " +
          "ligningsperiode kan ikke springes over"
      ],
      [
        { year_part: "ligning", rate_text_for_transactions: `Linje et\r\n${"x".repeat(61)}` },
        "Ratetekst må ikke indeholde linjer med mere end 60 tegn"
      ],
      [{ year_part: "afsluttet", rate_text_for_transactions: "" }, "Vælg en periode fra listen"]
    ] as const
    for (const [fields, message] of refused) {
      const res = await administrator.post(path, fields)
      expect(res.status, message).toBe(400)
      expect(await res.text(), message).toContain(message)
      expect(await taxYear(2032)).toEqual({ id, year_part: "selvangivelse", rate_text_for_transactions: "" })
    }
    const text = `${"a".repeat(60)}\r\n${"b".repeat(60)}`
    const res = await administrator.post(path, { year_part: "ligning", rate_text_for_transactions: text })
    expect(res.status).toBe(302)
    expect(await taxYear(2032)).toEqual({
      id,
      year_part: "ligning",
      rate_text_for_transactions: `${"a".repeat(60)}\n${"b".repeat(60)}`
    })
    expect(await (await administrator.get("/admin/taxyears/")).text()).toContain("Skatteår 2032 er opdateret")
    expect(
      (await administrator.post(path, { year_part: "genoptagelsesperiode", rate_text_for_transactions: "" })).status
    ).toBe(302)
    expect((await taxYear(2032))!.year_part).toBe("genoptagelsesperiode")
  })
})

describe("feature flags (staff-web.md §17)", () => {
  it("lists the flags and their values from the configuration, with featureflag.view", async () => {
    const anon = await new Browser(web.url).get("/feature_flags/")
    expect(anon.headers.get("location")).toBe("/accounts/login/?next=%2Ffeature_flags%2F")
    expect((await clerk.get("/feature_flags/")).status).toBe(403)
    const res = await administrator.get("/feature_flags/")
    expect(res.status).toBe(200)
    const html = await res.text()
    const value = (flag: string) => {
      const row = html.slice(html.indexOf(`id="flag-${flag}"`))
      return /data-field="value">([^<]*)</.exec(row)?.[1]
    }
    expect(value("enable_feature_flag_list")).toBe("Til")
    expect(value("test_feature_flag")).toBe("Til")
    expect(value("enable_dafo_override_of_address")).toBe("Til")
    expect(html).toContain("FEATURE_FLAG_ENABLE_DAFO_OVERRIDE_OF_ADDRESS")
    expect(await (await administrator.get("/admin/")).text()).toContain('href="/feature_flags/"')
  })
})
