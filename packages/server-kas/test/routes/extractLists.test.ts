import ExcelJS from "exceljs"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { statisticsView } from "../../src/routes/statisticsViewModel.js"
import { makeFormat } from "../../src/web/Format.js"
import { query } from "../restFixtures.js"
import { OLD_YEAR, type StaffFixture, seedStaff, YEAR } from "../staffFixtures.js"
import { Browser, createStaffUser, type KasWeb, startKasWeb } from "../support.js"

/**
 * Statistics (staff-web.md §4) and the six extract lists (§5) over HTTP: access, the rows of each list, filters and
 * their messages, sorting with empty values last, paging and the XLSX exports read back with exceljs.
 */

let web: KasWeb
let fx: StaffFixture
let clerk: Browser

const lists = [
  ["/person/unfinished/", "Personer med policer der kræver efterbehandling"],
  ["/person/failsend/", "Personer med fejlet afsendelse af selvangivelse"],
  ["/person/unhandled/", "Personer med nye dokumenter eller notater"],
  ["/person/foreign/", "Personer med udenlandsk pensionsnotat"],
  ["/policy/unfinished/", "Policer der kræver efterbehandling"],
  ["/policy/taxdifference/", "Policer med forskel på fortrykt og selvangivet beløb"]
] as const

/**
 * The staff fixture plus: Anna's active policy A-1 needs efterbehandling and has 12 000 self-reported against 10 000
 * prefilled (her inactive A-2 needs it too, but does not count); she has a foreign pension note and unhandled
 * documents. Bent's B-1 needs efterbehandling (slutlignet, no self-reported amount), he has general notes and a tax
 * slip that failed. The 25 extra persons of YEAR have unhandled documents. Source rows for the statistics.
 */
beforeAll(async () => {
  web = await startKasWeb()
  fx = await seedStaff(web.databaseUrl, 25)
  const sql = (text: string, values: ReadonlyArray<unknown> = []) => query(web.databaseUrl, text, values)
  await sql("update kas.policy_tax_year set efterbehandling = true, self_reported_amount = 12000 where id = $1", [
    fx.anna.policy
  ])
  await sql("update kas.policy_tax_year set efterbehandling = true where id = any($1)", [
    [fx.anna.inactive, fx.bent.policy]
  ])
  await sql(
    `update kas.person_tax_year set foreign_pension_notes = 'Pension i Norge', all_documents_and_notes_handled = false
     where id = $1`,
    [fx.anna.pty]
  )
  await sql("update kas.person_tax_year set general_notes = 'Se bilag' where id = $1", [fx.bent.pty])
  await sql(
    `update kas.person_tax_year set all_documents_and_notes_handled = false
     where person_id in (select id from kas.person where cpr like '30010100%')`
  )
  await sql(
    `with f as (insert into kas.file (kind, folder, name, size, content)
        values ('tax_slip', 'tax_slips', 'Y.pdf', 1, '\\x00'::bytea) returning id),
      t as (insert into kas.tax_slip (person_tax_year_id, file_id, status) select $1, id, 'failed' from f returning id)
     update kas.person_tax_year set tax_slip_id = (select id from t) where id = $1`,
    [fx.bent.pty]
  )
  await sql(
    `insert into eskat.imported_census_row (pt_census_guid, cpr, skatteaar)
     select gen_random_uuid(), lpad(g::text, 10, '0'), $1 from generate_series(1, 3) g`,
    [YEAR]
  )
  await sql(
    `insert into eskat.imported_r75_row (r75_ctl_sekvens_guid, tax_year, cpr)
     select gen_random_uuid(), $1, lpad(g::text, 10, '0') from generate_series(1, 2) g`,
    [OLD_YEAR]
  )
  await sql(
    `insert into eskat_mock.kas_mandtal (pt_census_guid, cpr, skatteaar)
     select gen_random_uuid(), lpad(g::text, 10, '0'), $1 from generate_series(1, 4) g`,
    [YEAR]
  )
  clerk = await new Browser(web.url).login("sagsbehandler")
}, 120_000)
afterAll(() => web?.stop())

const page = async (path: string, browser: Browser = clerk) => {
  const res = await browser.get(path)
  return { status: res.status, html: await res.text() }
}
/** The rows of a list's table as the texts of their cells. */
const rowsOf = (html: string) => {
  const body = html.slice(html.indexOf("<tbody>"), html.indexOf("</tbody>"))
  return [...body.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((m) =>
    [...m[1]!.matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((c) => c[1]!.replace(/<[^>]+>/g, "").trim())
  )
}
const firstColumn = (html: string) => rowsOf(html).map((r) => r[0])
/** The rows of an XLSX download, headers first. */
const xlsx = async (path: string) => {
  const res = await clerk.get(path)
  expect(res.status).toBe(200)
  expect(res.headers.get("content-type")).toBe("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
  const book = new ExcelJS.Workbook()
  await book.xlsx.load(await res.arrayBuffer())
  const sheet = book.worksheets[0]!
  const width = sheet.getRow(1).cellCount
  const rows: Array<Array<unknown>> = []
  sheet.eachRow((row) => rows.push(Array.from({ length: width }, (_, i) => row.getCell(i + 1).value ?? null)))
  return { rows, disposition: res.headers.get("content-disposition") ?? "" }
}

describe("access", () => {
  it("anonymous → login page; without persontaxyear.list → 403; with it → 200; the menu shows them", async () => {
    await createStaffUser(web, "ingen")
    const none = await new Browser(web.url).login("ingen")
    const citizenService = await new Browser(web.url).login("borgerservice")
    const admin = await new Browser(web.url).login("administrator")
    for (const [path, title] of [...lists, ["/statistics/", "Statistik"] as const]) {
      for (const p of [path, `${path}?format=excel`]) {
        const anon = await new Browser(web.url).get(p)
        expect(anon.status, p).toBe(302)
        expect(anon.headers.get("location")).toContain(`/login/?next=${encodeURIComponent(p)}`)
        expect((await none.get(p)).status, p).toBe(403)
        expect((await citizenService.get(p)).status, p).toBe(403)
      }
      for (const b of [clerk, admin]) {
        const ok = await page(path, b)
        expect(ok.status, path).toBe(200)
        expect(ok.html).toContain(`<h1 class="h3 mb-0">${title}</h1>`)
      }
    }
    const menu = (await page("/")).html
    for (const [path, title] of lists) expect(menu).toContain(`<a class="dropdown-item" href="${path}">${title}</a>`)
    expect(menu).toContain('<a class="dropdown-item" href="/statistics/">Statistik</a>')
    expect((await page("/", citizenService)).html).not.toContain('href="/statistics/"')
  })
})

describe("statistics", () => {
  it("per tax year: persons, policies, imported census and R75 rows, mock rows; years link to the search", async () => {
    const { html } = await page("/statistics/")
    expect(html).toMatch(new RegExp(`<a\\s+href="/\\?year=${OLD_YEAR}">${OLD_YEAR}</a>`))
    expect(html).toMatch(new RegExp(`<a\\s+href="/\\?year=${YEAR}">${YEAR}</a>`))
    // Columns OLD_YEAR, YEAR: Anna in both, Bent and 25 more in YEAR; policies: 1, and, B-1.
    expect(rowsOf(html)).toEqual([["1", "27"], ["1", "3"], [], ["0", "3"], ["2", "0"], [], ["0", "4"], ["0", "0"]])
    for (const label of ["Personer", "Policer", "Kildedata", "Mandtal", "R75", "Mockup data"])
      expect(html).toContain(`>${label}</th>`)
  })

  it("draws the chart as accessible SVG: title, description with the figures, a bar per year and series", async () => {
    const { html } = await page("/statistics/")
    const svg = html.slice(html.indexOf("<svg"), html.indexOf("</svg>"))
    expect(svg).toContain('role="img" aria-labelledby="chart-title chart-desc"')
    expect(svg).toContain('<title id="chart-title">Personer og policer pr. skatteår</title>')
    expect(svg).toContain(`${OLD_YEAR}: 1 personer og 1 policer; ${YEAR}: 27 personer og 3 policer`)
    expect(svg.match(/<rect [^>]*><title>/g)).toHaveLength(4)
    expect(svg).toContain(`<title>${YEAR}: 27 personer</title>`)
    expect(svg).toContain(`<title>${YEAR}: 3 policer</title>`)
    // The tallest bar (27) reaches the top tick (30), the shortest (1) is a thirtieth of it.
    const heights = [...svg.matchAll(/height="([\d.]+)" fill="#[0-9a-f]+"><title>/g)].map((m) => Number(m[1]))
    expect(Math.max(...heights) / Math.min(...heights)).toBeCloseTo(27, 0)
    expect(svg).toContain(">30</text>")
    expect(html).not.toContain("<script>")
  })

  it("in production the mock rows are left out", () => {
    const view = statisticsView(
      { years: [{ taxYearId: 1, year: 2021, personYears: 1234, policies: 5 }], sources: [], mock: false },
      makeFormat("America/Nuuk")
    )
    expect(view.rows.map((r) => r.label)).toEqual(["Personer", "Policer", "Kildedata", "Mandtal", "R75"])
    expect(view.rows[0]!.values).toEqual(["1.234"])
  })
})

describe("person lists", () => {
  it("open without input for the default year; each holds the persons of its rule, with its columns", async () => {
    const unfinished = await page("/person/unfinished/")
    expect(unfinished.html).toContain(`<option value="${YEAR}" selected>`)
    // One active policy each (Anna's inactive one does not count); ties by CPR.
    expect(rowsOf(unfinished.html)).toEqual([
      ["010170-9901", "Bent Andersen", "1"],
      ["180260-2810", "Anna Testesen", "1"]
    ])
    expect(unfinished.html).toContain(`<a href="/tax_year/${YEAR}/persons/${fx.bent.person}/">010170-9901</a>`)
    expect(rowsOf((await page("/person/failsend/")).html)).toEqual([
      ["010170-9901", "Bent Andersen", "", "960 Avannaata"]
    ])
    expect(rowsOf((await page("/person/foreign/")).html)).toEqual([
      ["010170-9901", "Bent Andersen", "", "Se bilag"],
      ["180260-2810", "Anna Testesen", "Pension i Norge", ""]
    ])
    const unhandled = await page("/person/unhandled/")
    expect(unhandled.html).toContain("Viser 1–20 af 26")
    expect(rowsOf(unhandled.html)[0]).toEqual([
      "180260-2810",
      "Anna Testesen",
      "Aqqusinersuaq 1, 3900 Nuuk",
      "956 Sermersooq"
    ])
    const second = await page("/person/unhandled/?page=2")
    expect(second.html).toContain("Viser 21–26 af 26")
    expect(firstColumn(second.html)).toHaveLength(6)
    // Another year: Anna's old year has none of it.
    const old = await page(`/person/unfinished/?year=${OLD_YEAR}`)
    expect(old.html).toContain("Ingen rækker")
    expect(old.html).toContain(`<option value="${OLD_YEAR}" selected>`)
  })

  it("sorts by any column, empty values last both ways; the links keep the year and flip the order", async () => {
    const byName = await page("/person/unhandled/?sort=-name")
    expect(firstColumn(byName.html)[0]).toBe("300101-0025")
    expect(byName.html).toContain('aria-sort="descending"')
    expect(byName.html).toContain(`href="/person/unhandled/?year=${YEAR}&amp;sort=name"`)
    // Bent has no address: last whichever way.
    for (const sort of ["address", "-address"]) {
      expect(firstColumn((await page(`/person/failsend/?sort=${sort}`)).html)).toEqual(["010170-9901"])
      const foreign = await page(`/person/foreign/?sort=${sort.replace("address", "foreign_notes")}`)
      expect(firstColumn(foreign.html)).toEqual(["180260-2810", "010170-9901"])
    }
    // A sort the list does not show falls back to its own order.
    expect(firstColumn((await page("/person/unfinished/?sort=address")).html)).toEqual(["010170-9901", "180260-2810"])
    expect(firstColumn((await page("/person/unfinished/?sort=count")).html)).toEqual(["010170-9901", "180260-2810"])
  })

  it("an unknown year is refused with its message on every list", async () => {
    for (const [path] of lists) {
      const bad = await page(`${path}?year=1999`)
      expect(bad.status, path).toBe(400)
      expect(bad.html).toContain("Vælg et skatteår fra listen")
      expect(bad.html).not.toContain('id="list-table"')
    }
  })
})

describe("policy lists", () => {
  it("policies needing efterbehandling: active only, Forskel and Forskel %, empty % last; taxdifference", async () => {
    const { html } = await page("/policy/unfinished/")
    expect(rowsOf(html)).toEqual([
      [
        "180260-2810",
        "Anna Testesen",
        "PFA Pension (19999)",
        "A-1",
        "10.000",
        "12.000",
        "2.000",
        "20",
        `01-03-${YEAR + 1}`
      ],
      ["010170-9901", "Bent Andersen", "Danica (28888)", "B-1", "20.000", "", "", "", ""]
    ])
    expect(html).toContain(`<a href="/policy/${fx.anna.policy}/">A-1</a>`)
    expect(firstColumn((await page("/policy/unfinished/?sort=-difference")).html)).toEqual([
      "180260-2810",
      "010170-9901"
    ])
    expect(firstColumn((await page("/policy/unfinished/?sort=difference")).html)).toEqual([
      "180260-2810",
      "010170-9901"
    ])
    expect(firstColumn((await page("/policy/unfinished/?sort=-prefilled")).html)).toEqual([
      "010170-9901",
      "180260-2810"
    ])
    expect(rowsOf((await page("/policy/taxdifference/")).html).map((r) => r[3])).toEqual(["A-1"])
  })

  it("filter on company name (contains), policy number and Slutlignet; the filters stay in the links", async () => {
    const numbers = async (q: string) => rowsOf((await page(`/policy/unfinished/${q}`)).html).map((r) => r[3])
    expect(await numbers("?company=pfa")).toEqual(["A-1"])
    expect(await numbers("?company=ANIC")).toEqual(["B-1"])
    expect(await numbers("?policy_number=b-")).toEqual(["B-1"])
    expect(await numbers("?slutlignet=true")).toEqual(["B-1"])
    expect(await numbers("?slutlignet=false")).toEqual(["A-1"])
    expect(await numbers("?company=nordea")).toEqual([])
    const { html } = await page("/policy/unfinished/?company=pfa&slutlignet=false")
    expect(html).toMatch(/name="company"\s+value="pfa"/)
    expect(html).toContain(`href="/policy/unfinished/?year=${YEAR}&amp;company=pfa&amp;slutlignet=false&amp;sort=cpr"`)
    expect(html).toContain(
      `href="/policy/unfinished/?year=${YEAR}&amp;company=pfa&amp;slutlignet=false&amp;format=excel"`
    )
  })

  it("a too long policy number or company name is refused with its message", async () => {
    const number = await page(`/policy/taxdifference/?policy_number=${"x".repeat(41)}`)
    expect(number.status).toBe(400)
    expect(number.html).toContain("Policenummeret må højst være 40 tegn")
    const company = await page(`/policy/unfinished/?company=${"x".repeat(256)}`)
    expect(company.status).toBe(400)
    expect(company.html).toContain("Pensionsselskabets navn må højst være 255 tegn")
    expect(company.html).toContain('class="form-control is-invalid" id="f-company"')
  })
})

describe("XLSX exports", () => {
  it("each list downloads every row (all pages) with the visible headers, checked row by row", async () => {
    const unhandled = await xlsx("/person/unhandled/?format=excel&sort=-name")
    expect(unhandled.disposition).toContain(`attachment; filename="personer_nye_dokumenter_${YEAR}.xlsx"`)
    expect(unhandled.rows[0]).toEqual(["CPR", "Navn", "Adresse", "Kommune"])
    expect(unhandled.rows).toHaveLength(27)
    expect(unhandled.rows.slice(1, 3)).toEqual([
      ["300101-0025", "Person 25", "Gade 25", null],
      ["300101-0024", "Person 24", "Gade 24", null]
    ])
    expect(unhandled.rows[26]).toEqual(["180260-2810", "Anna Testesen", "Aqqusinersuaq 1, 3900 Nuuk", "956 Sermersooq"])

    expect((await xlsx("/person/unfinished/?format=excel")).rows).toEqual([
      ["CPR", "Navn", "Antal"],
      ["010170-9901", "Bent Andersen", 1],
      ["180260-2810", "Anna Testesen", 1]
    ])
    expect((await xlsx("/person/failsend/?format=excel")).rows).toEqual([
      ["CPR", "Navn", "Adresse", "Kommune"],
      ["010170-9901", "Bent Andersen", null, "960 Avannaata"]
    ])
    expect((await xlsx("/person/foreign/?format=excel")).rows).toEqual([
      ["CPR", "Navn", "Noter om pension i udlandet", "Yderligere noter"],
      ["010170-9901", "Bent Andersen", null, "Se bilag"],
      ["180260-2810", "Anna Testesen", "Pension i Norge", null]
    ])
    const headers = [
      "CPR",
      "Navn",
      "Pensionsselskab",
      "Police nr.",
      "Fortrykt beløb",
      "Selvangivet beløb",
      "Forskel",
      "Forskel %",
      "Næste behandlingsdato"
    ]
    const anna = [
      "180260-2810",
      "Anna Testesen",
      "PFA Pension (19999)",
      "A-1",
      10000,
      12000,
      2000,
      20,
      `01-03-${YEAR + 1}`
    ]
    const policies = await xlsx("/policy/unfinished/?format=excel")
    expect(policies.disposition).toContain(`filename="policer_efterbehandling_${YEAR}.xlsx"`)
    expect(policies.rows).toEqual([
      headers,
      anna,
      ["010170-9901", "Bent Andersen", "Danica (28888)", "B-1", 20000, null, null, null, null]
    ])
    expect((await xlsx("/policy/taxdifference/?format=excel&company=pfa")).rows).toEqual([headers, anna])
    // An invalid filter exports nothing: the page with its message.
    const bad = await clerk.get("/policy/unfinished/?format=excel&year=1999")
    expect(bad.status).toBe(400)
    expect(bad.headers.get("content-type")).toContain("text/html")
  })
})
