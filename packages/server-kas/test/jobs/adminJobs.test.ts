import { SqlClient } from "@effect/sql"
import { assert, layer } from "@effect/vitest"
import {
  Companies,
  DomainData,
  FileStore,
  FinalStatements,
  Policies,
  Prisme10QBatches,
  SystemUsers,
  TaxYearReset,
  TaxYears,
  TenQ
} from "@kas/core"
import { TestDatabase } from "@kas/core/testing"
import { JobRegistry, JobStore, type JobRecord, Worker } from "@kas/jobs"
import { Effect, Layer } from "effect"
import { GenerateSampleDataJob, ResetTaxYearJob, SAMPLE_FROM_YEAR } from "../../src/jobs/adminJobs.js"
import { PrismeJobSettings } from "../../src/jobs/prismeJobs.js"
import { yearWithStatements } from "../prismeFixtures.js"

const registry = JobRegistry.make<
  TaxYearReset | DomainData | TaxYears | Companies | SqlClient.SqlClient | PrismeJobSettings
>([ResetTaxYearJob, GenerateSampleDataJob])

const db = TestDatabase.databaseLayer(6)

/** Runs `body` with a worker whose jobs see the given environment. */
const withWorker = <A, E, R>(environment: "production" | "development", body: Effect.Effect<A, E, R>) =>
  Worker.start({ registry, pollInterval: "100 millis", progressInterval: "50 millis" }).pipe(
    Effect.provide(PrismeJobSettings.layer({ environment, tenqProjectId: "KAS", transactionIndifferenceLimit: 100 })),
    Effect.zipRight(body),
    Effect.scoped
  )
const ended = (id: string) =>
  Effect.flatMap(JobStore, (s) => s.awaitEnded([id], "100 millis")).pipe(Effect.map((jobs) => jobs[0] as JobRecord))

const count = (sqlText: string, params: ReadonlyArray<unknown> = []) =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    sql.unsafe<{ n: number }>(sqlText, params).pipe(Effect.map((r) => r[0]!.n))
  )

layer(
  Layer.mergeAll(
    Policies.Default,
    TaxYears.Default,
    Companies.Default,
    SystemUsers.Default,
    JobStore.Default,
    Prisme10QBatches.Default,
    TaxYearReset.Default,
    DomainData.Default,
    FinalStatements.Default.pipe(Layer.provide(FileStore.layerPostgres))
  ).pipe(Layer.provideMerge(db)),
  { excludeTestServices: true, timeout: "120 seconds" }
)("Reset data for skatteår (jobs.md §8.15) and Generate sample data (§8.12)", (it) => {
  it.effect("deletes the year and what depends on it, and DafoAddress; other years stay; never in production", () =>
    Effect.gen(function* () {
      const sql = yield* SqlClient.SqlClient
      const store = yield* JobStore
      const reset = yield* yearWithStatements(2036, 2)
      const kept = yield* yearWithStatements(2037, 1)
      yield* (yield* Prisme10QBatches).generateForYear(reset, {
        createdById: null,
        tenQ: TenQ.renderer({ projectId: "KAS" })
      })
      const [pty] = yield* sql<{ id: number }>`select id from kas.person_tax_year where tax_year_id = ${reset} limit 1`
      yield* sql`insert into kas.note (person_tax_year_id, author_id, content) values (${pty!.id}, 1, 'Notat')`
      yield* sql`insert into kas.dafo_address (cpr, name) values ('0101361000', 'Anna')`
      const files = yield* count(`select count(*)::int as n from kas.file`)

      const refused = yield* withWorker(
        "production",
        Effect.flatMap(store.enqueue(ResetTaxYearJob, { year_pk: reset }, { createdBy: "admin" }), ended)
      )
      assert.strictEqual(refused.status, "failed")
      assert.deepStrictEqual(refused.result, { error: "Reset data for skatteår må ikke køre i produktion" })
      assert.strictEqual(yield* count(`select count(*)::int as n from kas.tax_year where id = $1`, [reset]), 1)

      const done = yield* withWorker(
        "development",
        Effect.flatMap(store.enqueue(ResetTaxYearJob, { year_pk: reset }, { createdBy: "admin" }), ended)
      )
      assert.strictEqual(done.status, "finished", done.failure)
      assert.deepStrictEqual(done.result, { status: "Færdig", message: "Skatteår 2036 er nulstillet" })
      for (const table of ["tax_year", "lock", "person_tax_year", "prisme10q_batch"]) {
        const column = table === "tax_year" ? "id" : "tax_year_id"
        assert.strictEqual(yield* count(`select count(*)::int as n from kas.${table} where ${column} = $1`, [reset]), 0)
      }
      assert.strictEqual(yield* count(`select count(*)::int as n from kas.dafo_address`), 0)
      // The other year keeps its person-year, policy, statement and its PDF; the reset year's two PDFs are gone.
      assert.strictEqual(
        yield* count(`select count(*)::int as n from kas.person_tax_year where tax_year_id = $1`, [kept]),
        1
      )
      assert.strictEqual(yield* count(`select count(*)::int as n from kas.policy_tax_year`), 1)
      assert.strictEqual(yield* count(`select count(*)::int as n from kas.final_statement`), 1)
      assert.strictEqual(yield* count(`select count(*)::int as n from kas.transaction`), 0)
      assert.strictEqual(yield* count(`select count(*)::int as n from kas.file`), files - 2)
      // Persons are not year data: they stay.
      assert.strictEqual(yield* count(`select count(*)::int as n from kas.person`), 3)
    })
  )

  it.effect(
    "Generate sample data: only in development; empties the domain, generates, imports per year as children",
    () =>
      Effect.gen(function* () {
        const store = yield* JobStore
        const refused = yield* withWorker(
          "production",
          Effect.flatMap(store.enqueue(GenerateSampleDataJob, { persons: 0, seed: 1 }, { createdBy: "admin" }), ended)
        )
        assert.strictEqual(refused.status, "failed")
        assert.deepStrictEqual(refused.result, { error: "Generate sample data kører kun i development" })
        assert.isAbove(yield* count(`select count(*)::int as n from kas.person`), 0)

        const job = yield* withWorker(
          "development",
          Effect.flatMap(store.enqueue(GenerateSampleDataJob, { persons: 3, seed: 2 }, { createdBy: "admin" }), ended)
        )
        assert.strictEqual(job.status, "finished", job.failure)
        assert.match(
          String((job.result as { message: string }).message),
          /^Genererede \d+ personer, \d+ mandtal-rækker og \d+ R75-rækker$/
        )
        // The domain was emptied (the imports are the children's work) and the years and companies created.
        assert.strictEqual(yield* count(`select count(*)::int as n from kas.person`), 0)
        assert.strictEqual(yield* count(`select count(*)::int as n from kas.final_statement`), 0)
        const years = new Date().getUTCFullYear() - SAMPLE_FROM_YEAR + 1
        assert.strictEqual(yield* count(`select count(*)::int as n from kas.tax_year`), years)
        assert.isAbove(yield* count(`select count(*)::int as n from kas.pension_company`), 0)
        assert.isAbove(yield* count(`select count(*)::int as n from eskat_mock.kas_mandtal`), 0)
        // Per year a census import after this job and an R75 import after that census import.
        const children = yield* store.children(job.id)
        assert.strictEqual(children.length, 2 * years)
        const census = children.filter((c) => c.type === "ImportMandtalJob")
        const r75 = children.filter((c) => c.type === "ImportR75Job")
        const yearOf = (c: JobRecord) => (c.arguments as { year: number }).year
        assert.isTrue(census.every((c) => c.dependsOn.length === 1 && c.dependsOn[0] === job.id))
        assert.isTrue(r75.every((c) => census.some((m) => c.dependsOn.includes(m.id) && yearOf(m) === yearOf(c))))
      })
  )
})
