import { PgClient } from "@effect/sql-pg"
import { Layer, ManagedRuntime, Redacted } from "effect"
import pg from "pg"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { TestDatabase } from "../../src/testing/index.js"
import { pgPoolSessionStore, pgSessionStore, purgeExpiredSessions, sessionTableSql } from "../../src/web/index.js"
import { sessionStoreContract, type StoreUnderTest } from "./sessionStoreContract.js"

/** Both session stores, the Effect one and the plain-pool one, run the same contract on the same real table. */

const TABLE = "public.test_sessions"
let db: TestDatabase.TestDb

beforeAll(async () => {
  db = await TestDatabase.createTestDatabase()
  const client = new pg.Client({ connectionString: db.url })
  await client.connect()
  await client.query(sessionTableSql(TABLE))
  await client.end()
})
afterAll(() => db?.drop())

const effectStore = async (): Promise<StoreUnderTest> => {
  const runtime = ManagedRuntime.make(
    PgClient.layer({ url: Redacted.make(db.url), maxConnections: 2 }).pipe(Layer.orDie)
  )
  await runtime.runtime()
  return { store: pgSessionStore(runtime, TABLE), close: () => runtime.dispose() }
}

const poolStore = async (): Promise<StoreUnderTest> => {
  const pool = new pg.Pool({ connectionString: db.url, max: 2 })
  return { store: pgPoolSessionStore(pool, TABLE), close: () => pool.end() }
}

sessionStoreContract("pgSessionStore (Effect SQL client)", effectStore)
sessionStoreContract("pgPoolSessionStore (plain pg pool)", poolStore)

describe("the two session stores share one table", () => {
  it("a session saved by one is loaded and destroyed by the other", async () => {
    const [effect, pool] = [await effectStore(), await poolStore()]
    try {
      await effect.store.save("shared-1", { user: 42 }, new Date(Date.now() + 60_000))
      expect(await pool.store.load("shared-1")).toEqual({ user: 42 })
      await pool.store.destroy("shared-1")
      expect(await effect.store.load("shared-1")).toBeUndefined()
    } finally {
      await effect.close()
      await pool.close()
    }
  })
})

describe("the scheduled purge of expired sessions (jobs.md §9)", () => {
  it("deletes only expired rows, and says how many", async () => {
    const pool = new pg.Pool({ connectionString: db.url, max: 2 })
    const runtime = ManagedRuntime.make(
      PgClient.layer({ url: Redacted.make(db.url), maxConnections: 2 }).pipe(Layer.orDie)
    )
    try {
      const insert = (id: string, offsetSeconds: number) =>
        pool.query(`insert into ${TABLE} (id, data, expires_at) values ($1, '{}', now() + make_interval(secs => $2))`, [
          id,
          offsetSeconds
        ])
      // The contract tests above leave expired rows of their own.
      await runtime.runPromise(purgeExpiredSessions(TABLE))
      await insert("purge-old-1", -10)
      await insert("purge-old-2", -3600)
      await insert("purge-live", 3600)
      expect(await runtime.runPromise(purgeExpiredSessions(TABLE))).toBe(2)
      const left = await pool.query<{ id: string }>(`select id from ${TABLE} where id like 'purge-%'`)
      expect(left.rows.map((r) => r.id)).toEqual(["purge-live"])
    } finally {
      await runtime.dispose()
      await pool.end()
    }
  })
})
