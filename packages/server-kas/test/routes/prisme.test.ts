import { Prisme10QBatches, SystemUsers, TenQ } from "@kas/core"
import { JobStore } from "@kas/jobs"
import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { yearWithStatements } from "../prismeFixtures.js"
import { Browser, type KasWeb, startKasWeb } from "../support.js"

/** The Prisme 10Q batch pages (staff-web.md §12) over HTTP, in development (destinations: development, mocking). */

let web: KasWeb
let admin: Browser
let batchId: number
let content: string

beforeAll(async () => {
  web = await startKasWeb()
  admin = await new Browser(web.url).login("admin")
  const generated = await web.runtime.runPromise(
    Effect.gen(function* () {
      const yearId = yield* yearWithStatements(2035, 17)
      const createdById = yield* (yield* SystemUsers).idOf("regnskab")
      const batches = yield* Prisme10QBatches
      const result = yield* batches.generateForYear(yearId, {
        createdById,
        tenQ: TenQ.renderer({ projectId: "KAS" })
      })
      return { id: result.batch!.id, content: yield* batches.content(result.batch!.id) }
    }).pipe(Effect.provide(SystemUsers.Default))
  )
  batchId = generated.id
  content = generated.content
}, 120_000)
afterAll(() => web?.stop())

const page = (path: string) => `/prisme/batch/${batchId}/${path}`

describe("Prisme batch pages", () => {
  it("anonymous → login; batch.view to read, batch.send to send; unknown batch → 404", async () => {
    const anon = await new Browser(web.url).get("/prisme/batch/")
    expect(anon.status).toBe(302)
    expect(anon.headers.get("location")).toContain("/login/?next=")
    const council = await new Browser(web.url).login("skatteraad")
    expect((await council.get("/prisme/batch/")).status).toBe(200)
    const detail = await (await council.get(page(""))).text()
    expect(detail).not.toContain('id="send"')
    expect((await council.get(page("send"))).status).toBe(403)
    expect((await admin.get("/prisme/batch/999999/")).status).toBe(404)
    expect((await admin.get("/prisme/batch/abc/")).status).toBe(404)
    expect((await admin.get("/prisme/batch/999999/download")).status).toBe(404)
  })

  it("lists the batches and shows one with its active transactions, 15 a page", async () => {
    const list = await (await admin.get("/prisme/batch/")).text()
    expect(list).toContain("Prisme-overførsler")
    expect(list).toContain(`href="/prisme/batch/${batchId}/"`)
    expect(list).toMatch(/<td>regnskab<\/td>\s*<td>Ikke afsendt<\/td>/)
    const html = await (await admin.get(page(""))).text()
    expect(html).toMatch(/Prisme 10Q bunke \d\d-\d\d-\d{4} \d\d:\d\d \(Ikke afsendt\)/)
    expect(html).toContain('id="send"')
    expect(html).toContain(`href="${page("download")}"`)
    expect(html.match(/class="transaction-row"/g)?.length).toBe(15)
    expect(html).toContain('<td class="text-end">1.530</td>')
    const second = await (await admin.get(`${page("")}?page=2`)).text()
    expect(second.match(/class="transaction-row"/g)?.length).toBe(2)
    expect(html + second).toContain("010135-1000 P")
  })

  it("downloads the file as text with the spec's name", async () => {
    const res = await admin.get(page("download"))
    expect(res.status).toBe(200)
    expect(res.headers.get("content-type")).toMatch(/^text\/plain/)
    expect(res.headers.get("content-disposition")).toMatch(
      new RegExp(`attachment; filename="KAS_10Q__${batchId}__\\d\\d-\\d\\d-\\d\\d_\\d\\d_\\d\\d_\\d\\d\\.txt"`)
    )
    const body = await res.text()
    expect(body).toBe(content)
    expect(body.split("\r\n").length).toBe(17 * 2)
  })

  it("sends only to the destinations of the environment, then refuses a batch that is being delivered", async () => {
    const form = await (await admin.get(page("send"))).text()
    expect(form).toContain('<option value="10q_development" selected>Undervisningssystem</option>')
    expect(form).toContain('<option value="10q_mocking">Mocking</option>')
    expect(form).not.toContain("10q_production")
    // Without the CSRF token: refused, nothing started.
    expect((await admin.post(page("send"), { destination: "10q_mocking" }, { csrf: false })).status).toBe(403)
    const refused = await admin.post(page("send"), { destination: "10q_production" })
    expect(refused.status).toBe(400)
    expect(await refused.text()).toContain("Vælg en af de tilladte destinationer")
    const before = await web.runtime.runPromise(Effect.flatMap(JobStore, (s) => s.unfinishedOfType("SendBatch")))
    expect(before).toHaveLength(0)

    const sent = await admin.post(page("send"), { destination: "10q_mocking" })
    expect(sent.status).toBe(302)
    expect(sent.headers.get("location")).toBe(page(""))
    const jobs = await web.runtime.runPromise(
      Effect.flatMap(JobStore, (s) => s.unfinishedOfType("SendBatch", { pk: batchId }))
    )
    expect(jobs.map((j) => [j.arguments, j.createdBy])).toEqual([
      [{ pk: batchId, destination: "10q_mocking" }, "admin"]
    ])
    const html = await (await admin.get(page(""))).text()
    expect(html).toContain("(Afsender)")
    expect(html).toContain(`href="/worker/job/${jobs[0]!.id}/"`)
    expect(html).not.toContain('id="send"')
    const again = await admin.get(page("send"))
    expect(again.status).toBe(400)
    expect(await again.text()).toContain("Bunken kan ikke sendes, da den har status &#34;Afsender&#34;")
    expect((await admin.post(page("send"), { destination: "10q_mocking" }, { from: page("") })).status).toBe(400)
  })
})
