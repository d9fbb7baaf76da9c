import { SqlClient } from "@effect/sql"
import { assert, layer } from "@effect/vitest"
import { Assessment, Policies, SystemUsers, TaxYears } from "@kas/core"
import { TestDatabase } from "@kas/core/testing"
import { JobRegistry, JobStore, type JobRecord, Worker } from "@kas/jobs"
import { Effect, Layer } from "effect"
import { AutoligningJob, ForceFinalizeJob } from "../../src/jobs/assessmentJobs.js"

const registry = JobRegistry.make<Assessment>([AutoligningJob, ForceFinalizeJob])

const db = TestDatabase.databaseLayer(6)

const withWorker = <A, E, R>(body: Effect.Effect<A, E, R>) =>
  Worker.start({ registry, pollInterval: "100 millis", progressInterval: "50 millis" }).pipe(
    Effect.zipRight(body),
    Effect.scoped
  )
const ended = (id: string) =>
  Effect.flatMap(JobStore, (s) => s.awaitEnded([id], "100 millis")).pipe(Effect.map((jobs) => jobs[0] as JobRecord))

layer(
  Layer.mergeAll(Assessment.Default, Policies.Default, TaxYears.Default, SystemUsers.Default, JobStore.Default).pipe(
    Layer.provideMerge(db)
  ),
  { excludeTestServices: true, timeout: "120 seconds" }
)("assessment jobs through the job runtime", (it) => {
  it.effect("Autoligning assesses the year once, then refuses by period; ForceFinalize reports its count", () =>
    withWorker(
      Effect.gen(function* () {
        const sql = yield* SqlClient.SqlClient
        const store = yield* JobStore
        const year = yield* (yield* TaxYears).create(2029)
        yield* (yield* SystemUsers).idOf("rest")
        const [person] = yield* sql<{ id: number }>`insert into kas.person (cpr) values ('1111111111') returning id`
        const [pty] = yield* sql<{ id: number }>`insert into kas.person_tax_year (tax_year_id, person_id, general_notes)
          values (${year.id}, ${person!.id}, 'Ring mig op') returning id`
        const [company] = yield* sql<{
          id: number
        }>`insert into kas.pension_company (name, res) values ('PFA', 19001) returning id`
        yield* (yield* Policies).create(
          { person_tax_year_id: pty!.id, pension_company_id: company!.id, policy_number: "1", prefilled_amount: 5000 },
          "anna"
        )

        const first = yield* ended(yield* store.enqueue(AutoligningJob, { year_pk: year.id }, { createdBy: "anna" }))
        assert.strictEqual(first.status, "finished", first.failure)
        assert.deepStrictEqual(first.result, { autolignet: 0, post_processing: 1, total: 1 })
        const second = yield* ended(yield* store.enqueue(AutoligningJob, { year_pk: year.id }, { createdBy: "anna" }))
        assert.strictEqual(second.status, "failed")
        assert.deepStrictEqual(second.result, { error: "Kan kun Kør autoligning år som er i perioden selvangivelse" })

        const forced = yield* ended(yield* store.enqueue(ForceFinalizeJob, { year_pk: year.id }, { createdBy: "anna" }))
        assert.strictEqual(forced.status, "finished", forced.failure)
        assert.deepStrictEqual(forced.result, { status: "Færdig", message: "Slutlignede 1 policer" })
      })
    )
  )
})
