import pg from "pg"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { Browser, type KasWeb, startKasWeb } from "../support.js"

/** The /worker/ pages over HTTP: permissions, the start form, the list pages, the detail page and status JSON. */

let web: KasWeb
let client: pg.Client
let admin: Browser

const count = async () => (await client.query<{ n: number }>("select count(*)::int as n from jobs.job")).rows[0].n

beforeAll(async () => {
  web = await startKasWeb()
  client = new pg.Client({ connectionString: web.databaseUrl })
  await client.connect()
  admin = await new Browser(web.url).login("admin")
}, 120_000)

afterAll(async () => {
  await client?.end()
  await web?.stop()
})

describe("/worker/ permissions", () => {
  it("anonymous → login; without job.view / job.add → 403", async () => {
    const anon = new Browser(web.url)
    const res = await anon.get("/worker/jobs/")
    expect(res.status).toBe(302)
    expect(res.headers.get("location")).toBe("/accounts/login/?next=%2Fworker%2Fjobs%2F")
    const clerk = await new Browser(web.url).login("sagsbehandler")
    expect((await clerk.get("/worker/jobs/")).status).toBe(403)
    expect((await clerk.get("/worker/jobtypeselect/")).status).toBe(403)
    const administrator = await new Browser(web.url).login("administrator")
    expect((await administrator.get("/worker/jobs/")).status).toBe(200)
    expect((await administrator.get("/worker/jobtypeselect/")).status).toBe(200)
  })
})

describe("starting a job", () => {
  it("type select → form from the Schema; bad input gives Danish field errors and enqueues nothing", async () => {
    expect((await admin.get("/worker/")).headers.get("location")).toBe("/worker/jobs/")
    const select = await (await admin.get("/worker/jobtypeselect/")).text()
    expect(select).toContain('<option value="DemoSlowJob">Demo: langsomt job</option>')
    const chosen = await admin.post("/worker/jobtypeselect/", { job_type: "DemoSlowJob" })
    expect(chosen.headers.get("location")).toBe("/worker/jobstart/DemoSlowJob/")
    const form = await (await admin.get("/worker/jobstart/DemoSlowJob/")).text()
    expect(form).toContain("Sekunder")
    expect(form).toContain("Hvor længe jobbet kører (1–600 sekunder)")
    expect(form).toMatch(/name="seconds"[^>]*value="10"/)

    const before = await count()
    const zero = await admin.post("/worker/jobstart/DemoSlowJob/", { seconds: "0" })
    expect(zero.status).toBe(400)
    expect(await zero.text()).toContain("Antal sekunder skal være et helt tal mellem 1 og 600")
    const text = await admin.post("/worker/jobstart/DemoSlowJob/", { seconds: "ti" })
    expect(text.status).toBe(400)
    expect(await text.text()).toContain("Indtast et helt tal")
    expect(await count()).toBe(before)

    const ok = await admin.post("/worker/jobstart/DemoSlowJob/", { seconds: "5" })
    expect(ok.status).toBe(302)
    expect(ok.headers.get("location")).toBe("/worker/jobs/")
    const { rows } = await client.query(
      "select type, arguments, created_by, status from jobs.job order by created_at desc limit 1"
    )
    expect(rows[0]).toEqual({ type: "DemoSlowJob", arguments: { seconds: 5 }, created_by: "admin", status: "queued" })
  })

  it("an unknown type is a 404", async () => {
    expect((await admin.get("/worker/jobstart/NoSuchJob/")).status).toBe(404)
    expect((await admin.post("/worker/jobstart/NoSuchJob/", {}, { from: "/worker/jobtypeselect/" })).status).toBe(404)
  })
})

describe("the job list and detail pages", () => {
  it("lists top-level jobs newest first, 10 at a time, the next page requested when the last row shows", async () => {
    await client.query("delete from jobs.job")
    await client.query(`insert into jobs.job (type, title, created_by, created_at)
      select 'DemoSlowJob', 'Job ' || g, 'admin', now() - g * interval '1 minute' from generate_series(1, 25) g`)
    const parent = (await client.query<{ id: string }>("select id from jobs.job where title = 'Job 1'")).rows[0].id
    await client.query(
      "insert into jobs.job (type, title, created_by, parent_id) values ('DemoSlowJob', 'Barn', 'admin', $1)",
      [parent]
    )
    const page = await (await admin.get("/worker/jobs/")).text()
    const titles = (html: string) =>
      [...html.matchAll(/<a href="\/worker\/job\/[^"]+\/">([^<]+)<\/a>/g)].map((m) => m[1])
    expect(titles(page)).toEqual(Array.from({ length: 10 }, (_, i) => `Job ${i + 1}`))
    const last = page.match(/hx-get="\/worker\/joblist\/([^/]+)\/" hx-trigger="revealed"/)![1]
    const next = await (await admin.get(`/worker/joblist/${last}/`)).text()
    expect(titles(next)).toEqual(Array.from({ length: 10 }, (_, i) => `Job ${i + 11}`))
    const last2 = next.match(/hx-get="\/worker\/joblist\/([^/]+)\/"/)![1]
    const rest = await (await admin.get(`/worker/joblist/${last2}/`)).text()
    expect(titles(rest)).toEqual(Array.from({ length: 5 }, (_, i) => `Job ${i + 21}`))
    expect(rest).not.toContain("hx-trigger")
    expect((await admin.get("/worker/joblist/00000000-0000-0000-0000-000000000000/")).status).toBe(404)
    expect((await admin.get("/worker/joblist/not-a-uuid/")).status).toBe(404)
  })

  it("shows a failed job's cause, its children, and the status JSON", async () => {
    const { rows } = await client.query<{ id: string }>(`insert into jobs.job
      (type, created_by, status, progress, failure, started_at, ended_at, result)
      values ('DemoFailingJob', 'admin', 'failed', 20, 'RangeError: Division by zero\n    at demoJobs.ts:1:1',
        now() - interval '1 day 2 hours 3 minutes 4 seconds', now(), '{"error": "Noget gik galt"}') returning id`)
    const id = rows[0].id
    await client.query(
      `insert into jobs.job (type, title, created_by, parent_id, status)
       values ('DemoSlowJob', 'Underjob 1', 'admin', $1, 'finished')`,
      [id]
    )
    const html = await (await admin.get(`/worker/job/${id}/`)).text()
    expect(html).toContain("Demo: fejlende job")
    expect(html).toContain("Fejlet")
    expect(html).toContain("RangeError: Division by zero")
    expect(html).toContain("1 dage, 2 timer, 3 minutter, 4 sekunder")
    expect(html).toContain("Noget gik galt")
    expect(html).toContain("Underjob 1")
    expect(html).not.toContain('hx-trigger="every 2s"')
    const status = await (await admin.get(`/worker/job/${id}/status`)).json()
    expect(status).toMatchObject({
      status: "failed",
      status_label: "Fejlet",
      progress: 20,
      children: [{ title: "Underjob 1", status: "finished" }]
    })
    expect((await admin.get("/worker/job/00000000-0000-0000-0000-000000000000/")).status).toBe(404)
  })
})

describe("cancelling a job", () => {
  const statusOf = async (id: string) =>
    (
      await client.query<{ status: string; failure: string; claim_token: string | null; ended: boolean }>(
        "select status, failure, claim_token, ended_at is not null as ended from jobs.job where id = $1",
        [id]
      )
    ).rows[0]

  it("the detail page's Annuller cancels a queued job and its children; needs job.add and the CSRF token", async () => {
    const id = (
      await client.query<{ id: string }>(
        "insert into jobs.job (type, created_by) values ('DemoJobWithChildren', 'admin') returning id"
      )
    ).rows[0].id
    const child = (
      await client.query<{ id: string }>(
        `insert into jobs.job (type, created_by, parent_id, status) values ('DemoSlowJob', 'admin', $1, 'deferred')
         returning id`,
        [id]
      )
    ).rows[0].id
    const page = await (await admin.get(`/worker/job/${id}/`)).text()
    expect(page).toContain(`action="/worker/job/${id}/cancel/"`)
    expect(page).toContain(">Annuller</button>")

    expect((await admin.post(`/worker/job/${id}/cancel/`, {}, { csrf: false })).status).toBe(403)
    const clerk = await new Browser(web.url).login("sagsbehandler")
    expect((await clerk.post(`/worker/job/${id}/cancel/`, {}, { from: "/" })).status).toBe(403)
    expect((await statusOf(id)).status).toBe("queued")

    const res = await admin.post(`/worker/job/${id}/cancel/`, {}, { from: `/worker/job/${id}/` })
    expect(res.status).toBe(302)
    expect(res.headers.get("location")).toBe(`/worker/job/${id}/`)
    expect(await statusOf(id)).toEqual({
      status: "cancelled",
      failure: "Annulleret af admin",
      claim_token: null,
      ended: true
    })
    expect((await statusOf(child)).status).toBe("cancelled")

    const after = await (await admin.get(`/worker/job/${id}/`)).text()
    expect(after).toContain("Annulleret af admin")
    expect(after).not.toContain(`action="/worker/job/${id}/cancel/"`)
    const again = await admin.post(`/worker/job/${id}/cancel/`, {}, { from: `/worker/job/${id}/` })
    expect(again.status).toBe(409)
    expect(await again.text()).toContain("Jobbet er allerede afsluttet og kan ikke annulleres")
    expect(
      (await admin.post("/worker/job/00000000-0000-0000-0000-000000000000/cancel/", {}, { from: "/worker/jobs/" }))
        .status
    ).toBe(404)
  })

  it("a running job loses its claim (its worker interrupts it); a finished job shows no button", async () => {
    const id = (
      await client.query<{
        id: string
      }>(`insert into jobs.job (type, created_by, status, claim_token, started_at, worker_id)
      values ('DemoSlowJob', 'admin', 'running', gen_random_uuid(), now(), 'w') returning id`)
    ).rows[0].id
    expect((await admin.post(`/worker/job/${id}/cancel/`, {}, { from: `/worker/job/${id}/` })).status).toBe(302)
    expect(await statusOf(id)).toEqual({
      status: "cancelled",
      failure: "Annulleret af admin",
      claim_token: null,
      ended: true
    })

    const done = (
      await client.query<{ id: string }>(
        `insert into jobs.job (type, created_by, status, ended_at) values ('DemoSlowJob', 'admin', 'finished', now())
         returning id`
      )
    ).rows[0].id
    expect(await (await admin.get(`/worker/job/${done}/`)).text()).not.toContain("/cancel/")
    expect((await admin.post(`/worker/job/${done}/cancel/`, {}, { from: `/worker/job/${done}/` })).status).toBe(409)
    expect((await statusOf(done)).status).toBe("finished")
  })
})
