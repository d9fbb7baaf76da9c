import { SqlClient } from "@effect/sql"
import { JobRegistry, JobStore, type JobRecord, Worker } from "@kas/jobs"
import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { ImportPrePaymentFileJob } from "../../src/jobs/prepaymentJobs.js"
import { Browser, type KasWeb, startKasWeb } from "../support.js"

/** "Import af forudindbetalinger" (jobs.md §8.2): the upload through the generated start form, then the job. */

let web: KasWeb
let admin: Browser
const START = "/worker/jobstart/ImportPrePaymentFile/"

beforeAll(async () => {
  web = await startKasWeb()
  admin = await new Browser(web.url).login("admin")
  await web.runtime.runPromise(
    Effect.gen(function* () {
      const sql = yield* SqlClient.SqlClient
      const [year] = yield* sql<{ id: number }>`insert into kas.tax_year (year) values (2023) returning id`
      const [person] = yield* sql<{ id: number }>`insert into kas.person (cpr, name)
        values ('0101014444', 'Anna Andersen') returning id`
      yield* sql`insert into kas.person_tax_year (tax_year_id, person_id) values (${year!.id}, ${person!.id})`
    })
  )
}, 120_000)
afterAll(() => web?.stop())

const upload = async (name: string, content: string | Uint8Array, csrf = true) => {
  const form = new FormData()
  if (csrf) form.set("csrfmiddlewaretoken", await admin.csrf(START))
  form.set("pk", new Blob([content]), name)
  return admin.request(START, { method: "POST", body: form })
}

const GOOD = [
  "PGF85;101014444;x;2023;500;a;b;P-1",
  "PGF85;0101014444;x;2023;250;a;b;P-2",
  "PGF85;0909094444;x;2023;100;a;b;P-3"
].join("\r\n")

/** Runs the queued prepayment jobs with an in-process worker and returns the newest. */
const runQueued = () =>
  web.runtime.runPromise(
    Effect.gen(function* () {
      const store = yield* JobStore
      const [job] = yield* store.listTopLevel({ limit: 1 })
      yield* Worker.start({
        registry: JobRegistry.make([ImportPrePaymentFileJob]),
        pollInterval: "100 millis",
        progressInterval: "50 millis"
      })
      return (yield* store.awaitEnded([job!.id], "100 millis"))[0] as JobRecord
    }).pipe(Effect.scoped)
  )

describe("prepayment upload and import", () => {
  it("the start form takes a .csv file of at most 10 MB, with the CSRF token", async () => {
    const form = await (await admin.get(START)).text()
    expect(form).toContain('enctype="multipart/form-data"')
    expect(form).toMatch(/type="file" name="pk"\s+id="f-pk" accept=".csv"/)
    const none = new FormData()
    none.set("csrfmiddlewaretoken", await admin.csrf(START))
    const missing = await admin.request(START, { method: "POST", body: none })
    expect(missing.status).toBe(400)
    expect(await missing.text()).toContain("Vælg en fil")
    const txt = await upload("ind.txt", GOOD)
    expect(txt.status).toBe(400)
    expect(await txt.text()).toContain("Filen skal være af typen .csv")
    const big = await upload("stor.csv", new Uint8Array(10 * 1024 * 1024 + 1).fill(65))
    expect(big.status).toBe(400)
    expect(await big.text()).toContain("Filen må højst være 10 MB")
    expect((await upload("ind.csv", GOOD, false)).status).toBe(403)
    const stored = await web.runtime.runPromise(
      Effect.flatMap(
        SqlClient.SqlClient,
        (sql) => sql<{ n: number }>`select count(*)::int as n from kas.prepayment_file`
      )
    )
    expect(stored[0]!.n).toBe(0)
  })

  it("imports the good lines, reports the others; the same file again changes nothing", async () => {
    const res = await upload("ind.csv", GOOD)
    expect(res.status).toBe(302)
    expect(res.headers.get("location")).toBe("/worker/jobs/")
    const job = await runQueued()
    expect(job.status).toBe("finished")
    const [file] = await web.runtime.runPromise(
      Effect.flatMap(
        SqlClient.SqlClient,
        (sql) => sql<{ id: number; uploader: string }>`
        select f.id, u.username as uploader from kas.prepayment_file f join web.users u on u.id = f.uploaded_by_id`
      )
    )
    expect(job.arguments).toEqual({ pk: String(file!.id) })
    expect(file!.uploader).toBe("admin")
    expect(job.result).toMatchObject({
      created_transactions: [
        { transaction: "Forudindbetaling for Anna Andersen på -500 i 2023", year: 2023 },
        { transaction: "Forudindbetaling for Anna Andersen på -250 i 2023", year: 2023 }
      ],
      errors: ["Personskatteår eksisterer ikke for 0909094444 i år 2023"]
    })
    const detail = await (await admin.get(`/worker/job/${job.id}/`)).text()
    expect(detail).toContain("Oprettede transaktioner (2)")
    expect(detail).toContain("Personskatteår eksisterer ikke for 0909094444 i år 2023")

    expect((await upload("ind.csv", GOOD)).status).toBe(302)
    const again = await runQueued()
    expect(again.status).toBe("finished")
    expect(again.result).toEqual({
      created_transactions: [],
      errors: [
        "Forudindbetaling P-1 er allerede importeret",
        "Forudindbetaling P-2 er allerede importeret",
        "Personskatteår eksisterer ikke for 0909094444 i år 2023"
      ]
    })
    const [count] = await web.runtime.runPromise(
      Effect.flatMap(
        SqlClient.SqlClient,
        (sql) => sql<{ n: number }>`
        select count(*)::int as n from kas.transaction where type = 'prepayment'`
      )
    )
    expect(count!.n).toBe(2)
  })

  it("a file with a bad line fails the job with the line's number and imports nothing", async () => {
    expect((await upload("fejl.csv", "PGF85;0101014444;x;2023;100;a;b;Q-1\nPGF85;x")).status).toBe(302)
    const job = await runQueued()
    expect(job.status).toBe("failed")
    expect(job.result).toMatchObject({ errors: ["Linje 2: linjen har 2 felter, men skal have mindst 8"] })
  })
})
