import { assert, layer } from "@effect/vitest"
import { Companies, Cpr, TaxYears } from "@kas/core"
import { EmbeddedPostgres } from "@kas/core"
import { TestDatabase } from "@kas/core/testing"
import { ImportMandtal, ImportR75, layerLive, layerMock, MockData } from "@kas/eskat"
import { JobRegistry, JobStore, type JobRecord, Worker } from "@kas/jobs"
import { Effect, Layer, Option, Redacted } from "effect"
import { ImportMandtalJob, ImportR75Job, updateFromCensus } from "../../src/jobs/importJobs.js"

const registry = JobRegistry.make<ImportMandtal | ImportR75>([ImportMandtalJob, ImportR75Job])

const db = TestDatabase.databaseLayer(6)
const seeded = Layer.effectDiscard(
  Effect.gen(function* () {
    yield* MockData.fillMockTables({ persons: 20, seed: 2, fromYear: 2023, toYear: 2024 })
    yield* MockData.ensureTaxYearsAndCompanies([2023, 2024], 2026).pipe(
      Effect.provide(Layer.merge(TaxYears.Default, Companies.Default))
    )
  })
).pipe(Layer.provideMerge(db))

const importers = (
  source: Layer.Layer<import("@kas/eskat").EskatSource, unknown, import("@effect/sql").SqlClient.SqlClient>
) => Layer.mergeAll(ImportMandtal.Default, ImportR75.Default).pipe(Layer.provide(source))

const withWorker = <A, E, R>(body: Effect.Effect<A, E, R>) =>
  Worker.start({ registry, pollInterval: "100 millis", progressInterval: "50 millis" }).pipe(
    Effect.zipRight(body),
    Effect.scoped
  )
const ended = (id: string) =>
  Effect.flatMap(JobStore, (s) => s.awaitEnded([id], "100 millis")).pipe(Effect.map((jobs) => jobs[0] as JobRecord))

layer(Layer.mergeAll(importers(layerMock), JobStore.Default).pipe(Layer.provideMerge(seeded)), {
  excludeTestServices: true,
  timeout: "180 seconds"
})("import jobs through the job runtime", (it) => {
  it.effect(
    "census then R75 run as jobs with titles, progress and summaries; the person-page call imports one CPR",
    () =>
      withWorker(
        Effect.gen(function* () {
          const store = yield* JobStore
          const census = yield* ended(yield* store.enqueue(ImportMandtalJob, { year: 2024 }, { createdBy: "anna" }))
          assert.strictEqual(census.status, "finished", census.failure)
          assert.strictEqual(census.title, "Import af mandtal - 2024")
          assert.strictEqual(census.progress, 100)
          const r75 = yield* ended(yield* store.enqueue(ImportR75Job, { year: 2024 }, { createdBy: "anna" }))
          assert.strictEqual(r75.status, "finished", r75.failure)
          const result = r75.result as {
            summary: ReadonlyArray<{ label: string; value: ReadonlyArray<{ label: string; value: number }> }>
          }
          assert.strictEqual(result.summary[1].label, "Policeskatteår-objekter")
          assert.isTrue(result.summary[1].value[0].value > 20)
          const one = yield* ended(
            yield* updateFromCensus({ year: 2024, cpr: Cpr.make("1802602810"), createdBy: "anna" })
          )
          assert.strictEqual(one.status, "finished", one.failure)
          assert.strictEqual(one.title, "Import af mandtal - 2024 for cpr nr 1802602810")
          assert.deepStrictEqual(
            (one.result as { summary: ReadonlyArray<{ value: ReadonlyArray<{ value: number }> }> }).summary.flatMap(
              (g) => g.value.map((i) => i.value)
            ),
            [0, 0, 0, 0, 0, 0, 0, 0, 0]
          )
          const missing = yield* ended(yield* store.enqueue(ImportMandtalJob, { year: 2031 }, { createdBy: "anna" }))
          assert.strictEqual(missing.status, "failed")
          assert.include(missing.failure, "Skatteår 2031 findes ikke")
        })
      )
  )
})

const closedPort = Effect.promise(() => EmbeddedPostgres.freePort())
const live = Layer.unwrapEffect(
  Effect.map(closedPort, (port) =>
    layerLive({
      source: "live",
      host: Option.some("127.0.0.1"),
      port,
      database: Option.some("DBSERVICE_AKA_KAS"),
      user: Option.some("kas"),
      password: Option.some(Redacted.make("x"))
    })
  )
)

layer(Layer.mergeAll(importers(live), JobStore.Default).pipe(Layer.provideMerge(seeded)), {
  excludeTestServices: true,
  timeout: "180 seconds"
})("import jobs against an unreachable eSkat", (it) => {
  it.effect("the census job fails (no hang) with a cause naming the Oracle host", () =>
    withWorker(
      Effect.gen(function* () {
        const store = yield* JobStore
        const job = yield* ended(yield* store.enqueue(ImportMandtalJob, { year: 2024 }, { createdBy: "anna" }))
        assert.strictEqual(job.status, "failed")
        assert.match(job.failure, /eSkat \(Oracle\) at 127\.0\.0\.1:\d+\/DBSERVICE_AKA_KAS is unreachable/)
      })
    )
  )
})
