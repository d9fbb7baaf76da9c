import { SqlClient } from "@effect/sql"
import { assert, layer } from "@effect/vitest"
import {
  Database,
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
import { ResetTaxYearJob } from "../../src/jobs/adminJobs.js"
import { PrismeJobSettings } from "../../src/jobs/prismeJobs.js"
import { yearWithStatements } from "../prismeFixtures.js"

const registry = JobRegistry.make([ResetTaxYearJob])

const db = Layer.unwrapScoped(
  Effect.acquireRelease(
    Effect.promise(() => TestDatabase.createTestDatabase()),
    (d) => Effect.promise(() => d.drop())
  ).pipe(Effect.map((d) => Database.layerFromUrl(d.url, { maxConnections: 6 })))
)

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
    SystemUsers.Default,
    JobStore.Default,
    Prisme10QBatches.Default,
    TaxYearReset.Default,
    FinalStatements.Default.pipe(Layer.provide(FileStore.layerPostgres))
  ).pipe(Layer.provideMerge(db)),
  { excludeTestServices: true, timeout: "120 seconds" }
)("Reset data for skatteår (jobs.md §8.15)", (it) => {
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
})
