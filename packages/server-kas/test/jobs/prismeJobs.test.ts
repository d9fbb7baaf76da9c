import { SqlClient } from "@effect/sql"
import { assert, layer } from "@effect/vitest"
import {
  FileStore,
  FinalStatements,
  type KasConfig,
  Policies,
  Prisme10QBatches,
  SystemUsers,
  TaxYears,
  Transactions
} from "@kas/core"
import { TestDatabase } from "@kas/core/testing"
import { JobRegistry, JobStore, type JobRecord, Worker } from "@kas/jobs"
import { Effect, Layer, Option, Redacted } from "effect"
import { readdirSync, readFileSync } from "node:fs"
import { createServer } from "node:net"
import path from "node:path"
import { afterAll, beforeAll } from "vitest"
import { GenerateBatchAndTransactionsJob, PrismeJobSettings, SendBatchJob } from "../../src/jobs/prismeJobs.js"
import { Prisme, sftpUpload } from "../../src/prisme/Prisme.js"
import { yearWithStatements } from "../prismeFixtures.js"
import { keyPair, type SftpServer, startSftpServer } from "../support/sftpServer.js"

const client = keyPair()
const stranger = keyPair()
let server: SftpServer
beforeAll(async () => {
  server = await startSftpServer({ user: "kas", clientPublicKey: client.publicKey, folders: ["prod", "test"] })
})
afterAll(async () => {
  await server?.close()
})

/** A port nothing listens on. */
const closedPort = async () => {
  const s = createServer()
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", () => r()))
  const port = (s.address() as { port: number }).port
  await new Promise<void>((r) => s.close(() => r()))
  return port
}

const settingsFor = (overrides: Partial<KasConfig.BackOfficeConfig.TenQSettings> = {}) =>
  ({
    host: Option.some("127.0.0.1"),
    port: server.port,
    user: Option.some("kas"),
    password: Option.none(),
    privateKey: Option.some(Redacted.make(client.privateKey)),
    prodPath: Option.some("/prod"),
    testPath: Option.some("/test"),
    knownHosts: [{ hostname: `[127.0.0.1]:${server.port}`, ...server.hostKey }],
    ...overrides
  }) satisfies KasConfig.BackOfficeConfig.TenQSettings

/** The SFTP settings the worker's Prisme uses; each test sets its own. */
let current: KasConfig.BackOfficeConfig.TenQSettings | undefined
const prismeLayer = Layer.succeed(Prisme, { upload: (u) => sftpUpload(current!, u) })

const registry = JobRegistry.make([GenerateBatchAndTransactionsJob, SendBatchJob])

const db = TestDatabase.databaseLayer(6)

const withWorker = <A, E, R>(body: Effect.Effect<A, E, R>) =>
  Worker.start({ registry, pollInterval: "100 millis", progressInterval: "50 millis" }).pipe(
    Effect.zipRight(body),
    Effect.scoped
  )
const ended = (id: string) =>
  Effect.flatMap(JobStore, (s) => s.awaitEnded([id], "100 millis")).pipe(Effect.map((jobs) => jobs[0] as JobRecord))

const generateBatch = (yearId: number) =>
  Effect.gen(function* () {
    const store = yield* JobStore
    const job = yield* ended(
      yield* store.enqueue(GenerateBatchAndTransactionsJob, { year_pk: yearId }, { createdBy: "anna" })
    )
    assert.strictEqual(job.status, "finished", job.failure)
    const [row] = yield* (yield* SqlClient.SqlClient)<{ id: number }>`select id from kas.prisme10q_batch
      where tax_year_id = ${yearId} order by id desc limit 1`
    return { job, batchId: row!.id }
  })

const send = (batchId: number, destination: "10q_production" | "10q_development" | "10q_mocking") =>
  Effect.gen(function* () {
    const store = yield* JobStore
    return yield* ended(yield* store.enqueue(SendBatchJob, { pk: batchId, destination }, { createdBy: "anna" }))
  })

const filesIn = (folder: string) => readdirSync(path.join(server.root, folder))

layer(
  Layer.mergeAll(
    Policies.Default,
    TaxYears.Default,
    SystemUsers.Default,
    JobStore.Default,
    Prisme10QBatches.Default,
    Transactions.Default,
    FinalStatements.Default.pipe(Layer.provide(FileStore.layerPostgres)),
    prismeLayer,
    PrismeJobSettings.layer({ environment: "production", tenqProjectId: "KAS", transactionIndifferenceLimit: 100 })
  ).pipe(Layer.provideMerge(db)),
  { excludeTestServices: true, timeout: "120 seconds" }
)("Prisme batches through the job runtime and a local SFTP server", (it) => {
  it.effect("generating refuses outside ligning; then one batch whose file lands in the production folder", () =>
    withWorker(
      Effect.gen(function* () {
        const store = yield* JobStore
        const batches = yield* Prisme10QBatches
        const ty = yield* (yield* TaxYears).create(2031)
        const refused = yield* ended(
          yield* store.enqueue(GenerateBatchAndTransactionsJob, { year_pk: ty.id }, { createdBy: "anna" })
        )
        assert.strictEqual(refused.status, "failed")
        assert.deepStrictEqual(refused.result, {
          error: "Kan kun Generering af Transaktioner og batch for et givent år år som er i perioden ligning"
        })

        const yearId = yield* yearWithStatements(2032, 3)
        const { job, batchId } = yield* generateBatch(yearId)
        assert.deepStrictEqual(job.result, {
          status: "Genererede batch og transaktioner",
          message: "Genererede 3 transaktioner på baggrund af 3 slutopgørelser"
        })
        const content = yield* batches.content(batchId)
        assert.strictEqual(content.split("\r\n").length, 6)

        current = settingsFor()
        const sent = yield* send(batchId, "10q_production")
        assert.strictEqual(sent.status, "finished", sent.failure)
        const [file] = filesIn("prod")
        assert.match(file!, /^KAS_10Q_export_\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d\.10q$/)
        assert.strictEqual(readFileSync(path.join(server.root, "prod", file!), "utf8"), content)
        assert.deepStrictEqual(sent.result, { status: "Afsendt", message: `Fil ${file} sendt til Produktionssystem` })
        assert.strictEqual(sent.progress, 100)
        const batch = yield* batches.get(batchId)
        assert.strictEqual(batch.status, "delivered")
        assert.notStrictEqual(batch.delivered, null)
        assert.strictEqual(batch.delivered_by_id, yield* (yield* SystemUsers).find("anna"))
        const txs = yield* batches.activeTransactions(batchId)
        assert.deepStrictEqual(
          txs.map((t) => t.status),
          ["transferred", "transferred", "transferred"]
        )
        // A delivered batch is not sent again.
        const again = yield* send(batchId, "10q_production")
        assert.strictEqual(again.status, "failed")
      })
    )
  )

  it.effect("unreachable host, refused key, unknown host key and a full folder fail the batch with the reason", () =>
    withWorker(
      Effect.gen(function* () {
        const batches = yield* Prisme10QBatches
        const yearId = yield* yearWithStatements(2033, 2)
        const { batchId } = yield* generateBatch(yearId)
        const before = filesIn("prod").length

        const expectFailure = (pattern: RegExp) =>
          Effect.gen(function* () {
            const job = yield* send(batchId, "10q_production")
            assert.strictEqual(job.status, "failed")
            const batch = yield* batches.get(batchId)
            assert.strictEqual(batch.status, "failed")
            assert.match(batch.delivery_error, pattern)
            assert.deepStrictEqual(job.result, { error: batch.delivery_error })
            assert.strictEqual(batch.delivered, null)
            const txs = yield* batches.activeTransactions(batchId)
            assert.isTrue(txs.every((t) => t.status === "created"))
            assert.strictEqual(filesIn("prod").length, before)
          })

        current = settingsFor({ port: yield* Effect.promise(closedPort) })
        yield* expectFailure(/^Kunne ikke forbinde til SFTP-serveren 127\.0\.0\.1:\d+: .*ECONNREFUSED/)

        current = settingsFor({ privateKey: Option.some(Redacted.make(stranger.privateKey)) })
        yield* expectFailure(/^SFTP-serveren 127\.0\.0\.1:\d+ afviste login for brugeren kas$/)

        current = settingsFor({ knownHosts: [{ hostname: "127.0.0.1", keytype: "ssh-ed25519", key: stranger.key }] })
        yield* expectFailure(/nøgle .* er ikke kendt/)

        current = settingsFor()
        server.quota = 100
        yield* expectFailure(/kunne ikke skrives på SFTP-serveren: No space left on device/)
        server.quota = undefined

        // A failed batch can be sent again; the development destination leaves it created.
        const dev = yield* send(batchId, "10q_development")
        assert.strictEqual(dev.status, "finished", dev.failure)
        assert.strictEqual((yield* batches.get(batchId)).status, "created")
        assert.strictEqual(filesIn("test").length, 1)
      })
    )
  )

  it.effect("the job checks the environment's destinations again", () =>
    withWorker(
      Effect.gen(function* () {
        const batches = yield* Prisme10QBatches
        const yearId = yield* yearWithStatements(2034, 1)
        const { batchId } = yield* generateBatch(yearId)
        const prodFiles = filesIn("prod").length
        // Production does not allow the mocking destination.
        const refused = yield* send(batchId, "10q_mocking")
        assert.strictEqual(refused.status, "failed")
        assert.deepStrictEqual(refused.result, { error: "Destinationen 10q_mocking er ikke tilladt i dette miljø" })
        assert.strictEqual((yield* batches.get(batchId)).status, "failed")
        assert.strictEqual(filesIn("prod").length, prodFiles)
      })
    )
  )
})
