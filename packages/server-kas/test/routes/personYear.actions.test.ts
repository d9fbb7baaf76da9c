import { Database, FileStore, RepresentationTokens } from "@kas/core"
import { ImportMandtal, layerMock } from "@kas/eskat"
import { JobRegistry, JobStore, Worker } from "@kas/jobs"
import { Effect, Layer } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { ImportMandtalJob } from "../../src/jobs/importJobs.js"
import { query } from "../restFixtures.js"
import { type StaffFixture, seedStaff, YEAR } from "../staffFixtures.js"
import { Browser, createStaffUser, type KasWeb, startKasWeb } from "../support.js"

/**
 * The actions of the person-year page (staff-web.md §6.2, §6.4, §8.5, §16) over HTTP: "Opret ny police", the census
 * refresh through the import job with its waiting page and three outcomes, and representing the citizen.
 */

let web: KasWeb
let fx: StaffFixture
let clerk: Browser

beforeAll(async () => {
  web = await startKasWeb()
  fx = await seedStaff(web.databaseUrl)
  clerk = await new Browser(web.url).login("sagsbehandler")
}, 120_000)
afterAll(() => web?.stop())

const annaPage = () => `/tax_year/${YEAR}/persons/${fx.anna.person}/`
const createPath = () => `/tax_year/${YEAR}/persons/${fx.anna.person}/policy/`
const policiesOf = (pty: number) =>
  query<{ id: number; number: string; self_reported: number; tax: number; active_amount: number }>(
    web.databaseUrl,
    `select id, policy_number as number, self_reported_amount::int as self_reported, calculated_result::int as tax,
      active_amount from kas.policy_tax_year where person_tax_year_id = $1 order by id`,
    [pty]
  )

/** Runs the queued census jobs with a real worker on the mock eSkat source until `jobId` has ended. */
const runWorkerUntil = (jobId: string) => {
  const registry = JobRegistry.make<ImportMandtal>([ImportMandtalJob])
  const layer = Layer.mergeAll(ImportMandtal.Default.pipe(Layer.provide(layerMock)), JobStore.Default).pipe(
    Layer.provideMerge(Database.layerFromUrl(web.databaseUrl, { maxConnections: 3 }))
  )
  return Effect.runPromise(
    Worker.start({ registry, pollInterval: "100 millis", progressInterval: "50 millis" }).pipe(
      Effect.zipRight(Effect.flatMap(JobStore, (s) => s.awaitEnded([jobId], "100 millis"))),
      Effect.scoped,
      Effect.provide(layer)
    )
  )
}

describe("person-year actions", () => {
  it("permissions: anonymous → login; without the permission → 403; the actions shown by permission", async () => {
    await createStaffUser(web, "ingen")
    const none = await new Browser(web.url).login("ingen")
    const service = await new Browser(web.url).login("borgerservice")
    for (const path of [createPath(), "/represent-stop/"]) {
      const anon = await new Browser(web.url).get(path)
      expect(anon.status).toBe(302)
      expect(anon.headers.get("location")).toContain("/login/?next=")
      expect((await none.get(path)).status).toBe(403)
      expect((await service.get(path)).status).toBe(403)
    }
    for (const path of [`/persontaxyear/${fx.anna.pty}/update_mandtal/`, `/person/${fx.anna.person}/represent/`]) {
      expect((await new Browser(web.url).post(path, {}, { csrf: false })).status).toBe(403)
      expect((await service.post(path, {}, { from: annaPage() })).status).toBe(403)
    }
    const wait = `/wait_for_mandtal_update/${crypto.randomUUID()}/`
    expect((await new Browser(web.url).get(wait)).headers.get("location")).toContain("/login/?next=")
    expect((await service.get(wait)).status).toBe(403)
    expect((await clerk.get(wait)).status).toBe(404)
    expect((await clerk.get("/wait_for_mandtal_update/not-a-uuid/")).status).toBe(404)

    const read = await (await service.get(annaPage())).text()
    for (const action of ["Opdater data fra mandtal", "Opret ny police", "Repræsentér borger"]) {
      expect(read).not.toContain(action)
    }
    const html = await (await clerk.get(annaPage())).text()
    expect(html).toContain(`action="/persontaxyear/${fx.anna.pty}/update_mandtal/"`)
    expect(html).toContain(`href="${createPath()}"`)
    expect(html).toContain(`action="/person/${fx.anna.person}/represent/"`)
  })

  it("Opret ny police: Danish messages change nothing; a valid policy is created, calculated and audited", async () => {
    const form = await clerk.get(createPath())
    expect(form.status).toBe(200)
    expect(await form.text()).toContain(`<option value="${fx.companyPfa}">PFA Pension (19999)</option>`)
    expect((await clerk.get(`/tax_year/1999/persons/${fx.anna.person}/policy/`)).status).toBe(404)
    const before = await policiesOf(fx.anna.pty)
    for (const [fields, message] of [
      [{ company: "", policy_number: "N-1", self_reported_amount: "100" }, "Vælg et pensionsselskab"],
      [{ company: "999999", policy_number: "N-1", self_reported_amount: "100" }, "Vælg et pensionsselskab"],
      [
        { company: String(fx.companyPfa), policy_number: " ", self_reported_amount: "100" },
        "Policenummer skal udfyldes"
      ],
      [
        { company: String(fx.companyPfa), policy_number: "x".repeat(41), self_reported_amount: "100" },
        "Policenummeret må højst være 40 tegn"
      ],
      [{ company: String(fx.companyPfa), policy_number: "N-1", self_reported_amount: "" }, "Dette felt er påkrævet"],
      [
        { company: String(fx.companyPfa), policy_number: "N-1", self_reported_amount: "1,5" },
        "Indtast et helt beløb i kroner"
      ],
      [
        { company: String(fx.companyPfa), policy_number: " A-1 ", self_reported_amount: "100" },
        "En police med disse oplysninger findes allerede"
      ]
    ] as const) {
      const bad = await clerk.post(createPath(), fields)
      expect(bad.status).toBe(400)
      expect(await bad.text()).toContain(message)
    }
    expect(await policiesOf(fx.anna.pty)).toEqual(before)

    const res = await clerk.post(createPath(), {
      company: String(fx.companyDanica),
      policy_number: " N-1 ",
      self_reported_amount: "10.000"
    })
    expect(res.status).toBe(302)
    const created = (await policiesOf(fx.anna.pty)).find((p) => p.number === "N-1")!
    expect(res.headers.get("location")).toBe(
      `/tax_year/${YEAR}/persons/${fx.anna.person}/policies/#policy_${created.id}`
    )
    // Self-reported amounts are not day-adjusted: floor(10 000 × 0.153) = 1 530.
    expect(created).toMatchObject({ self_reported: 10000, tax: 1530, active_amount: 3 })
    const history = await query<{ history_user: string; history_type: string; change_reason: string }>(
      web.databaseUrl,
      `select history_user, history_type, change_reason from kas.history
       where entity_type = 'PolicyTaxYear' and entity_id = $1 order by history_id`,
      [String(created.id)]
    )
    expect(history).toEqual([
      { history_user: "sagsbehandler", history_type: "+", change_reason: "Genberegning ved oprettelse af police" }
    ])
  })

  it("census refresh: the job, the htmx-polled waiting page, the finished, failed and timed-out outcomes", async () => {
    const start = await clerk.post(`/persontaxyear/${fx.anna.pty}/update_mandtal/`, {}, { from: annaPage() })
    expect(start.status).toBe(302)
    const wait = start.headers.get("location")!
    const jobId = /^\/wait_for_mandtal_update\/([0-9a-f-]{36})\/$/.exec(wait)![1]!
    const [job] = await query<{ type: string; created_by: string; arguments: unknown }>(
      web.databaseUrl,
      "select type, created_by, arguments from jobs.job where id = $1",
      [jobId]
    )
    expect(job).toEqual({
      type: "ImportMandtalJob",
      created_by: "sagsbehandler",
      arguments: { year: YEAR, cpr: "1802602810" }
    })
    const page = await (await clerk.get(wait)).text()
    expect(page).toContain("Venter på opdatering af mandtal")
    expect(page).toContain(`hx-get="${wait}?poll=1" hx-trigger="every 2s"`)
    const poll = await clerk.get(`${wait}?poll=1`)
    expect(poll.status).toBe(200)
    expect(poll.headers.get("hx-redirect")).toBeNull()
    expect(await poll.text()).toContain('id="census-wait"')

    // Finished: the poll sends the browser back to the person-year page, which shows the message once.
    const ended = await runWorkerUntil(jobId)
    expect(ended[0]!.status).toBe("finished")
    const done = await clerk.get(`${wait}?poll=1`)
    expect(done.headers.get("hx-redirect")).toBe(annaPage())
    const back = await (await clerk.get(annaPage())).text()
    expect(back).toContain('id="flash">Mandtal opdateret</div>')
    expect(await (await clerk.get(annaPage())).text()).not.toContain('id="flash"')

    // Still unfinished after 60 seconds: "Tidsfrist udløbet".
    const second = (
      await clerk.post(`/persontaxyear/${fx.anna.pty}/update_mandtal/`, {}, { from: annaPage() })
    ).headers.get("location")!
    const secondId = second.split("/")[2]!
    await query(web.databaseUrl, "update jobs.job set created_at = now() - interval '61 seconds' where id = $1", [
      secondId
    ])
    expect((await clerk.get(`${second}?poll=1`)).headers.get("hx-redirect")).toBe(second)
    const timeout = await (await clerk.get(second)).text()
    expect(timeout).toContain("Tidsfrist udløbet")
    expect(timeout).toContain("Det lykkedes ikke at opdatere mandtal inden for 60 sekunder.")
    expect(timeout).toContain(`<a href="${annaPage()}">Klik her for at vende tilbage til personskatteåret.</a>`)

    // Failed (here: cancelled): back with "Opdatering af mandtal fejlede".
    await web.runtime.runPromise(Effect.flatMap(JobStore, (s) => s.cancel(secondId)))
    const failed = await clerk.get(second)
    expect(failed.status).toBe(302)
    expect(failed.headers.get("location")).toBe(annaPage())
    expect(await (await clerk.get(annaPage())).text()).toContain('id="flash">Opdatering af mandtal fejlede</div>')
  })

  it("Repræsentér borger hands a token to self-service; while used, the page offers to end it", async () => {
    const res = await clerk.post(`/person/${fx.anna.person}/represent/`, {}, { from: annaPage() })
    expect(res.status).toBe(200)
    const html = await res.text()
    const token = /name="token" value="([A-Za-z0-9]{64})"/.exec(html)![1]!
    expect(html).toContain(`action="${web.settings.representationStart}"`)
    // Self-service exchanges it (selvbetjening.md §16.6): the representation is live.
    await web.runtime.runPromise(Effect.flatMap(RepresentationTokens, (r) => r.exchange(token, 60)))
    const page = await (await clerk.get(annaPage())).text()
    expect(page).toContain("Du er logget ind i selvbetjening på vegne af 180260-2810")
    expect(page).not.toContain(`action="/person/${fx.anna.person}/represent/"`)
    expect(page.match(/href="\/represent-stop\/"/g)?.length).toBe(2)
    const stop = await clerk.get("/represent-stop/")
    expect(stop.status).toBe(302)
    expect(stop.headers.get("location")).toBe(annaPage())
    const after = await (await clerk.get(annaPage())).text()
    expect(after).not.toContain("Du er logget ind i selvbetjening")
    expect(after).toContain(`action="/person/${fx.anna.person}/represent/"`)
    // Without a token the stop goes to the search.
    expect((await clerk.get("/represent-stop/")).headers.get("location")).toBe("/")
  })

  it("Hent selvangivelse PDF: taxslip.view; offered and downloadable when the person-year has a tax slip", async () => {
    const pdf = `/tax_year/${YEAR}/persons/${fx.anna.person}/pdf/`
    const anon = await new Browser(web.url).get(pdf)
    expect(anon.headers.get("location")).toContain("/login/?next=")
    expect((await (await new Browser(web.url).login("ingen")).get(pdf)).status).toBe(403)
    expect((await clerk.get(pdf)).status).toBe(404)
    expect(await (await clerk.get(annaPage())).text()).not.toContain("Hent selvangivelse PDF")

    const fileId = await web.runtime.runPromise(
      Effect.flatMap(FileStore, (f) =>
        f.put({
          kind: "tax_slip",
          year: YEAR,
          name: "x.pdf",
          contentType: "application/pdf",
          content: new TextEncoder().encode("%PDF-1.4 selvangivelse")
        })
      )
    )
    const [{ id: slip }] = await query<{ id: number }>(
      web.databaseUrl,
      "insert into kas.tax_slip (person_tax_year_id, file_id) values ($1, $2) returning id",
      [fx.anna.pty, fileId]
    )
    await query(web.databaseUrl, "update kas.person_tax_year set tax_slip_id = $1 where id = $2", [slip, fx.anna.pty])
    expect(await (await clerk.get(annaPage())).text()).toContain(
      `href="${pdf}" id="tax-slip">Hent selvangivelse PDF</a>`
    )
    // Borgerservice reads tax slips too (taxslip.view).
    const res = await (await new Browser(web.url).login("borgerservice")).get(pdf)
    expect(res.status).toBe(200)
    expect(res.headers.get("content-type")).toBe("application/pdf")
    expect(res.headers.get("content-disposition")).toContain(`selvangivelse_${YEAR}_1802602810.pdf`)
    expect(await res.text()).toBe("%PDF-1.4 selvangivelse")
  })
})
