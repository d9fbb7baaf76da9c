import { assert, describe, it, layer } from "@effect/vitest"
import { SqlClient } from "@effect/sql"
import { PgClient } from "@effect/sql-pg"
import { TestDatabase } from "@kas/core/testing"
import { defineJob, JobStore } from "@kas/jobs"
import { Effect, Either, Layer, Schema } from "effect"
import * as Query from "../../src/internal/query.js"
import { clampPercent, make } from "../../src/worker/JobContexts.js"
import type { ClaimRow, Entry } from "../../src/worker/RunningJobs.js"

/** A running job's context on a real database: title and children only while the claim is held; progress kept. */

const Child = defineJob({
  key: "CtxChild",
  label: "Child",
  params: Schema.Struct({ n: Schema.Number }),
  run: () => Effect.void
})

describe("clampPercent", () => {
  it("keeps an integer percentage between 0 and 100", () => {
    assert.deepStrictEqual([-5, 12.9, 150, Number.NaN, Infinity].map(clampPercent), [0, 12, 100, 0, 0])
  })
})

const Live = JobStore.Default.pipe(Layer.provideMerge(TestDatabase.layer))

layer(Live, { excludeTestServices: true, timeout: 60_000 })("JobContexts (real database)", (it) => {
  it.effect("setTitle and spawnChild write while the claim token is held, and fail once it is gone", () =>
    Effect.gen(function* () {
      const store = yield* JobStore
      const sql = yield* SqlClient.SqlClient
      const [id] = yield* store.enqueueMany(Child, [{ n: 0 }], "creator")
      const [row] = yield* sql<ClaimRow>`
        update jobs.job set status = 'running', claim_token = gen_random_uuid(), attempts = 1 where id = ${id}
        returning id, type, arguments, claim_token, attempts, max_attempts, created_by`
      const entry = { id, token: row!.claim_token, pendingProgress: undefined } as Entry
      let woken = 0
      const ctx = make({ query: Query.make(yield* PgClient.PgClient), store, wake: Effect.sync(() => void woken++) })(
        entry,
        row!
      )
      assert.deepStrictEqual([ctx.jobId, ctx.attempt, ctx.createdBy], [id, 1, "creator"])

      yield* ctx.setTitle("Årsopgørelse 2024")
      const child = yield* ctx.spawnChild(Child, { n: 1 }, { title: "barn" })
      const [c] = yield* sql<{ parent_id: string; created_by: string; title: string }>`
        select parent_id, created_by, title from jobs.job where id = ${child}`
      assert.deepStrictEqual(c, { parent_id: id, created_by: "creator", title: "barn" })
      assert.strictEqual(woken, 1)
      assert.strictEqual((yield* store.get(id)).title, "Årsopgørelse 2024")

      yield* ctx.progress(150)
      assert.deepStrictEqual(entry.pendingProgress, { progress: 100, done: null, total: null })
      yield* ctx.progress(1, 3)
      assert.deepStrictEqual(entry.pendingProgress, { progress: 33, done: 1, total: 3 })

      yield* store.cancel(id)
      const title = yield* Effect.either(ctx.setTitle("for sent"))
      assert.isTrue(Either.isLeft(title) && title.left._tag === "ClaimLost")
      const late = yield* Effect.either(ctx.spawnChild(Child, { n: 2 }))
      assert.isTrue(Either.isLeft(late) && late.left._tag === "JobNotFound")
    })
  )
})
