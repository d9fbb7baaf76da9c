import { SqlClient } from "@effect/sql"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Either } from "effect"
import { coreMigrations, Database, Migrations } from "../../src/index.js"
import { TestDatabase } from "../../src/testing/index.js"

describe("database", () => {
  it.layer(TestDatabase.layer)("a test database", (it) => {
    it.effect("is migrated from the template", () =>
      Effect.gen(function* () {
        const sql = yield* SqlClient.SqlClient
        const rows = yield* sql<{
          n: string
        }>`select count(*) as n from information_schema.schemata where schema_name = 'kas'`
        expect(Number(rows[0]!.n)).toBe(1)
        expect(yield* Migrations.pending([coreMigrations])).toEqual([])
      })
    )
  })

  it("two processes migrating at once both succeed and apply each migration once", async () => {
    const db = await TestDatabase.createEmptyDatabase()
    try {
      const run = () =>
        Effect.runPromise(
          Migrations.migrate([coreMigrations]).pipe(Effect.provide(Database.layerFromUrl(db.url)), Effect.scoped)
        )
      const [a, b] = await Promise.all([run(), run()])
      const expected = Object.keys(coreMigrations.migrations).map((k) => `core/${k}`)
      expect([...a, ...b].sort()).toEqual(expected.sort())
      const behind = await Effect.runPromise(
        Migrations.pending([coreMigrations]).pipe(Effect.provide(Database.layerFromUrl(db.url)), Effect.scoped)
      )
      expect(behind).toEqual([])
    } finally {
      await db.drop()
    }
  })

  it("a database that is behind is refused with a clear message", async () => {
    const db = await TestDatabase.createEmptyDatabase()
    try {
      const result = await Effect.runPromise(
        Effect.either(Migrations.ensureCurrent([coreMigrations])).pipe(
          Effect.provide(Database.layerFromUrl(db.url)),
          Effect.scoped
        )
      )
      expect(Either.isLeft(result) && result.left.message).toMatch(/behind.*kas migrate/)
    } finally {
      await db.drop()
    }
  })

  it("an unreachable database fails after the bounded wait, naming the host", async () => {
    const result = await Effect.runPromise(Effect.either(Database.waitFor("postgres://x:y@127.0.0.1:1/kas", 1)))
    expect(Either.isLeft(result) && result.left.message).toMatch(/127\.0\.0\.1:1\/kas within 1 s/)
  })
})
