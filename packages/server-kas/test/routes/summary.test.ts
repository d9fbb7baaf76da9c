import ExcelJS from "exceljs"
import { Database, Recalculation } from "@kas/core"
import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { GeneratePensionCompanySummaryJob, GenerateTotalPensionCompanySummaryJob } from "../../src/jobs/summaryJobs.js"
import { query } from "../restFixtures.js"
import { Browser, type KasWeb, startKasWeb } from "../support.js"
import { startTestWorker, type TestWorker } from "../support/jobWorker.js"

/**
 * Policy summaries (staff-web.md §15) over HTTP: access, the page with its running jobs and files, the two jobs run
 * by a worker in this process, the CSV and XLSX checked cell by cell for a fixed data set, and the logged downloads.
 */

let web: KasWeb
let worker: TestWorker | undefined
let clerk: Browser

const YEAR = 2021
const one = async (text: string, values: ReadonlyArray<unknown> = []) =>
  (await query<{ id: number }>(web.databaseUrl, text, values))[0]!.id

interface Seed {
  readonly alfa: number
  readonly beta: number
  readonly gamma: number
  readonly delta: number
}
let seed: Seed

/**
 * 2020 and 2021. Alfa Pension (11111): Carl's A-1 (2020 loss 1 000, 2021 5 000 with 100 prepaid), Carl's A-2 (600: a
 * tax of 91, under 100), Dorte's inactive A-3 (10 000). Beta Liv (22222, agreement): Dorte's B-1 (20 000, 500 foreign
 * tax), Erik's B-2 (3 650 over 200 of 365 days). Gamma Bank: a policy in 2020 only. Delta: no policies.
 */
const seedSummaries = async () => {
  const y2020 = await one("insert into kas.tax_year (year, year_part) values (2020, 'ligning') returning id")
  const y2021 = await one("insert into kas.tax_year (year, year_part) values (2021, 'ligning') returning id")
  const company = (name: string, res: number, agreement = false) =>
    one("insert into kas.pension_company (name, res, agreement_present) values ($1, $2, $3) returning id", [
      name,
      res,
      agreement
    ])
  const alfa = await company("Alfa Pension", 11111)
  const beta = await company("Beta Liv", 22222, true)
  const gamma = await company("Gamma Bank", 33333)
  const delta = await company("Delta", 44444)
  const person = (cpr: string, name: string) =>
    one("insert into kas.person (cpr, name) values ($1, $2) returning id", [cpr, name])
  const pty = (personId: number, taxYear: number, days: number) =>
    one("insert into kas.person_tax_year (tax_year_id, person_id, number_of_days) values ($1, $2, $3) returning id", [
      taxYear,
      personId,
      days
    ])
  const carl = await person("0101011111", "Carl")
  const dorte = await person("0202022222", "Dorte")
  const erik = await person("0303033333", "Erik")
  const carl20 = await pty(carl, y2020, 366)
  const carl21 = await pty(carl, y2021, 365)
  const dorte21 = await pty(dorte, y2021, 365)
  const erik20 = await pty(erik, y2020, 366)
  const erik21 = await pty(erik, y2021, 200)
  const policy = (p: number, c: number, number: string, amount: number, extra: Record<string, unknown> = {}) =>
    one(
      `insert into kas.policy_tax_year (person_tax_year_id, pension_company_id, policy_number, prefilled_amount,
         preliminary_paid_amount, foreign_paid_amount_actual, active)
       values ($1, $2, $3, $4, $5, $6, $7) returning id`,
      [p, c, number, amount, extra.prepaid ?? 0, extra.foreign ?? 0, extra.active ?? true]
    )
  const ids = [
    await policy(carl20, alfa, "A-1", -1000),
    await policy(erik20, gamma, "G-1", 5000),
    await policy(carl21, alfa, "A-1", 5000, { prepaid: 100 }),
    await policy(carl21, alfa, "A-2", 600),
    await policy(dorte21, alfa, "A-3", 10000, { active: false }),
    await policy(dorte21, beta, "B-1", 20000, { foreign: 500 }),
    await policy(erik21, beta, "B-2", 3650)
  ]
  await Effect.runPromise(
    Effect.flatMap(Recalculation, (r) => r.recalculatePolicies(ids, "test")).pipe(
      Effect.provide(Recalculation.Default),
      Effect.provide(Database.layerFromUrl(web.databaseUrl, { maxConnections: 2 }))
    )
  )
  return { alfa, beta, gamma, delta }
}

beforeAll(async () => {
  web = await startKasWeb()
  seed = await seedSummaries()
  clerk = await new Browser(web.url).login("sagsbehandler")
}, 120_000)

afterAll(async () => {
  await worker?.stop()
  await web?.stop()
})

const page = `/tax_year/${YEAR}/company-summary/`
const jobsOfType = (type: string) =>
  query<{ id: string; arguments: unknown; created_by: string }>(
    web.databaseUrl,
    "select id, arguments, created_by from jobs.job where type = $1 order by created_at",
    [type]
  )
const ensureWorker = async () => {
  worker ??= await startTestWorker(web, [GeneratePensionCompanySummaryJob, GenerateTotalPensionCompanySummaryJob])
  return worker
}

describe("policy summaries", () => {
  it("anonymous → login, without summaryfile.add → 403, with it → 200; the newest year by default", async () => {
    const paths = [
      page,
      "/tax_year/latest/company-summary/",
      `/tax_year/${YEAR}/generate-company-summary/`,
      `/tax_year/${YEAR}/company-summary/1/`,
      `/tax_year/${YEAR}/total-company-summary/1/`
    ]
    for (const path of paths) {
      const anon = await new Browser(web.url).get(path)
      expect(anon.status, path).toBe(302)
      expect(anon.headers.get("location")).toContain("/login/?next=")
    }
    const service = await new Browser(web.url).login("borgerservice")
    for (const path of paths) expect((await service.get(path)).status, path).toBe(403)
    expect((await service.post(page, { pension_company: String(seed.alfa) }, { from: "/" })).status).toBe(403)
    expect(await jobsOfType(GeneratePensionCompanySummaryJob.key)).toHaveLength(0)

    const latest = await clerk.get("/tax_year/latest/company-summary/")
    expect(latest.status).toBe(302)
    expect(latest.headers.get("location")).toBe(page)
    expect((await clerk.get("/tax_year/latest/company-summary/?year=2020")).headers.get("location")).toBe(
      "/tax_year/2020/company-summary/"
    )
    const html = await (await clerk.get(page)).text()
    expect(html).toContain("Policeopsummering 2021")
    expect(html).toContain("Ingen filer")
    expect(html).toContain('href="/tax_year/latest/company-summary/"')
    expect((await clerk.get("/tax_year/1999/company-summary/")).status).toBe(404)
  })

  it("'Generér' refuses a missing or unknown company with its message and starts nothing", async () => {
    const missing = await clerk.post(page, { pension_company: "" })
    expect(missing.status).toBe(400)
    expect(await missing.text()).toContain("Vælg et pensionsselskab")
    const unknown = await clerk.post(page, { pension_company: "999999" })
    expect(unknown.status).toBe(400)
    expect(await unknown.text()).toContain("Pensionsselskabet findes ikke")
    expect(await jobsOfType(GeneratePensionCompanySummaryJob.key)).toHaveLength(0)
  })

  it("a company's CSV: listed as running, then as a file; every cell as §15.2 says; downloads logged", async () => {
    const started = await clerk.post(page, { pension_company: String(seed.alfa) })
    expect(started.status).toBe(302)
    expect(started.headers.get("location")).toBe(page)
    const [job] = await jobsOfType(GeneratePensionCompanySummaryJob.key)
    expect(job).toMatchObject({ arguments: { pension_company: seed.alfa, year: YEAR }, created_by: "sagsbehandler" })
    const running = await (await clerk.get(page)).text()
    expect(running).toContain("Generering af årssummationsfilen er startet.")
    expect(running).toContain('<h2 class="h5">Job kører</h2>')
    expect(running).toContain('id="running-jobs"')
    expect(running).toContain("Generering af årssummationsfil for et pensionsselskab: Alfa Pension (11111)")
    expect(running).toContain("Genindlæs siden")
    // Another year's page does not list it.
    expect(await (await clerk.get("/tax_year/2020/company-summary/")).text()).not.toContain('id="running-jobs"')

    const ended = await (await ensureWorker()).ended(job!.id)
    expect(ended.status, ended.failure).toBe("finished")
    expect(ended.result).toEqual({
      summary: [
        {
          label: "Årssummationsfil genereret",
          value: [
            { label: "Pensionsselskab", value: "Alfa Pension" },
            { label: "Årstal", value: YEAR }
          ]
        }
      ]
    })
    const html = await (await clerk.get(page)).text()
    expect(html).not.toContain('id="running-jobs"')
    const [file] = await query<{ id: number }>(web.databaseUrl, "select id from kas.company_summary_file")
    const href = `/tax_year/${YEAR}/company-summary/${file!.id}/`
    expect(html).toContain(`href="${href}"`)
    expect(html).toContain("aarssummation_2021_11111.csv")
    expect(html).toMatch(
      /<td>Alfa Pension \(11111\)<\/td><td>aarssummation_2021_11111\.csv<\/td><td>sagsbehandler<\/td>/
    )

    const download = await clerk.get(href)
    expect(download.status).toBe(200)
    expect(download.headers.get("content-type")).toBe("text/csv; charset=utf-8")
    expect(download.headers.get("content-disposition")).toBe(
      `attachment; filename="aarssummation_2021_11111.csv"; filename*=UTF-8''aarssummation_2021_11111.csv`
    )
    const text = Buffer.from(await download.arrayBuffer()).toString("utf8")
    expect(text.split("\r\n").map((line) => line.split(";"))).toEqual([
      [
        "Skatteår",
        "Reg.nr.",
        "Cpr.nr.",
        "Aftalenr.",
        "Afkast",
        "Modregnet negativt afkast tidl. år",
        "Beregningsgrundlag",
        "Forudbetaling",
        "Kapitalafkastskat",
        "Afregnet af Alfa Pension",
        "Bemærkninger"
      ],
      // 5 000 less last year's loss of 1 000: 4 000 × 0.153 = 612, less 100 prepaid.
      ["2021", "11111", "0101011111", "A-1", "5000", "1000", "4000", "100", "512", "", ""],
      // 600 × 0.153 = 91, under 100: shown as 0 with the remark.
      [
        "2021",
        "11111",
        "0101011111",
        "A-2",
        "600",
        "0",
        "600",
        "0",
        "0",
        "",
        "Kapitalafkastskat sat til 0kr., da den beregnede kapitalafkastskat 91kr. er under minimumsgrænsen på 100kr."
      ],
      // The inactive policy is included.
      ["2021", "11111", "0202022222", "A-3", "10000", "0", "10000", "0", "1530", "", ""],
      [""]
    ])

    // Every download is logged with the user, the time and the client address.
    await clerk.get(href)
    const log = await query<{ kind: string; user_id: number; ip_address: string; recent: boolean }>(
      web.databaseUrl,
      `select kind, user_id, ip_address, downloaded_at > now() - interval '1 hour' as recent
       from kas.summary_file_download where file_id = $1 order by id`,
      [file!.id]
    )
    const [user] = await query<{ id: number }>(
      web.databaseUrl,
      "select id from web.users where username = 'sagsbehandler'"
    )
    expect(log).toHaveLength(2)
    for (const entry of log) {
      expect(entry).toMatchObject({ kind: "company", user_id: user!.id, recent: true })
      expect(entry.ip_address).toMatch(/127\.0\.0\.1$/)
    }
    // Another year's path, or the other kind's path, is not this file.
    expect((await clerk.get(`/tax_year/2020/company-summary/${file!.id}/`)).status).toBe(404)
    expect((await clerk.get(`/tax_year/${YEAR}/total-company-summary/${file!.id}/`)).status).toBe(404)
  })

  it("the all-company XLSX: one row per company with policies in the year, the sums of §15.3", async () => {
    const started = await clerk.get(`/tax_year/${YEAR}/generate-company-summary/`)
    expect(started.status).toBe(302)
    expect(started.headers.get("location")).toBe(page)
    const [job] = await jobsOfType(GenerateTotalPensionCompanySummaryJob.key)
    const ended = await (await ensureWorker()).ended(job!.id)
    expect(ended.status, ended.failure).toBe("finished")
    expect(ended.result).toEqual({
      summary: [
        { label: "Årssummationsfil for alle pensionsselskaber genereret", value: [{ label: "Årstal", value: YEAR }] }
      ]
    })
    const html = await (await clerk.get(page)).text()
    const [file] = await query<{ id: number }>(web.databaseUrl, "select id from kas.total_summary_file")
    const href = `/tax_year/${YEAR}/total-company-summary/${file!.id}/`
    expect(html).toContain(`href="${href}"`)
    expect(html).toContain("Alle pensionsselskaber")
    const download = await clerk.get(href)
    expect(download.status).toBe(200)
    expect(download.headers.get("content-type")).toBe(
      "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    const workbook = new ExcelJS.Workbook()
    await workbook.xlsx.load(await download.arrayBuffer())
    const sheet = workbook.worksheets[0]!
    const rows: Array<Array<unknown>> = []
    sheet.eachRow((row) => rows.push((row.values as Array<unknown>).slice(1)))
    expect(rows).toEqual([
      [
        "Pensionskasse",
        "Antal",
        "Afkast",
        "Modregnet negativt afkast tidl. år",
        "Beregningsgrundlag",
        "Forudbetaling",
        "Kapitalafkastskat"
      ],
      // Carl and Dorte; 5 000 + 600 + 10 000; taxes 512 + 0 (91 under 100) + 1 530.
      ["Alfa Pension", 2, 15600, 1000, 14600, 100, 2042],
      // Dorte and Erik; 20 000 + trunc(3 650 × 200 / 365) = 2 000; 500 foreign tax paid; 2 560 + 306.
      ["Beta Liv", 2, 22000, 0, 22000, 500, 2866]
    ])
    const logged = await query(web.databaseUrl, "select 1 from kas.summary_file_download where kind = 'total'")
    expect(logged).toHaveLength(1)
  })

  it("the job pages offer the companies and years as selects; a posted start form starts the job", async () => {
    const admin = await new Browser(web.url).login("admin")
    const form = await (await admin.get("/worker/jobstart/GeneratePensionCompanySummary/")).text()
    expect(form).toContain('<select class="form-select" name="pension_company" id="f-pension_company">')
    expect(form).toContain(`<option value="${seed.alfa}">Alfa Pension (11111)</option>`)
    expect(form).toContain('<select class="form-select" name="year" id="f-year">')
    expect(form).toContain('<option value="2021">2021</option><option value="2020">2020</option>')
    const before = (await jobsOfType(GeneratePensionCompanySummaryJob.key)).length
    const path = "/worker/jobstart/GeneratePensionCompanySummary/"
    const missing = await admin.post(path, { pension_company: "", year: "2021" })
    expect(missing.status).toBe(400)
    expect(await missing.text()).toContain(`<option value="${seed.beta}">Beta Liv (22222)</option>`)
    const started = await admin.post(path, { pension_company: String(seed.beta), year: "2021" })
    expect(started.status).toBe(302)
    const jobs = await jobsOfType(GeneratePensionCompanySummaryJob.key)
    expect(jobs).toHaveLength(before + 1)
    expect(jobs.at(-1)).toMatchObject({ arguments: { pension_company: seed.beta, year: 2021 }, created_by: "admin" })
    const total = await (await admin.get("/worker/jobstart/GenerateTotalPensionCompanySummary/")).text()
    expect(total).toContain('<option value="2021">2021</option>')
    expect(total).not.toContain('name="pension_company"')
  })

  it("an unknown year's 'Generér årssummationsfil' leads to the newest year and starts nothing", async () => {
    const before = (await jobsOfType(GenerateTotalPensionCompanySummaryJob.key)).length
    const res = await clerk.get("/tax_year/2035/generate-company-summary/")
    expect(res.status).toBe(302)
    expect(res.headers.get("location")).toBe(page)
    expect(await jobsOfType(GenerateTotalPensionCompanySummaryJob.key)).toHaveLength(before)
  })
})
