import { SqlClient } from "@effect/sql"
import { assert, layer } from "@effect/vitest"
import { Migrations } from "@kas/core"
import { TestDatabase } from "@kas/core/testing"
import { Effect } from "effect"
import { selvbetjeningMigrations } from "../../src/database/migrations/index.js"
import { purgeCitizenSessions, SESSION_PURGE_CRON } from "../../src/web/SessionPurge.js"

// selvbetjening purges its own expired citizen sessions (jobs.md §9: `27 22 5 * *`, run by the process itself).
layer(TestDatabase.layer, { excludeTestServices: true })("citizen session purge", (it) => {
  it.effect("runs on the 5th of the month at 22:27 UTC and deletes the expired sessions only", () =>
    Effect.gen(function* () {
      assert.strictEqual(SESSION_PURGE_CRON, "27 22 5 * *")
      const sql = yield* SqlClient.SqlClient
      yield* Migrations.migrate([selvbetjeningMigrations])
      yield* sql`insert into selvbetjening.sessions (id, data, expires_at) values
        ('old', '{}', now() - interval '1 minute'), ('live', '{}', now() + interval '15 minutes')`
      yield* purgeCitizenSessions
      const left = yield* sql<{ id: string }>`select id from selvbetjening.sessions`
      assert.deepStrictEqual(
        left.map((r) => r.id),
        ["live"]
      )
    })
  )
})
