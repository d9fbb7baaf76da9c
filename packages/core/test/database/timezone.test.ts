import { SqlClient } from "@effect/sql"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { Effect, Layer, Option, Redacted } from "effect"
import { Database, TaxYears } from "../../src/index.js"
import { TestDatabase } from "../../src/testing/index.js"

/** Today in an IANA time zone as YYYY-MM-DD. */
const todayIn = (timeZone: string) => new Intl.DateTimeFormat("en-CA", { timeZone }).format(new Date())

describe("TIMEZONE decides the date of new locks (configuration.md, domain.md §6.3)", () => {
  let db: TestDatabase.TestDb
  beforeAll(async () => {
    db = await TestDatabase.createTestDatabase()
  })
  afterAll(() => db.drop())

  // UTC+14 and UTC−11 are always on different calendar dates, so each assertion can only pass with its own zone.
  for (const [zone, year] of [
    ["Pacific/Kiritimati", 2040],
    ["Pacific/Pago_Pago", 2041]
  ] as const) {
    it(`a new tax year's lock and a closed lock use today in ${zone}`, async () => {
      const layer = TaxYears.Default.pipe(
        Layer.provideMerge(
          Database.layer({
            environment: "development",
            databaseUrl: Option.some(Redacted.make(db.url)),
            timezone: zone
          })
        )
      )
      const [before, created, after] = await Effect.runPromise(
        Effect.gen(function* () {
          const taxYears = yield* TaxYears
          const sql = yield* SqlClient.SqlClient
          const before = todayIn(zone)
          const y = yield* taxYears.create(year)
          const first = (yield* taxYears.locks(y.id))[0]!
          const next = yield* taxYears.closeLock(y.id)
          const [{ today }] = yield* sql<{ today: string }>`select kas.today()::text as today`
          return [before, first, { next, today }] as const
        }).pipe(Effect.provide(layer), Effect.scoped)
      )
      const now = todayIn(zone)
      expect([before, now]).toContain(created.interval_from)
      expect([before, now]).toContain(after.next.interval_from)
      expect([before, now]).toContain(after.today)
    })
  }
})
