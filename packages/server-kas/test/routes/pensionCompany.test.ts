import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { MergeCompaniesJob } from "../../src/jobs/companyJobs.js"
import { query } from "../restFixtures.js"
import { Browser, type KasWeb, startKasWeb } from "../support.js"
import { startTestWorker, type TestWorker } from "../support/jobWorker.js"

/**
 * Pension companies (staff-web.md §14) over HTTP: access, the list (search, agreement filter, infinite scroll, policy
 * counts), the edit form with its agreement file and its download, and the merge through "Flet pensionsselskaber"
 * (jobs.md §8.14) run by a worker in this process.
 */

let web: KasWeb
let worker: TestWorker
let clerk: Browser
let admin: Browser

const YEAR = 2022
const PDF = Buffer.from("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0])

const one = async (text: string, values: ReadonlyArray<unknown> = []) =>
  (await query<{ id: number }>(web.databaseUrl, text, values))[0]!.id
const company = (name: string, res: number | null, agreement = false) =>
  one("insert into kas.pension_company (name, res, agreement_present) values ($1, $2, $3) returning id", [
    name,
    res,
    agreement
  ])

interface Seed {
  readonly taxYear: number
  readonly pty: number
  readonly otherPty: number
  readonly pfa: number
  readonly danica: number
  readonly target: number
  readonly dupA: number
  readonly dupB: number
}
let seed: Seed

beforeAll(async () => {
  web = await startKasWeb()
  worker = await startTestWorker(web, [MergeCompaniesJob])
  const taxYear = await one("insert into kas.tax_year (year, year_part) values ($1, 'ligning') returning id", [YEAR])
  const person = await one("insert into kas.person (cpr, name) values ('0303031234', 'Carl Flet') returning id")
  const other = await one("insert into kas.person (cpr, name) values ('0404041234', 'Dorte Flet') returning id")
  const pty = await one(
    "insert into kas.person_tax_year (tax_year_id, person_id, number_of_days) values ($1, $2, 365) returning id",
    [taxYear, person]
  )
  const otherPty = await one(
    "insert into kas.person_tax_year (tax_year_id, person_id, number_of_days) values ($1, $2, 365) returning id",
    [taxYear, other]
  )
  // 25 filler companies (paging), four named ones with agreement flags, and the merge cast.
  await query(
    web.databaseUrl,
    `insert into kas.pension_company (name, res)
     select 'Fyld ' || lpad(g::text, 2, '0'), 70000 + g from generate_series(1, 25) g`
  )
  const pfa = await company("PFA Pension", 19999)
  const danica = await company("Danica Pension", 28888, true)
  await company("Ærø Bank", 31111)
  const target = await company("Mål Pension", 40000)
  const dupA = await company("Mål Pension A/S", 40001)
  const dupB = await company("Maal pension", null)
  seed = { taxYear, pty, otherPty, pfa, danica, target, dupA, dupB }
  clerk = await new Browser(web.url).login("sagsbehandler")
  admin = await new Browser(web.url).login("admin")
}, 120_000)

afterAll(async () => {
  await worker?.stop()
  await web?.stop()
})

const policy = (pty: number, companyId: number, number: string, prefilled: number) =>
  one(
    `insert into kas.policy_tax_year (person_tax_year_id, pension_company_id, policy_number, prefilled_amount)
     values ($1, $2, $3, $4) returning id`,
    [pty, companyId, number, prefilled]
  )

const companyRow = async (id: number) =>
  (
    await query<Record<string, unknown>>(
      web.databaseUrl,
      `select name, res, address, email, phone, agreement_present, agreement_file_id from kas.pension_company
       where id = $1`,
      [id]
    )
  )[0]

/** The rows of a list request (as htmx asks for them: without the page and its target select). */
const rowsOf = async (browser: Browser, path: string) => {
  const res = await browser.request(path, { headers: { "HX-Request": "true" } })
  expect(res.status).toBe(200)
  const html = await res.text()
  expect(html).not.toContain("<html")
  return html
}

/** Posts a multipart form (the edit form with its file), with the page's CSRF token. */
const postMultipart = async (
  browser: Browser,
  path: string,
  fields: Record<string, string>,
  file?: { readonly name: string; readonly content: Buffer; readonly type?: string }
) => {
  const form = new FormData()
  form.set("csrfmiddlewaretoken", await browser.csrf(path))
  for (const [k, v] of Object.entries(fields)) form.set(k, v)
  if (file) form.set("agreement", new Blob([file.content], { type: file.type ?? "application/pdf" }), file.name)
  return browser.request(path, { method: "POST", body: form })
}

describe("pension companies", () => {
  it("anonymous → login, without pensioncompany.change → 403, with it → 200", async () => {
    const paths = [
      "/pensioncompany/",
      `/pensioncompany/rows/${seed.pfa}/`,
      `/pensioncompany/${seed.pfa}/edit/`,
      `/pensioncompany/${seed.pfa}/agreement/`
    ]
    for (const path of paths) {
      const anon = await new Browser(web.url).get(path)
      expect(anon.status, path).toBe(302)
      expect(anon.headers.get("location")).toContain("/login/?next=")
    }
    const service = await new Browser(web.url).login("borgerservice")
    for (const path of paths) expect((await service.get(path)).status, path).toBe(403)
    const home = await (await service.get("/")).text()
    expect(home).not.toContain('href="/pensioncompany/"')
    expect((await service.post("/pensioncompany/", { target: String(seed.pfa) }, { from: "/" })).status).toBe(403)
    expect((await service.post(`/pensioncompany/${seed.pfa}/edit/`, { name: "Hacket" }, { from: "/" })).status).toBe(
      403
    )
    expect((await companyRow(seed.pfa))?.name).toBe("PFA Pension")
    const page = await clerk.get("/pensioncompany/")
    expect(page.status).toBe(200)
    const html = await page.text()
    expect(html).toContain('<h1 class="h3 mb-0">Pensionsselskaber</h1>')
    expect(html).toContain('href="/pensioncompany/"')
    expect((await clerk.get("/pensioncompany/999999/edit/")).status).toBe(404)
  })

  it("lists 20 companies by name with policy counts and agreement marks; scrolling loads the rest", async () => {
    await policy(seed.pty, seed.pfa, "L-1", 1000)
    await policy(seed.otherPty, seed.pfa, "L-2", 1000)
    const html = await (await clerk.get("/pensioncompany/")).text()
    const nameCell = /<td><a href="\/pensioncompany\/\d+\/edit\/">[^<]*<\/a><\/td>\s*<td>([^<]*)<\/td>/g
    const names = [...html.matchAll(nameCell)].map((m) => m[1])
    const ordered = await query<{ name: string }>(
      web.databaseUrl,
      "select name from kas.pension_company order by coalesce(name, ''), id"
    )
    expect(ordered).toHaveLength(31)
    expect(names).toEqual(ordered.slice(0, 20).map((r) => r.name))
    // PFA (two policies), Danica (agreement flag: a check mark).
    const pfaRow = await rowsOf(clerk, "/pensioncompany/?search=PFA")
    expect(pfaRow).toMatch(/PFA Pension<\/td>\s*<td><\/td>\s*<td class="text-end">2<\/td>/)
    const danicaRow = await rowsOf(clerk, "/pensioncompany/?search=danica")
    expect(danicaRow).toMatch(/class="visually-hidden">Aftale<\/span>/)
    // The last row loads the next ones after it, with the same filters.
    const last = [...html.matchAll(/hx-get="(\/pensioncompany\/rows\/(\d+)\/[^"]*)"/g)]
    expect(last).toHaveLength(1)
    const more = await (await clerk.get(last[0]![1]!)).text()
    const moreNames = [...more.matchAll(nameCell)].map((m) => m[1])
    expect(moreNames).toEqual(ordered.slice(20).map((r) => r.name))
    expect(more).not.toContain("<html")
    expect((await clerk.get("/pensioncompany/rows/999999/")).status).toBe(404)
  })

  it("searches name and reg.nr. as you type (htmx gets the rows only) and filters on the agreement", async () => {
    const rows = await rowsOf(clerk, "/pensioncompany/?search=pension")
    expect(rows).toContain("PFA Pension")
    expect(rows).toContain("Danica Pension")
    expect(rows).not.toContain("Ærø Bank")
    const byRes = await rowsOf(clerk, "/pensioncompany/?search=3111")
    expect(byRes).toContain("Ærø Bank")
    expect(byRes).not.toContain("PFA Pension")
    const none = await rowsOf(clerk, "/pensioncompany/?search=findes-ikke")
    expect(none).toContain("Ingen pensionsselskaber fundet")
    const withAgreement = await rowsOf(clerk, "/pensioncompany/?agreement=with")
    expect(withAgreement).toContain("Danica Pension")
    expect(withAgreement).not.toContain("PFA Pension")
    const without = await rowsOf(clerk, "/pensioncompany/?agreement=without&search=pension")
    expect(without).toContain("PFA Pension")
    expect(without).not.toContain("Danica Pension")
  })

  it("edit: bad input shows each Danish message, changes nothing; a valid edit saves fields and PDF", async () => {
    const path = `/pensioncompany/${seed.pfa}/edit/`
    const form = await (await clerk.get(path)).text()
    expect(form).toContain('name="name"')
    expect(form).toContain('value="PFA Pension"')
    expect(form).toContain("Identificerende nummer (reg.nr. for banker, se-nr for pensionsselskaber)")
    expect(form).toContain("Foreligger der en aftale med skattestyrelsen")
    const before = await companyRow(seed.pfa)

    const bad = await postMultipart(
      clerk,
      path,
      { res: "12a", name: " ", email: "ikke-en-adresse" },
      { name: "aftale.pdf", content: PNG, type: "application/pdf" }
    )
    expect(bad.status).toBe(400)
    const html = await bad.text()
    expect(html).toContain("Reg.nr. skal være et helt tal på mindst 1")
    expect(html).toContain("Dette felt er påkrævet")
    expect(html).toContain("Indtast en gyldig e-mailadresse")
    expect(html).toContain("Filen aftale.pdf har en filtype, der ikke er tilladt (kun PDF)")
    // A PDF named .png, a reg.nr. another company has, an empty file, a file over 10 MB.
    const taken = await postMultipart(
      clerk,
      path,
      { res: "28888", name: "PFA" },
      { name: "aftale.png", content: PDF, type: "image/png" }
    )
    expect(taken.status).toBe(400)
    const takenHtml = await taken.text()
    expect(takenHtml).toContain("Et andet pensionsselskab har allerede dette reg.nr.")
    expect(takenHtml).toContain("Filen aftale.png har en filtype, der ikke er tilladt (kun PDF)")
    const empty = await postMultipart(clerk, path, { name: "PFA" }, { name: "tom.pdf", content: Buffer.alloc(0) })
    expect(empty.status).toBe(400)
    expect(await empty.text()).toContain("Den indsendte fil er tom")
    const big = Buffer.concat([PDF, Buffer.alloc(10 * 1024 * 1024)])
    const tooBig = await postMultipart(clerk, path, { name: "PFA" }, { name: "stor.pdf", content: big })
    expect(tooBig.status).toBe(400)
    expect(await tooBig.text()).toContain("Filen stor.pdf er for stor (højst 10 MB)")
    expect(await companyRow(seed.pfa)).toEqual(before)
    // CSRF is checked for the multipart form too.
    const forged = new FormData()
    forged.set("name", "Forfalsket")
    expect((await clerk.request(path, { method: "POST", body: forged })).status).toBe(403)

    const saved = await postMultipart(
      clerk,
      path,
      {
        res: "19998",
        name: "PFA Pension A/S",
        address: "Sundkrogsgade 4, 2100 København Ø",
        email: "kas@pfa.dk",
        phone: "+45 39 17 50 00",
        agreement_present: "true"
      },
      { name: "Aftale PFA – 2022 (endelig).pdf", content: PDF }
    )
    expect(saved.status).toBe(302)
    expect(saved.headers.get("location")).toBe(path)
    const after = await companyRow(seed.pfa)
    expect(after).toMatchObject({
      name: "PFA Pension A/S",
      res: 19998,
      address: "Sundkrogsgade 4, 2100 København Ø",
      email: "kas@pfa.dk",
      phone: "+45 39 17 50 00",
      agreement_present: true
    })
    expect(after?.agreement_file_id).not.toBeNull()
    const page = await (await clerk.get(path)).text()
    expect(page).toContain("Pensionsselskabet PFA Pension A/S blev opdateret.")
    expect(page).toContain("Tilbage til liste med pensionsselskaber")
    // The list shows the file icon; the download names the file as RFC 6266 says.
    expect(await (await clerk.get("/pensioncompany/?search=PFA")).text()).toContain(
      `href="/pensioncompany/${seed.pfa}/agreement/"`
    )
    const download = await clerk.get(`/pensioncompany/${seed.pfa}/agreement/`)
    expect(download.status).toBe(200)
    expect(download.headers.get("content-type")).toBe("application/pdf")
    expect(download.headers.get("content-disposition")).toBe(
      `attachment; filename="Aftale PFA _ 2022 (endelig).pdf"; ` +
        `filename*=UTF-8''Aftale%20PFA%20%E2%80%93%202022%20%28endelig%29.pdf`
    )
    expect(Buffer.from(await download.arrayBuffer()).equals(PDF)).toBe(true)
    // A new file replaces the old one, which is deleted.
    const oldFile = after!.agreement_file_id
    await postMultipart(
      clerk,
      path,
      { res: "19998", name: "PFA Pension A/S", agreement_present: "true" },
      {
        name: "ny.pdf",
        content: PDF
      }
    )
    expect((await companyRow(seed.pfa))?.agreement_file_id).not.toBe(oldFile)
    expect(await query(web.databaseUrl, "select 1 from kas.file where id = $1", [oldFile])).toHaveLength(0)
    expect((await clerk.get(`/pensioncompany/${seed.danica}/agreement/`)).status).toBe(404)
  })

  it("merge: form messages change nothing; the job moves policies, notes, history, files, recalculates", async () => {
    const { target, dupA, dupB } = seed
    const moved = await policy(seed.pty, dupA, "M-1", 10000)
    const moved2 = await policy(seed.otherPty, dupB, "M-2", 2000)
    const note = await one(
      "insert into kas.note (person_tax_year_id, policy_tax_year_id, author_id, content) values ($1, $2, 1, 'Ring') " +
        "returning id",
      [seed.pty, moved]
    )
    // A stale stored tax: the merge's recalculation must correct it.
    await query(web.databaseUrl, "update kas.policy_tax_year set calculated_result = 0 where id = any($1)", [
      [moved, moved2]
    ])
    const file = await query<{ id: string }>(
      web.databaseUrl,
      `insert into kas.file (kind, folder, name, size, content) values ('company_summary', 'company_summary/2022',
       'a.csv', 1, 'x') returning id`
    )
    const summary = await one(
      `insert into kas.company_summary_file (pension_company_id, tax_year_id, file_id) values ($1, $2, $3)
       returning id`,
      [dupA, seed.taxYear, file[0]!.id]
    )
    const count = async () =>
      (
        await query<{ n: number }>(
          web.databaseUrl,
          "select count(*)::int as n from kas.pension_company where id = any($1)",
          [[target, dupA, dupB]]
        )
      )[0]!.n

    const noTarget = await clerk.post("/pensioncompany/", { to_be_merged: String(dupA) })
    expect(noTarget.status).toBe(400)
    expect(await noTarget.text()).toContain("Vælg det pensionsselskab, der skal flettes ind i")
    const self = await clerk.request("/pensioncompany/", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams([
        ["csrfmiddlewaretoken", await clerk.csrf("/pensioncompany/")],
        ["target", String(target)],
        ["to_be_merged", String(dupA)],
        ["to_be_merged", String(target)]
      ])
    })
    expect(self.status).toBe(400)
    const selfHtml = await self.text()
    expect(selfHtml).toContain("Du kan ikke flette Mål Pension ind i sig selv")
    // The choices are kept.
    expect(selfHtml).toMatch(new RegExp(`value="${dupA}" id="mark-${dupA}" checked`))
    expect(selfHtml).toContain(`<option value="${target}" selected>`)
    const noneMarked = await clerk.post("/pensioncompany/", { target: String(target) })
    expect(noneMarked.status).toBe(400)
    expect(await noneMarked.text()).toContain("Vælg mindst ét pensionsselskab at flette")
    expect(await count()).toBe(3)
    expect(await query(web.databaseUrl, "select 1 from jobs.job where type = 'MergeCompanies'")).toHaveLength(0)

    // A user without job.view returns to the list; an administrator is taken to the job.
    const body = new URLSearchParams([
      ["csrfmiddlewaretoken", await admin.csrf("/pensioncompany/")],
      ["target", String(target)],
      ["to_be_merged", String(dupA)],
      ["to_be_merged", String(dupB)]
    ])
    const started = await admin.request("/pensioncompany/", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body
    })
    expect(started.status).toBe(302)
    const jobId = /^\/worker\/job\/([0-9a-f-]{36})\/$/.exec(started.headers.get("location") ?? "")?.[1]
    expect(jobId).toBeDefined()
    const job = await worker.ended(jobId!)
    expect(job.status, job.failure).toBe("finished")
    expect(job.createdBy).toBe("admin")
    expect(job.arguments).toEqual({ target, to_be_merged: [dupA, dupB] })
    expect(job.result).toEqual({ status: "Færdig", message: "Flyttede 2 policer og flettede 2 pensionsselskaber." })

    expect(await count()).toBe(1)
    const policies = await query<{ id: number; pension_company_id: number; calculated_result: string }>(
      web.databaseUrl,
      "select id, pension_company_id, calculated_result from kas.policy_tax_year where id = any($1) order by id",
      [[moved, moved2]]
    )
    expect(policies).toEqual([
      { id: moved, pension_company_id: target, calculated_result: "1530" },
      { id: moved2, pension_company_id: target, calculated_result: "306" }
    ])
    expect(await query(web.databaseUrl, "select policy_tax_year_id from kas.note where id = $1", [note])).toEqual([
      { policy_tax_year_id: moved }
    ])
    const history = await query<{ history_type: string; change_reason: string; history_user: string; company: number }>(
      web.databaseUrl,
      `select history_type, change_reason, history_user, (snapshot->>'pension_company_id')::int as company
       from kas.history where entity_type = 'PolicyTaxYear' and entity_id = $1 order by history_id`,
      [String(moved)]
    )
    expect(history[0]).toMatchObject({ history_type: "+", company: dupA })
    expect(history.at(-1)).toEqual({
      history_type: "~",
      change_reason: "Genberegning ved fletning af pensionsselskaber",
      history_user: "admin",
      company: target
    })
    expect(
      await query(web.databaseUrl, "select pension_company_id from kas.company_summary_file where id = $1", [summary])
    ).toEqual([{ pension_company_id: target }])
  })

  it("merge: conflicting policies fail the job with the conflicts listed, and nothing changes", async () => {
    const a = await company("Konflikt A", 50001)
    const b = await company("Konflikt B", 50002)
    const pa = await policy(seed.pty, a, "K-1", 1000)
    const pb = await policy(seed.pty, b, "K-1", 2000)
    const started = await clerk.request("/pensioncompany/", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams([
        ["csrfmiddlewaretoken", await clerk.csrf("/pensioncompany/")],
        ["target", String(a)],
        ["to_be_merged", String(b)]
      ])
    })
    expect(started.status).toBe(302)
    expect(started.headers.get("location")).toBe("/pensioncompany/")
    expect(await (await clerk.get("/pensioncompany/")).text()).toContain(
      "Fletningen af pensionsselskaberne er startet."
    )
    const [row] = await query<{ id: string }>(
      web.databaseUrl,
      "select id from jobs.job where type = 'MergeCompanies' and created_by = 'sagsbehandler'"
    )
    const job = await worker.ended(row!.id)
    expect(job.status).toBe("failed")
    expect(job.result).toEqual({
      error: "Fletningen ville give to policer med samme policenummer for samme person og år:\n0303031234 2022 K-1"
    })
    expect(
      await query(
        web.databaseUrl,
        "select id, pension_company_id from kas.policy_tax_year where id = any($1) order by id",
        [[pa, pb]]
      )
    ).toEqual([
      { id: pa, pension_company_id: a },
      { id: pb, pension_company_id: b }
    ])
    expect(
      await query(web.databaseUrl, "select id from kas.pension_company where id = any($1) order by id", [[a, b]])
    ).toHaveLength(2)
  })
})
