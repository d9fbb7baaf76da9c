import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { SqlClient } from "@effect/sql"
import { Database, FileStore, FinalStatements, Policies, StatementCandidates, TaxYears } from "@kas/core"
import { TestDatabase } from "@kas/core/testing"
import { JobStore } from "@kas/jobs"
import { Effect, Layer, ManagedRuntime } from "effect"
import { afterAll, beforeAll, expect, it } from "vitest"
import { DispatchFinalSettlementsJob } from "../../src/jobs/eboksJobs.js"
import { KAS_BIN, type Running, runNode } from "../process.js"
import { type EboksStandIn, startEboksStandIn } from "../support/eboksStandIn.js"

/**
 * The dispatch's idempotence with real worker processes (integrations.md §1.3, issue 16): `kas worker` sends a
 * statement to the e-Boks stand-in, which delivers the letter but holds its answer; the worker is killed (SIGKILL)
 * before it can record the send. A new worker's dispatch asks e-Boks about the recorded message id and records it:
 * exactly one letter, and the statement ends as sent.
 */
const CPR = "3401010001"
let db: TestDatabase.TestDb
let standIn: EboksStandIn
let dir: string
/** The test's own services on the test database: seeding, enqueueing, reading back. */
const services = (url: string) =>
  ManagedRuntime.make(
    Layer.mergeAll(
      JobStore.Default,
      FinalStatements.Default,
      TaxYears.Default,
      Policies.Default,
      StatementCandidates.Default
    ).pipe(Layer.provideMerge(FileStore.layerPostgres), Layer.provideMerge(Database.layerFromUrl(url)))
  )
let runtime: ReturnType<typeof services>
const procs: Array<Running> = []

beforeAll(async () => {
  db = await TestDatabase.createTestDatabase()
  standIn = await startEboksStandIn()
  dir = mkdtempSync(join(tmpdir(), "kas-eboks-crash-"))
  writeFileSync(join(dir, "ca.pem"), standIn.ca)
  writeFileSync(join(dir, "client.pem"), standIn.clientCertificate)
  writeFileSync(join(dir, "client.key"), standIn.clientKey)
  runtime = services(db.url)
}, 60_000)

afterAll(async () => {
  for (const p of procs) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill("SIGKILL")
  await Promise.all(procs.map((p) => p.exited))
  await runtime?.dispose()
  await standIn?.close()
  if (dir) rmSync(dir, { recursive: true, force: true })
  await db?.drop()
})

/** `kas worker` with one slot, the live e-Boks layer pointed at the stand-in. */
const worker = async () => {
  const p = runNode([KAS_BIN, "worker", "--concurrency", "1", "--grace", "2"], {
    ENVIRONMENT: "development",
    DATABASE_URL: db.url,
    DISABLE_METRICS: "true",
    EBOKS_MOCK: "false",
    EBOKS_HOST: standIn.url,
    EBOKS_CLIENT_ID: "99",
    EBOKS_SYSTEM_ID: "42",
    EBOKS_CONTENT_TYPE_ID: "179343",
    EBOKS_CLIENT_CERTIFICATES: join(dir, "client.pem"),
    EBOKS_CLIENT_PRIVATE_KEY: join(dir, "client.key"),
    EBOKS_VERIFY: join(dir, "ca.pem")
  })
  procs.push(p)
  await p.waitFor("worker started", 90_000)
  return p
}

const until = async <A>(f: () => Promise<A | undefined>, what: string, ms = 90_000): Promise<A> => {
  const end = Date.now() + ms
  for (;;) {
    const a = await f()
    if (a !== undefined) return a
    if (Date.now() > end) throw new Error(`not reached in time: ${what}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

/** A tax year in ligning with one BULK statement for CPR; returns the year's id and the statement's uuid. */
const seed = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  const taxYear = yield* (yield* TaxYears).create(2034)
  const [company] = yield* sql<{ id: number }>`insert into kas.pension_company (name, res)
    values ('Selskab 2034', 2034) returning id`
  const [person] = yield* sql<{ id: number }>`insert into kas.person (cpr, name) values (${CPR}, 'Test') returning id`
  const [pty] = yield* sql<{ id: number }>`insert into kas.person_tax_year (tax_year_id, person_id, number_of_days)
    values (${taxYear.id}, ${person!.id}, 365) returning id`
  yield* (yield* Policies).create(
    { person_tax_year_id: pty!.id, pension_company_id: company!.id, policy_number: "1", prefilled_amount: 10_000 },
    "anna"
  )
  yield* sql`update kas.policy_tax_year set slutlignet = true where person_tax_year_id = ${pty!.id}`
  yield* (yield* TaxYears).setPeriod(taxYear.id, "ligning")
  const [candidate] = yield* (yield* StatementCandidates).ofYear(taxYear.id)
  const pdf = new TextEncoder().encode("%PDF-1.7 slutopgørelse")
  const statement = yield* (yield* FinalStatements).generateBulk(candidate!, { pdf: () => Effect.succeed(pdf) })
  return { taxYearId: taxYear.id, uuid: statement!.uuid }
})

const row = (uuid: string) =>
  runtime.runPromise(
    Effect.flatMap(
      SqlClient.SqlClient,
      (sql) => sql<{ status: string; message_id: string | null; pending_message_id: string | null }>`
        select status, message_id, pending_message_id from kas.final_statement where uuid = ${uuid}`
    )
  )

const dispatch = (taxYearId: number) =>
  runtime.runPromise(
    Effect.flatMap(JobStore, (s) =>
      s.enqueue(DispatchFinalSettlementsJob, { year_pk: taxYearId, title: "KAS 2034" }, { createdBy: "anna" })
    )
  )

it("a worker killed after e-Boks accepted a letter, before recording it: the next dispatch sends nothing", async () => {
  const { taxYearId, uuid } = await runtime.runPromise(seed)
  standIn.behave(CPR, { kind: "hold" })
  const first = await worker()
  const firstJob = await dispatch(taxYearId)
  // The stand-in delivered the letter and holds its answer: the worker has sent, but cannot have recorded it.
  const messageId = await until(
    async () => (standIn.delivered.size > 0 ? [...standIn.delivered.keys()][0] : undefined),
    "the stand-in received the letter"
  )
  first.child.kill("SIGKILL")
  expect((await first.exited).signal).toBe("SIGKILL")
  expect(await row(uuid)).toEqual([{ status: "created", message_id: null, pending_message_id: messageId }])

  // Staff start the dispatch again on a new worker; e-Boks would accept a second letter now.
  standIn.behave(CPR, { kind: "accept" })
  const second = await worker()
  const secondJob = await dispatch(taxYearId)
  const job = await until(
    () =>
      runtime.runPromise(
        Effect.flatMap(JobStore, (s) => s.get(secondJob)).pipe(
          Effect.map((j) => (j.status === "finished" || j.status === "failed" ? j : undefined))
        )
      ),
    "the second dispatch ended"
  )
  expect(job.status, job.failure).toBe("finished")
  expect(job.result).toEqual({ status: "Afsendt", message: "Afsendte 1 slutopgørelser", dispatched_items: 1 })
  expect(standIn.received.filter((r) => r.method === "PUT" && r.cpr === CPR).map((r) => r.messageId)).toEqual([
    messageId
  ])
  expect([...standIn.delivered.keys()]).toEqual([messageId])
  expect(standIn.statusCalls.some((ids) => ids.includes(messageId))).toBe(true)
  expect(await row(uuid)).toEqual([{ status: "send", message_id: messageId, pending_message_id: null }])
  const year = await runtime.runPromise(Effect.flatMap(TaxYears, (t) => t.get(taxYearId)))
  expect(year.year_part).toBe("genoptagelsesperiode")
  // The killed worker's job is never finished: it stays running until its lease expires, then fails (jobs.md §3.3).
  const stale = await runtime.runPromise(Effect.flatMap(JobStore, (s) => s.get(firstJob)))
  expect(["running", "failed"]).toContain(stale.status)

  second.child.kill("SIGTERM")
  expect((await second.exited).code).toBe(0)
}, 240_000)
