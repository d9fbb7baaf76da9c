import { SqlClient } from "@effect/sql"
import { assert, layer } from "@effect/vitest"
import {
  Dispatch,
  EboksDispatches,
  FileStore,
  FinalStatements,
  Policies,
  StatementCandidates,
  TaxSlips,
  TaxYears
} from "@kas/core"
import { TestDatabase } from "@kas/core/testing"
import { type JobRecord, JobRegistry, JobStore, Worker } from "@kas/jobs"
import { Effect, Exit, Layer } from "effect"
import { afterAll, beforeAll } from "vitest"
import { Eboks, EboksError } from "../../src/eboks/Eboks.js"
import { EboksTiming, type EboksTimingValue, pollPostProcessing, sendDocument } from "../../src/eboks/EboksSend.js"
import {
  DispatchFinalSettlementJob,
  DispatchFinalSettlementsJob,
  PollEboksPostProcessingJob
} from "../../src/jobs/eboksJobs.js"
import { type EboksStandIn, startEboksStandIn } from "../support/eboksStandIn.js"

// e-Boks dispatch (integrations.md §1, jobs.md §8.10, §8.11, §8.16) through the live layer against a local stand-in
// of the agency's proxy (mutual TLS): each outcome's statuses and texts, retries, the crash between sending and
// recording, and the three jobs.
let standIn: EboksStandIn
beforeAll(async () => {
  standIn = await startEboksStandIn()
})
afterAll(() => standIn?.close())

const fast: EboksTimingValue = {
  httpRetryDelays: ["5 millis", "5 millis", "5 millis"],
  connectionAttempts: 5,
  connectionRetryDelay: "5 millis",
  statusRetryDelays: ["5 millis", "5 millis", "5 millis", "5 millis"],
  pollDelay: "5 millis",
  singlePollLimit: "100 millis"
}

const live = Layer.unwrapEffect(
  Effect.sync(() =>
    Eboks.layerLive(
      {
        host: standIn.url,
        clientId: "99",
        systemId: "42",
        contentTypeId: "179343",
        certificate: standIn.clientCertificate,
        privateKey: standIn.clientKey,
        ca: standIn.ca
      },
      { timeoutMs: 300 }
    )
  )
)

const db = TestDatabase.databaseLayer(8)

const services = Layer.mergeAll(
  FinalStatements.Default,
  TaxSlips.Default,
  StatementCandidates.Default,
  TaxYears.Default,
  EboksDispatches.Default,
  Policies.Default,
  JobStore.Default,
  live,
  Layer.succeed(EboksTiming, fast)
).pipe(Layer.provideMerge(FileStore.layerPostgres), Layer.provideMerge(db))

const registry = JobRegistry.make<EboksDispatches | FinalStatements | TaxYears | FileStore | Eboks>([
  DispatchFinalSettlementsJob,
  DispatchFinalSettlementJob,
  PollEboksPostProcessingJob
])
const withWorker = <A, E, R>(body: Effect.Effect<A, E, R>) =>
  Worker.start({ registry, pollInterval: "50 millis", progressInterval: "50 millis" }).pipe(
    Effect.zipRight(body),
    Effect.scoped
  )
const ended = (id: string) =>
  Effect.flatMap(JobStore, (s) => s.awaitEnded([id], "50 millis")).pipe(Effect.map((jobs) => jobs[0] as JobRecord))

const pdf = new TextEncoder().encode("%PDF-1.7 slutopgørelse")

/** A tax year in ligning with one statement per CPR (a slutlignet policy each); returns the statements' uuids. */
const statementsFor = (year: number, cprs: ReadonlyArray<string>) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const taxYear = yield* (yield* TaxYears).create(year)
    const [company] = yield* sql<{ id: number }>`insert into kas.pension_company (name, res)
      values (${`Selskab ${year}`}, ${year}) returning id`
    const out = new Map<string, string>()
    for (const cpr of cprs) {
      const [person] = yield* sql<{ id: number }>`insert into kas.person (cpr, name) values (${cpr}, 'Test')
        on conflict (cpr) do update set name = excluded.name returning id`
      const [pty] = yield* sql<{ id: number }>`insert into kas.person_tax_year (tax_year_id, person_id, number_of_days)
        values (${taxYear.id}, ${person!.id}, 365) returning id`
      yield* (yield* Policies).create(
        { person_tax_year_id: pty!.id, pension_company_id: company!.id, policy_number: "1", prefilled_amount: 10_000 },
        "anna"
      )
      yield* sql`update kas.policy_tax_year set slutlignet = true where person_tax_year_id = ${pty!.id}`
    }
    yield* (yield* TaxYears).setPeriod(taxYear.id, "ligning")
    for (const pty of yield* (yield* StatementCandidates).ofYear(taxYear.id)) {
      const s = yield* (yield* FinalStatements).generateBulk(pty, { pdf: () => Effect.succeed(pdf) })
      const [row] = yield* sql<{ cpr: string }>`select p.cpr from kas.person_tax_year pty
        join kas.person p on p.id = pty.person_id where pty.id = ${pty}`
      out.set(row!.cpr, s!.uuid)
    }
    return { taxYearId: taxYear.id, statements: out }
  })

const item = (uuid: string) => Effect.flatMap(EboksDispatches, (d) => d.get("final_statement", uuid))
const statement = (uuid: string) => Effect.flatMap(FinalStatements, (s) => s.get(uuid))
const putsFor = (cpr: string) => standIn.received.filter((r) => r.cpr === cpr)

layer(services, { excludeTestServices: true, timeout: "120 seconds" })("e-Boks dispatch", (it) => {
  it.effect("sends over mutual TLS and records each outcome with its delivery-status text", () =>
    Effect.gen(function* () {
      const { statements } = yield* statementsFor(2030, [
        "3001010001",
        "3001010002",
        "3001010003",
        "3001010004",
        "3001010005"
      ])
      standIn.behave("3001010002", {
        kind: "postProcessing",
        recipient: "invalid",
        resolution: "address resolved",
        after: 2
      })
      standIn.behave("3001010003", {
        kind: "postProcessing",
        recipient: "exempt",
        resolution: "address not found",
        after: 1
      })
      standIn.behave("3001010004", { kind: "dead" })
      standIn.behave("3001010005", {
        kind: "postProcessing",
        recipient: "minor",
        resolution: "remote printed",
        after: 1
      })
      const dispatches = yield* EboksDispatches
      for (const uuid of statements.values()) yield* dispatches.setTitle("final_statement", uuid, "Slutopgørelse 2030")
      const text = (uuid: string) => Effect.map(statement(uuid), Dispatch.deliveryStatusText)

      assert.strictEqual(yield* text(statements.get("3001010001")!), "Afventer afsendelse")
      const sent = yield* sendDocument(yield* item(statements.get("3001010001")!))
      assert.strictEqual(sent.status, "send")
      const s1 = yield* statement(statements.get("3001010001")!)
      assert.deepStrictEqual([s1.status, s1.recipient_status, s1.post_processing_status], ["send", "", ""])
      assert.match(s1.message_id!, /^00004299[0-9a-f]{32}$/)
      assert.notStrictEqual(s1.send_at, null)
      assert.strictEqual(Dispatch.deliveryStatusText(s1), "E-boks")
      const [put] = putsFor("3001010001")
      assert.deepStrictEqual(
        [put!.messageId, put!.title, put!.contentTypeId, put!.clientCertificate],
        [s1.message_id, "Slutopgørelse 2030", "179343", true]
      )
      assert.strictEqual(put!.path, `/int/rest/srv.svc/3/dispatchsystem/42/dispatches/${s1.message_id}`)
      assert.deepStrictEqual(new Uint8Array(put!.pdf), pdf)

      // Post-processing: "Afventer efterbehandling" until the status call resolves it.
      for (const cpr of ["3001010002", "3001010003", "3001010004", "3001010005"]) {
        yield* sendDocument(yield* item(statements.get(cpr)!))
      }
      const s2 = yield* statement(statements.get("3001010002")!)
      assert.deepStrictEqual(
        [s2.status, s2.recipient_status, s2.post_processing_status],
        ["post_processing", "invalid", "pending"]
      )
      assert.strictEqual(Dispatch.deliveryStatusText(s2), "Afventer efterbehandling")
      assert.strictEqual(yield* text(statements.get("3001010004")!), "Ikke afsendt (afdød)")
      const waiting = yield* dispatches.postProcessing("all")
      assert.strictEqual(waiting.length, 3)
      // One pass resolves the two that are done at the first status call; the next pass the third.
      assert.strictEqual(yield* pollPostProcessing(waiting, { passes: 1 }), 2)
      assert.strictEqual(yield* text(statements.get("3001010003")!), "Ingen gyldig postadresse")
      assert.strictEqual(yield* text(statements.get("3001010005")!), "Fjernprint")
      assert.strictEqual(yield* text(statements.get("3001010002")!), "Afventer efterbehandling")
      assert.strictEqual(yield* pollPostProcessing(yield* dispatches.postProcessing("all")), 1)
      const resolved = yield* statement(statements.get("3001010002")!)
      assert.deepStrictEqual([resolved.status, resolved.post_processing_status], ["send", "address resolved"])
      assert.strictEqual(Dispatch.deliveryStatusText(resolved), "Fjernprint")

      // A sent statement is not sent again. (Earlier PUTs are counted, not assumed to be one: on a loaded machine the
      // first answer can miss the client's deadline, and the retry with the same message id is one letter.)
      const puts = putsFor("3001010001").length
      const again = yield* Effect.exit(sendDocument(yield* item(statements.get("3001010001")!)))
      assert.isTrue(Exit.isFailure(again))
      assert.strictEqual(putsFor("3001010001").length, puts)
      assert.deepStrictEqual([...new Set(putsFor("3001010001").map((p) => p.messageId))], [s1.message_id])
    })
  )

  it.effect("retries HTTP errors and timeouts as §1.3 says; a final failure is 'Afsendelse fejlet'", () =>
    Effect.gen(function* () {
      const cprs = ["3101010001", "3101010002", "3101010003", "3101010004"]
      const { statements } = yield* statementsFor(2031, cprs)
      standIn.behave("3101010001", { kind: "temporary", status: 503, failures: 2 })
      standIn.behave("3101010002", { kind: "permanent" })
      standIn.behave("3101010003", { kind: "timeout" })
      standIn.behave("3101010004", { kind: "conflict" })

      yield* sendDocument(yield* item(statements.get("3101010001")!))
      const retried = yield* statement(statements.get("3101010001")!)
      assert.strictEqual(retried.status, "send")
      // The same message id three times: two 503s, then accepted.
      assert.deepStrictEqual(
        putsFor("3101010001").map((r) => r.messageId),
        [retried.message_id, retried.message_id, retried.message_id]
      )

      const permanent = yield* Effect.flip(sendDocument(yield* item(statements.get("3101010002")!)))
      assert.isTrue(permanent instanceof EboksError && permanent.reason === "Http" && permanent.status === 400)
      assert.strictEqual(putsFor("3101010002").length, 4)
      const failed = yield* statement(statements.get("3101010002")!)
      assert.strictEqual(failed.status, "failed")
      assert.strictEqual(Dispatch.deliveryStatusText(failed), "Afsendelse fejlet")

      const timeout = yield* Effect.flip(sendDocument(yield* item(statements.get("3101010003")!)))
      assert.isTrue(timeout instanceof EboksError && timeout.reason === "Timeout")
      assert.strictEqual(putsFor("3101010003").length, 5)
      assert.strictEqual((yield* statement(statements.get("3101010003")!)).status, "failed")

      // 409: a new message id before the retry.
      yield* sendDocument(yield* item(statements.get("3101010004")!))
      const ids = putsFor("3101010004").map((r) => r.messageId)
      assert.strictEqual(ids.length, 2)
      assert.notStrictEqual(ids[0], ids[1])
      assert.strictEqual((yield* statement(statements.get("3101010004")!)).message_id, ids[1])

      // A failed statement may be sent again: it is delivered once the proxy accepts.
      standIn.behave("3101010002", { kind: "accept" })
      yield* sendDocument(yield* item(statements.get("3101010002")!))
      assert.strictEqual((yield* statement(statements.get("3101010002")!)).status, "send")
    })
  )

  it.effect("a crash between sending and recording never sends a second letter", () =>
    Effect.gen(function* () {
      const { statements } = yield* statementsFor(2032, ["3201010001"])
      const uuid = statements.get("3201010001")!
      const eboks = yield* Eboks
      // The worker dies right after e-Boks accepted the message, before anything is recorded.
      const crashing = Layer.succeed(Eboks, {
        ...eboks,
        send: (message) => Effect.flatMap(eboks.send(message), () => Effect.die(new Error("worker killed")))
      })
      const crashed = yield* Effect.exit(Effect.provide(sendDocument(yield* item(uuid)), crashing))
      assert.isTrue(Exit.isFailure(crashed))
      const intent = yield* item(uuid)
      assert.strictEqual(intent.status, "created")
      assert.notStrictEqual(intent.pendingMessageId, null)
      assert.strictEqual(standIn.delivered.size > 0 && standIn.delivered.has(intent.pendingMessageId!), true)

      // The next attempt asks e-Boks about the recorded intent and records it: no second PUT.
      yield* sendDocument(intent)
      const after = yield* statement(uuid)
      assert.deepStrictEqual([after.status, after.message_id], ["send", intent.pendingMessageId])
      assert.strictEqual(putsFor("3201010001").length, 1)
      assert.isTrue(standIn.statusCalls.some((ids) => ids.includes(intent.pendingMessageId!)))
    })
  )

  it.effect("a letter delivered whose answer was lost: the retry's 409 is recorded, not sent with a new id", () =>
    Effect.gen(function* () {
      const { statements } = yield* statementsFor(2036, ["3601010001"])
      const uuid = statements.get("3601010001")!
      standIn.behave("3601010001", { kind: "hold", once: true })
      yield* sendDocument(yield* item(uuid))
      // The first PUT delivered the letter, its answer never came (a timeout); the retry with the same id got 409.
      const ids = putsFor("3601010001").map((r) => r.messageId)
      assert.deepStrictEqual(ids, [ids[0], ids[0]])
      assert.deepStrictEqual(
        [...standIn.delivered].filter(([, cpr]) => cpr === "3601010001").map(([id]) => id),
        [ids[0]]
      )
      const after = yield* statement(uuid)
      assert.deepStrictEqual([after.status, after.message_id], ["send", ids[0]])
      assert.isNull((yield* item(uuid)).pendingMessageId)
    })
  )

  it.effect("a client without the certificate is refused by the proxy (a connection error)", () =>
    Effect.gen(function* () {
      const noCert = Eboks.layerLive(
        {
          host: standIn.url,
          clientId: "99",
          systemId: "42",
          contentTypeId: "1",
          certificate: "",
          privateKey: "",
          ca: standIn.ca
        },
        { timeoutMs: 2000 }
      )
      const error = yield* Effect.flip(
        Effect.flatMap(Eboks, (e) => e.clientInfo()).pipe(Effect.provide(noCert), Effect.scoped)
      )
      assert.strictEqual(error.reason, "Connection")
      const info = yield* (yield* Eboks).clientInfo()
      assert.deepStrictEqual(info, { name: "KAS" })
    })
  )

  it.effect("the bulk job skips what it must, sends, polls and moves the year; a failure keeps the year", () =>
    withWorker(
      Effect.gen(function* () {
        const sql = yield* SqlClient.SqlClient
        const store = yield* JobStore
        const cprs = ["3301010001", "3301010002", "1212121212", "3301010004", "3301010005"]
        const { taxYearId, statements } = yield* statementsFor(2033, cprs)
        standIn.behave("3301010002", {
          kind: "postProcessing",
          recipient: "invalid",
          resolution: "remote printed",
          after: 1
        })
        // 1212121212 is a test person; 3301010004 is dead; 3301010005's statement is invalid.
        yield* sql`update kas.person set status = 'Dead' where cpr = '3301010004'`
        yield* (yield* FinalStatements).invalidate(statements.get("3301010005")!)

        const job = yield* ended(
          yield* store.enqueue(
            DispatchFinalSettlementsJob,
            { year_pk: taxYearId, title: "KAS 2033" },
            { createdBy: "anna" }
          )
        )
        assert.strictEqual(job.status, "finished", job.failure)
        assert.deepStrictEqual(job.result, {
          status: "Afsendt",
          message: "Afsendte 3 slutopgørelser",
          dispatched_items: 3
        })
        assert.strictEqual((yield* (yield* TaxYears).get(taxYearId)).year_part, "genoptagelsesperiode")
        const s = (cpr: string) => statement(statements.get(cpr)!)
        assert.deepStrictEqual([(yield* s("3301010001")).status, (yield* s("3301010001")).title], ["send", "KAS 2033"])
        assert.deepStrictEqual(
          [(yield* s("3301010002")).status, (yield* s("3301010002")).post_processing_status],
          ["send", "remote printed"]
        )
        for (const cpr of ["1212121212", "3301010004", "3301010005"]) {
          assert.strictEqual((yield* s(cpr)).status, "created")
          assert.strictEqual(putsFor(cpr).length, 0)
        }

        // A year whose statement cannot be sent: the job fails with the count, the year stays in ligning.
        const failing = yield* statementsFor(2034, ["3401010001"])
        standIn.behave("3401010001", { kind: "permanent" })
        const failedJob = yield* ended(
          yield* store.enqueue(
            DispatchFinalSettlementsJob,
            { year_pk: failing.taxYearId, title: "KAS 2034" },
            { createdBy: "anna" }
          )
        )
        assert.strictEqual(failedJob.status, "failed")
        assert.deepStrictEqual(failedJob.result, { error: "Failed sending 1 messages", dispatched_items: 0 })
        // 5 passes, each with the first attempt and 3 retries.
        assert.strictEqual(putsFor("3401010001").length, 20)
        assert.strictEqual((yield* (yield* TaxYears).get(failing.taxYearId)).year_part, "ligning")
      })
    )
  )

  it.effect("the single dispatch job checks period and status, and the hourly job resolves what is left", () =>
    withWorker(
      Effect.gen(function* () {
        const store = yield* JobStore
        const { taxYearId, statements } = yield* statementsFor(2035, ["3501010001", "3501010002"])
        const run = (cpr: string) =>
          Effect.flatMap(
            store.enqueue(
              DispatchFinalSettlementJob,
              { uuid: statements.get(cpr)!, title: "Din slutopgørelse" },
              { createdBy: "anna" }
            ),
            ended
          )
        const refused = yield* run("3501010001")
        assert.strictEqual(refused.status, "failed")
        assert.deepStrictEqual(refused.result, {
          error: "Kan kun Afsendelse af KAS slutopgørelse år som er i perioden genoptagelsesperiode"
        })
        yield* (yield* TaxYears).setPeriod(taxYearId, "genoptagelsesperiode")
        const done = yield* run("3501010001")
        assert.strictEqual(done.status, "finished", done.failure)
        assert.deepStrictEqual(done.result, { status: "Afsendt", message: "E-boks" })
        assert.strictEqual((yield* statement(statements.get("3501010001")!)).title, "Din slutopgørelse")
        const again = yield* run("3501010001")
        assert.deepStrictEqual(again.result, { error: "Slutopgørelsen er allerede afsendt" })

        // Still pending after the single job's polling: it finishes and the hourly job resolves it later.
        standIn.behave("3501010002", {
          kind: "postProcessing",
          recipient: "exempt",
          resolution: "address not found",
          after: 100
        })
        const pending = yield* run("3501010002")
        assert.deepStrictEqual(pending.result, {
          status: "Afventer efterbehandling",
          message: "Status hentes senere automatisk"
        })
        standIn.behave("3501010002", {
          kind: "postProcessing",
          recipient: "exempt",
          resolution: "address not found",
          after: 0
        })
        const hourly = yield* ended(yield* store.enqueue(PollEboksPostProcessingJob, {}, { createdBy: "scheduler" }))
        assert.strictEqual(hourly.status, "finished", hourly.failure)
        const after = yield* statement(statements.get("3501010002")!)
        assert.deepStrictEqual([after.status, after.post_processing_status], ["send", "address not found"])
        assert.match((hourly.result as { message: string }).message, /^Opdaterede [1-9]\d* af [1-9]\d*$/)
      })
    )
  )
})
