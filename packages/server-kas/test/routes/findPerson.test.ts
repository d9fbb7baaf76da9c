import ExcelJS from "exceljs"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { Browser, createStaffUser, type KasWeb, startStaffWeb } from "../support.js"
import { OLD_YEAR, YEAR } from "../staffFixtures.js"
import { query } from "../restFixtures.js"

/**
 * "Find person" (staff-web.md §3) over HTTP: permissions, every filter, validation, sorting, paging (a total counted
 * only so far beyond 200 rows), htmx, XLSX.
 */

let web: KasWeb
let clerk: Browser

beforeAll(async () => {
  ;({ web, clerk } = await startStaffWeb(25))
}, 120_000)
afterAll(() => web?.stop())

const page = async (query: string, browser: Browser = clerk) => {
  const res = await browser.get(`/${query}`)
  return { status: res.status, html: await res.text() }
}
/** The CPRs of the result rows, in order. */
const cprs = (html: string) =>
  [...html.matchAll(/<td><a href="\/tax_year\/\d+\/persons\/\d+\/">([\d-]+)<\/a><\/td>/g)].map((m) => m[1])

describe("Find person: access and layout", () => {
  it("anonymous → the login page; a user without persontaxyear.view → 403; every group may search", async () => {
    const anon = await new Browser(web.url).get("/?name=anna")
    expect(anon.status).toBe(302)
    expect(anon.headers.get("location")).toBe("/accounts/login/?next=%2F%3Fname%3Danna")
    await createStaffUser(web, "ingen")
    expect((await page("", await new Browser(web.url).login("ingen"))).status).toBe(403)
    for (const user of ["administrator", "sagsbehandler", "borgerservice", "regnskab", "skatteraad"]) {
      expect((await page("?name=anna", await new Browser(web.url).login(user))).status).toBe(200)
    }
  })

  it("navigation by permission (pages not built yet hidden); TEST watermark, help toggle", async () => {
    const { html } = await page("")
    expect(html).toContain("Du er logget ind som <strong>sagsbehandler</strong>")
    expect(html).toMatch(/<a class="nav-link" href="\/">Find person<\/a>/)
    expect(html).not.toContain('href="/worker/"') // job.view: administrator only
    expect(html).toContain('<a class="dropdown-item" href="/lock/">Låse</a>') // lock.view: every group
    expect(html).not.toContain('href="/admin/"') // user.view or taxyear.add: administrator only
    expect(html).toContain('class="kas-test"')
    expect(html).toContain('data-bs-target="#page-help"')
    const admin = (await page("", await new Browser(web.url).login("administrator"))).html
    expect(admin).toContain('<a class="dropdown-item" href="/worker/">Jobadministration</a>')
    expect(admin).toContain('href="/admin/">Admin</a>')
  })
})

describe("Find person: filters and validation", () => {
  it("only the prompt until a field differs from its default (default year: the latest before this year)", async () => {
    const { status, html } = await page("")
    expect(status).toBe(200)
    expect(html).toContain("Udfyld mindst ét søgefelt")
    expect(html).toContain(`<option value="${YEAR}" selected>`)
    expect(cprs(html)).toEqual([])
    // Another year is a search of its own: Anna is the only person in the old year.
    expect(cprs((await page(`?year=${OLD_YEAR}`)).html)).toEqual(["180260-2810"])
  })

  it("CPR must start with a digit; other non-digits are stripped; contains", async () => {
    const bad = await page("?cpr=abc")
    expect(bad.status).toBe(400)
    expect(bad.html).toContain("CPR-nummer skal starte med et tal")
    expect(cprs(bad.html)).toEqual([])
    expect(cprs((await page("?cpr=010170-99")).html)).toEqual(["010170-9901"])
    expect(cprs((await page("?cpr=2810")).html)).toEqual(["180260-2810"])
  })

  it("name, municipality name and address are case-insensitive contains; municipality code is exact", async () => {
    expect(cprs((await page("?name=TESTES")).html)).toEqual(["180260-2810"])
    expect(cprs((await page("?name=%25")).html)).toEqual([]) // LIKE characters are literal
    expect(cprs((await page("?municipality_name=avan")).html)).toEqual(["010170-9901"])
    expect(cprs((await page("?address=aqqusinersuaq")).html)).toEqual(["180260-2810"])
    expect(cprs((await page("?municipality_code=956")).html)).toEqual(["180260-2810"])
    expect(cprs((await page("?municipality_code=95")).html)).toEqual([])
    const bad = await page("?municipality_code=9x")
    expect(bad.status).toBe(400)
    expect(bad.html).toContain("Kommunekode skal være et helt tal")
  })

  it("Skattepligt and Slutlignet", async () => {
    expect(cprs((await page("?fully_tax_liable=false")).html)).toEqual(["010170-9901"])
    expect(cprs((await page("?fully_tax_liable=true&name=a")).html)).toEqual(["180260-2810"])
    // Anna's active policy is not slutlignet (her inactive one does not count); Bent's only policy is.
    expect(cprs((await page("?slutlignet=false")).html)).toEqual(["180260-2810"])
    expect(cprs((await page("?slutlignet=true&name=en")).html)).toEqual(["010170-9901"])
  })

  it("an unknown year is refused with a message", async () => {
    const bad = await page("?year=1999")
    expect(bad.status).toBe(400)
    expect(bad.html).toContain("Vælg et skatteår fra listen")
  })
})

describe("Find person: results", () => {
  it("shows the columns: CPR, name, address, municipality, policies (inactive ones count), next date", async () => {
    const { html } = await page("?name=anna")
    expect(html).toContain('<a href="/tax_year/2021/persons/')
    expect(html).toContain("<td>Aqqusinersuaq 1, 3900 Nuuk</td>")
    expect(html).toContain("<td>956 Sermersooq</td>")
    expect(html).toContain('<td class="text-end">2</td>')
    expect(html).toContain(`<td>15-01-${YEAR + 1}</td>`)
  })

  it("pages by 20 and sorts by any column with empty values last in both directions", async () => {
    const first = await page("?address=a&sort=address")
    expect(first.html).toContain("Viser 1–20 af 26")
    expect(cprs(first.html)[0]).toBe("180260-2810")
    const second = await page("?address=a&sort=address&page=2")
    expect(second.html).toContain("Viser 21–26 af 26")
    expect(cprs(second.html)).toHaveLength(6)
    // Past the end: the last page.
    expect((await page("?address=a&sort=address&page=9")).html).toContain("Viser 21–26 af 26")

    const all = "?name=e&page=2"
    expect(cprs((await page(`${all}&sort=address`)).html).at(-1)).toBe("010170-9901")
    expect(cprs((await page(`${all}&sort=-address`)).html).at(-1)).toBe("010170-9901")
    expect(cprs((await page("?name=e&sort=municipality")).html).slice(0, 2)).toEqual(["010170-9901", "180260-2810"])
    expect(cprs((await page("?name=e&sort=-municipality")).html).slice(0, 2)).toEqual(["180260-2810", "010170-9901"])
    expect(cprs((await page("?name=e&sort=-next_date")).html)[0]).toBe("180260-2810")
    expect(cprs((await page("?name=e&sort=-policies")).html).slice(0, 2)).toEqual(["180260-2810", "010170-9901"])
    const byName = cprs((await page("?name=person&sort=-name")).html)
    expect(byName[0]).toBe("300101-0025")
    // The sort links keep the filters and flip the direction of the current column.
    const { html } = await page("?name=person&sort=name")
    expect(html).toContain('aria-sort="ascending"')
    expect(html).toContain('href="/?year=2021&amp;name=person&amp;sort=-name"')
  })

  it("htmx gets the results only; the page keeps the filters in its URL", async () => {
    const res = await clerk.request("/?name=anna", { headers: { "HX-Request": "true" } })
    const html = await res.text()
    expect(res.status).toBe(200)
    expect(html).not.toContain("<html")
    expect(cprs(html)).toEqual(["180260-2810"])
    expect((await clerk.request("/?cpr=x", { headers: { "HX-Request": "true" } })).status).toBe(200)
    const full = await page("?name=anna")
    expect(full.html).toContain('hx-trigger="input delay:400ms, submit"')
    expect(full.html).toContain('name="name" value="anna"')
  })

  it("?format=excel downloads every row (all pages) as XLSX with the visible headers and the two counts", async () => {
    const res = await clerk.get("/?address=a&sort=address&format=excel")
    expect(res.status).toBe(200)
    expect(res.headers.get("content-type")).toBe("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    expect(res.headers.get("content-disposition")).toContain(`attachment; filename="find_person_${YEAR}.xlsx"`)
    const book = new ExcelJS.Workbook()
    await book.xlsx.load(await res.arrayBuffer())
    const sheet = book.worksheets[0]!
    const rows: Array<Array<unknown>> = []
    sheet.eachRow((row) => rows.push((row.values as Array<unknown>).slice(1)))
    expect(rows[0]).toEqual([
      "CPR",
      "Navn",
      "Adresse",
      "Kommune",
      "Antal policer",
      "Næste behandlingsdato",
      "Antal slutlignede policer",
      "Antal ikke-slutlignede policer"
    ])
    expect(rows).toHaveLength(27)
    expect(rows[1]).toEqual([
      "180260-2810",
      "Anna Testesen",
      "Aqqusinersuaq 1, 3900 Nuuk",
      "956 Sermersooq",
      2,
      `15-01-${YEAR + 1}`,
      0,
      2
    ])
  })
})

describe("Find person: many results", () => {
  const MANY = 230
  /** The pager's links, by label. */
  const pager = (html: string) => [...html.matchAll(/<a class="page-link" href="([^"]*)"[^>]*>([^<]+)<\/a>/g)]
  const link = (html: string, label: string) =>
    pager(html)
      .find((m) => m[2] === label)?.[1]
      ?.replaceAll("&amp;", "&")

  it("beyond 200 rows: 'flere end', a next page and no last; the export has every row", async () => {
    // MANY persons in a year of their own (the other tests' years are untouched).
    await query(web.databaseUrl, "insert into kas.tax_year (year, year_part) values (2019, 'ligning')")
    await query(
      web.databaseUrl,
      `insert into kas.person (cpr, name) select '40' || lpad(g::text, 8, '0'), 'Mange Navnesen ' || g
      from generate_series(1, $1::int) g`,
      [MANY]
    )
    await query(
      web.databaseUrl,
      `insert into kas.person_tax_year (tax_year_id, person_id)
      select (select id from kas.tax_year where year = 2019), id from kas.person where cpr like '40%'`
    )
    const first = (await page("?year=2019&name=navnesen")).html
    expect(first).toContain("Viser 1–20 af flere end 200")
    expect(cprs(first)).toHaveLength(20)
    expect(link(first, "Næste")).toBe("/?year=2019&name=navnesen&page=2")
    expect(link(first, "Sidste")).toBeUndefined()
    // Past the 200 counted, each page counts to its own end.
    const later = (await page("?year=2019&name=navnesen&page=11")).html
    expect(later).toContain("Viser 201–220 af flere end 220")
    expect(link(later, "Næste")).toBe("/?year=2019&name=navnesen&page=12")
    // The last page knows the total; a page past it shows the last one.
    for (const p of [12, 40]) {
      const last = (await page(`?year=2019&name=navnesen&page=${p}`)).html
      expect(last).toContain(`Viser 221–${MANY} af ${MANY}`)
      expect(cprs(last)).toHaveLength(MANY - 220)
      expect(link(last, "Næste")).toBeUndefined()
      expect(link(last, "Første")).toBe("/?year=2019&name=navnesen&page=1")
    }
    // A total under 200 is exact, with a last page.
    const some = (await page("?year=2019&name=navnesen 1")).html
    expect(some).toContain("Viser 1–20 af 111") // 1, 10–19, 100–199
    expect(link(some, "Sidste")).toBe("/?year=2019&name=navnesen+1&page=6")

    const res = await clerk.get("/?year=2019&name=navnesen&format=excel")
    const book = new ExcelJS.Workbook()
    await book.xlsx.load(await res.arrayBuffer())
    expect(book.worksheets[0]!.rowCount).toBe(MANY + 1)
  })
})
