import ExcelJS from "exceljs"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { query } from "../restFixtures.js"
import { Browser, createStaffUser, type KasWeb, startKasWeb } from "../support.js"

/**
 * "Låse" (staff-web.md §13, domain.md §6.3) over HTTP: the locks of a year with their totals sorted by the outstanding
 * amount, "Opret ny lås" with both dialogs and the rule checked again on the POST, the lock detail a page at a time
 * and its XLSX.
 */

const YEAR = 2021

let web: KasWeb
let clerk: Browser
let ids: { year: number; open: number; closed: number; anna: number; annaTransaction: string }

beforeAll(async () => {
  web = await startKasWeb()
  clerk = await new Browser(web.url).login("sagsbehandler")
  const one = async <T = number>(text: string, values: ReadonlyArray<unknown> = []) =>
    (await query<{ id: T }>(web.databaseUrl, text, values))[0]!.id
  const year = await one(
    `insert into kas.tax_year (year, year_part) values ($1, 'genoptagelsesperiode') returning id`,
    [YEAR]
  )
  const open = await one("select id from kas.lock where tax_year_id = $1", [year])
  const closed = await one(
    `insert into kas.lock (tax_year_id, interval_from, interval_to) values ($1, '2022-01-03', '2022-06-30')
     returning id`,
    [year]
  )
  const file = await one<string>(
    `insert into kas.file (kind, folder, name, content_type, size, content)
     values ('final_statement', 'final_statement', 's.pdf', 'application/pdf', 4, '\\x25504446') returning id::text`
  )
  const person = async (cpr: string, name: string) => {
    const p = await one("insert into kas.person (cpr, name) values ($1, $2) returning id", [cpr, name])
    return {
      person: p,
      pty: await one("insert into kas.person_tax_year (tax_year_id, person_id) values ($1, $2) returning id", [year, p])
    }
  }
  const statement = async (
    pty: number,
    lock: number,
    totalTax: number,
    transaction: { amount: number; status: string } | null,
    invalid = false,
    createdAt = "2022-03-01T12:00:00Z"
  ) => {
    const uuid = await one<string>(
      `insert into kas.final_statement (person_tax_year_id, lock_id, pdf_file_id, invalid, amounts, created_at)
       values ($1, $2, $3::uuid, $4, jsonb_build_object('total_tax', $5::bigint), $6::timestamptz)
       returning uuid::text as id`,
      [pty, lock, file, invalid, totalTax, createdAt]
    )
    if (transaction === null) return { uuid, transaction: "" }
    const t = await one<string>(
      `insert into kas.transaction (person_tax_year_id, amount, status, type, final_statement_uuid)
       values ($1, $2, $3, 'prisme10q', $4::uuid) returning uuid::text as id`,
      [pty, transaction.amount, transaction.status, uuid]
    )
    return { uuid, transaction: t }
  }
  const anna = await person("1802602810", "Anna Testesen")
  const bent = await person("0101570123", "Bent Andersen")
  // The open lock: Anna's statement with 1 500 kr. not yet sent; Bent's invalid statement does not count.
  const annaStatement = await statement(anna.pty, open, 1500, { amount: 1500, status: "created" })
  await statement(bent.pty, open, 999, { amount: 999, status: "ready" }, true)
  // The closed lock: Bent's statement sent (800 kr.), and 21 more persons (a refund each) for the pager.
  await statement(bent.pty, closed, 800, { amount: 800, status: "transferred" })
  for (let i = 1; i <= 21; i++) {
    const p = await person(`30010100${String(i).padStart(2, "0")}`, `Person ${String(i).padStart(2, "0")}`)
    await statement(p.pty, closed, 0, { amount: -10, status: "transferred" })
  }
  ids = { year, open, closed, anna: anna.person, annaTransaction: annaStatement.transaction }
}, 120_000)
afterAll(() => web?.stop())

const lockCount = async () =>
  (await query<{ n: number }>(web.databaseUrl, "select count(*)::int as n from kas.lock"))[0]!.n
const cell = (html: string, rowId: string, field: string) => {
  const row = html.slice(html.indexOf(`id="${rowId}"`))
  return new RegExp(`data-field="${field}">([^<]*)<`).exec(row.slice(0, row.indexOf("</tr>")))?.[1]
}

describe("locks", () => {
  it("access: anonymous → login, without lock.view → 403; lock.change for creating", async () => {
    const pages = ["/lock/", `/lock/rows/?year=${YEAR}`, `/lock/${ids.open}/`, `/lock/${ids.open}/excel/`]
    await createStaffUser(web, "nobody")
    const nobody = await new Browser(web.url).login("nobody")
    const service = await new Browser(web.url).login("borgerservice")
    for (const path of [...pages, `/lock/create/?year=${YEAR}`]) {
      const anon = await new Browser(web.url).get(path)
      expect(anon.status, path).toBe(302)
      expect(anon.headers.get("location")).toBe(`/accounts/login/?next=${encodeURIComponent(path)}`)
      expect((await nobody.get(path)).status, path).toBe(403)
    }
    for (const path of pages) expect((await service.get(path)).status, path).toBe(200)
    expect(await (await service.get("/lock/")).text()).not.toContain('id="create-lock"')
    expect((await service.get(`/lock/create/?year=${YEAR}`)).status).toBe(403)
    const before = await lockCount()
    expect((await service.post("/lock/create/", { year: String(YEAR) }, { from: "/lock/" })).status).toBe(403)
    expect(await lockCount()).toBe(before)
    expect((await clerk.get("/lock/999999/")).status).toBe(404)
    expect((await clerk.get("/lock/rows/?year=1999")).status).toBe(404)
    expect((await clerk.get("/lock/rows/?year=x")).status).toBe(404)
  })

  it("the list shows each lock's totals for the chosen year, the one with the most outstanding first", async () => {
    const res = await clerk.get(`/lock/?year=${YEAR}`)
    expect(res.status).toBe(200)
    const html = await res.text()
    expect(html).toContain("Låsesystem")
    expect(html).toContain(`<option value="${YEAR}" selected>`)
    const order = [...html.matchAll(/id="lock-row-(\d+)"/g)].map((m) => Number(m[1]))
    expect(order).toEqual([ids.open, ids.closed])
    const open = `lock-row-${ids.open}`
    const closed = `lock-row-${ids.closed}`
    expect([cell(html, open, "statements"), cell(html, open, "total-tax"), cell(html, open, "outstanding")]).toEqual([
      "1",
      "1.500",
      "1.500"
    ])
    expect(cell(html, open, "transferred")).toBe("0")
    expect([
      cell(html, closed, "statements"),
      cell(html, closed, "total-tax"),
      cell(html, closed, "transferred")
    ]).toEqual(["22", "800", "590"])
    expect(html).toContain("30-06-2022")
    expect(html).toContain('id="create-lock"')
    // The rows alone, as htmx loads them when the year changes.
    const rows = await (await clerk.get(`/lock/rows/?year=${YEAR}`)).text()
    expect(rows).not.toContain("<html")
    expect(rows).toContain(`id="lock-row-${ids.open}"`)
  })

  it("'Opret ny lås' is refused while money is outstanding (dialog and server); allowed once all is sent", async () => {
    const dialog = await clerk.request(`/lock/create/?year=${YEAR}`, { headers: { "HX-Request": "true" } })
    const partial = await dialog.text()
    expect(partial).not.toContain("<html")
    expect(partial).toContain("Kan ikke oprette lås")
    expect(partial).toContain("Kan ikke oprette ny lås da der mangler at blive overført 1500 kr. til prisme!")
    expect(partial).not.toContain("Bekræft oprettelse")
    // A POST anyway (e.g. from an old dialog) is refused by the server with the message; nothing changes.
    const before = await lockCount()
    const refused = await clerk.post("/lock/create/", { year: String(YEAR) }, { from: "/lock/" })
    expect(refused.status).toBe(400)
    expect(await refused.text()).toContain(
      "Kan ikke oprette ny lås da der mangler at blive overført 1500 kr. til prisme!"
    )
    expect(await lockCount()).toBe(before)

    await query(web.databaseUrl, "update kas.transaction set status = 'transferred' where uuid = $1::uuid", [
      ids.annaTransaction
    ])
    const page = await (await clerk.get(`/lock/create/?year=${YEAR}`)).text()
    expect(page).toContain("<html")
    expect(page).toContain("Bekræft oprettelse af ny lås")
    expect(page).toContain("Dette vil lukke den igangværende lås.")
    const res = await clerk.post("/lock/create/", { year: String(YEAR) }, { from: `/lock/create/?year=${YEAR}` })
    expect(res.status).toBe(302)
    expect(res.headers.get("location")).toBe(`/lock/?year=${YEAR}`)
    const locks = await query<{ id: number; from: string; to: string | null; today: string }>(
      web.databaseUrl,
      `select id, interval_from::text as from, interval_to::text as to, kas.today()::text as today from kas.lock
       where tax_year_id = $1 order by id`,
      [ids.year]
    )
    const today = locks[0]!.today
    expect(
      locks.map((l) => [l.id === ids.open ? "old" : l.id === ids.closed ? "closed" : "new", l.from, l.to])
    ).toEqual([
      ["old", today, today],
      ["closed", "2022-01-03", "2022-06-30"],
      ["new", today, null]
    ])
    const list = await (await clerk.get(`/lock/?year=${YEAR}`)).text()
    expect(list).toContain(`Ny lås for ${YEAR} oprettet fra`)
    expect(await lockCount()).toBe(before + 1)
    expect((await clerk.get("/lock/create/?year=1999")).status).toBe(404)
  })

  it("the detail lists the lock's valid statements 20 at a time, linked to the person-year", async () => {
    const open = await (await clerk.get(`/lock/${ids.open}/`)).text()
    expect(open).toContain(`Lås for ${YEAR}`)
    expect(open).toContain(`href="/tax_year/${YEAR}/persons/${ids.anna}/">180260-2810</a>`)
    expect(open).toContain("Anna Testesen")
    expect(open).not.toContain("Bent Andersen") // invalid statement
    const closed = await (await clerk.get(`/lock/${ids.closed}/`)).text()
    expect([...closed.matchAll(/id="statement-[0-9a-f]{8}-/g)].length).toBe(20)
    expect(closed).toContain('rel="next"')
    const second = await (await clerk.get(`/lock/${ids.closed}/?page=2`)).text()
    expect([...second.matchAll(/id="statement-[0-9a-f]{8}-/g)].length).toBe(2)
    expect(second).toContain("Person 21")
  })

  it("the XLSX export has the detail's columns and every statement", async () => {
    const res = await clerk.get(`/lock/${ids.closed}/excel/`)
    expect(res.status).toBe(200)
    expect(res.headers.get("content-type")).toBe("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    const book = new ExcelJS.Workbook()
    await book.xlsx.load(await res.arrayBuffer())
    const rows: Array<Array<unknown>> = []
    book.worksheets[0]!.eachRow((r) => rows.push((r.values as Array<unknown>).slice(1)))
    expect(rows[0]).toEqual(["Personnummer", "Navn", "Samlet beregnet skat", "Overført til prisme", "Udestående"])
    expect(rows.length).toBe(23)
    expect(rows[1]).toEqual(["010157-0123", "Bent Andersen", 800, 800, 0])
    expect(rows[2]).toEqual(["300101-0001", "Person 01", 0, -10, 0])
  })
})
