import { SqlClient } from "@effect/sql"
import { assert, layer } from "@effect/vitest"
import { TestDatabase } from "@kas/core/testing"
import { Effect } from "effect"
import { kasSchedules } from "../../src/jobs/schedules.js"
import { staffSessionPurge } from "../../src/jobs/sessionPurge.js"

// The scheduled tasks of `kas scheduler` (jobs.md §9) and the staff session purge on a real database.
layer(TestDatabase.layer, { excludeTestServices: true })("kas scheduler", (it) => {
  it.effect("schedules the spec's tasks at the spec's times (UTC)", () =>
    Effect.sync(() => {
      const byName = new Map(kasSchedules.map((s) => [s.name, s]))
      assert.strictEqual(byName.get("staff-session-purge")?.cron, "27 22 3 * *")
      assert.strictEqual(byName.get("import-mandtal-monthly")?.cron, "13 20 5 * *")
      assert.strictEqual(byName.get("representation-token-cleanup")?.cron, "* * * * *")
      const eboks = byName.get("eboks-status-hourly")
      assert.strictEqual(eboks?.cron, "17 * * * *")
      assert.strictEqual(eboks !== undefined && "enqueue" in eboks ? eboks.enqueue.key : "", "PollEboksPostProcessing")
    })
  )

  it.effect("the staff session purge deletes the expired sessions only", () =>
    Effect.gen(function* () {
      const sql = yield* SqlClient.SqlClient
      yield* sql`insert into web.sessions (id, data, expires_at) values
        ('gone-1', '{}', now() - interval '1 hour'), ('gone-2', '{}', now() - interval '1 second'),
        ('live', '{}', now() + interval '1 hour')`
      if ("task" in staffSessionPurge) yield* staffSessionPurge.task(new Date())
      const left = yield* sql<{ id: string }>`select id from web.sessions order by id`
      assert.deepStrictEqual(
        left.map((r) => r.id),
        ["live"]
      )
    })
  )
})
