import { randomBytes } from "node:crypto"
import pg from "pg"
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest"
import { TestDatabase } from "../../src/testing/index.js"
import {
  cachedPgPoolSessionStore,
  type CachedSessionStore,
  sessionNotifySql,
  sessionTableSql
} from "../../src/web/index.js"
import { sessionStoreContract, type StoreUnderTest } from "./sessionStoreContract.js"

/**
 * The cached session store: the store contract, and revocation across instances — two stores (two app instances) on
 * one table, each change made by one (or by hand, or by a truncate) reaches the other through the table's trigger.
 */

const TABLE = "public.cached_sessions"
const CHANNEL = "cached_sessions_changes"
let db: TestDatabase.TestDb
const pools: Array<pg.Pool> = []
const stores: Array<CachedSessionStore> = []

const run = async (text: string, values: Array<unknown> = []) => {
  const client = new pg.Client({ connectionString: db.url })
  await client.connect()
  try {
    return (await client.query(text, values)).rows
  } finally {
    await client.end()
  }
}

beforeAll(async () => {
  db = await TestDatabase.createTestDatabase()
  await run(sessionTableSql(TABLE))
  for (const statement of sessionNotifySql(TABLE, CHANNEL)) await run(statement)
})
afterAll(async () => {
  for (const s of stores) await s.close()
  for (const p of pools) await p.end()
  await db?.drop()
})

/** A store on its own pool (an app instance), listening. */
const instance = async (): Promise<CachedSessionStore> => {
  const pool = new pg.Pool({ connectionString: db.url, max: 2 })
  pools.push(pool)
  const store = cachedPgPoolSessionStore(pool, TABLE, { channel: CHANNEL, retryMs: 20 })
  stores.push(store)
  await vi.waitFor(() => expect(store.listening()).toBe(true))
  return store
}

const sessionId = () => randomBytes(32).toString("hex")
const inMinutes = (m: number) => new Date(Date.now() + m * 60_000)

sessionStoreContract("cachedPgPoolSessionStore (plain pg pool, cached)", async (): Promise<StoreUnderTest> => {
  const store = await instance()
  return { store, close: () => store.close() }
})

describe("revocation across instances (LISTEN/NOTIFY)", () => {
  let a: CachedSessionStore
  let b: CachedSessionStore
  beforeAll(async () => {
    ;[a, b] = [await instance(), await instance()]
  })

  it("answers a session it read from memory: a delete that notifies nobody is not seen", async () => {
    const s = sessionId()
    await a.save(s, { user_info: { cpr: "0101011234" } }, inMinutes(10))
    expect(await b.load(s)).toEqual({ user_info: { cpr: "0101011234" } })
    // With the triggers off (replica role) the delete sends no notification, so b keeps what it read.
    await run(`set session_replication_role = replica; delete from ${TABLE} where id = '${s}'`)
    expect(await b.load(s)).toEqual({ user_info: { cpr: "0101011234" } })
    expect(await a.load(s)).toBeUndefined()
  })

  it("a session logged out in one instance is gone in the other once the delete's notification arrived", async () => {
    const s = sessionId()
    await a.save(s, { user_info: { cpr: "0101011234" } }, inMinutes(10))
    expect(await b.load(s)).toEqual({ user_info: { cpr: "0101011234" } })
    await a.destroy(s)
    await b.sync()
    expect(await b.load(s)).toBeUndefined()
  })

  it("a session changed in one instance (or by hand) is read again in the other", async () => {
    const s = sessionId()
    await a.save(s, { step: 1 }, inMinutes(10))
    expect(await b.load(s)).toEqual({ step: 1 })
    await a.save(s, { step: 2 }, inMinutes(10))
    await b.sync()
    expect(await b.load(s)).toEqual({ step: 2 })
    await run(`update ${TABLE} set expires_at = now() - interval '1 second' where id = $1`, [s])
    await b.sync()
    expect(await b.load(s)).toBeUndefined()
  })

  it("each read gets its own copy of the data", async () => {
    const s = sessionId()
    await a.save(s, { list: [1] }, inMinutes(10))
    const first = await b.load(s)
    ;(first!.list as Array<number>).push(2)
    expect(await b.load(s)).toEqual({ list: [1] })
  })

  it("a delete of many sessions in one statement (the purge) drops every one of them", async () => {
    const ids = Array.from({ length: 250 }, sessionId)
    for (const s of ids) await a.save(s, { many: true }, inMinutes(10))
    for (const s of ids) expect(await b.load(s)).toEqual({ many: true })
    await run(`delete from ${TABLE} where data ? 'many'`)
    await b.sync()
    for (const s of ids) expect(await b.load(s)).toBeUndefined()
  })

  it("a truncate drops everything", async () => {
    const s = sessionId()
    await a.save(s, { user: 1 }, inMinutes(10))
    expect(await b.load(s)).toEqual({ user: 1 })
    await run(`truncate ${TABLE}`)
    await b.sync()
    expect(await b.load(s)).toBeUndefined()
  })

  it("without its listening connection it reads every session from the database, and listens again", async () => {
    const s = sessionId()
    await a.save(s, { user: 2 }, inMinutes(10))
    expect(await b.load(s)).toEqual({ user: 2 })
    await run(`select pg_terminate_backend(pid) from pg_stat_activity where query = 'listen ${CHANNEL}'`)
    await vi.waitFor(() => expect(b.listening()).toBe(false))
    // A delete that notifies nobody is seen at once now: nothing is answered from memory.
    await run(`set session_replication_role = replica; delete from ${TABLE} where id = '${s}'`)
    expect(await b.load(s)).toBeUndefined()
    await vi.waitFor(() => expect(b.listening()).toBe(true))
    await a.save(s, { user: 3 }, inMinutes(10))
    expect(await b.load(s)).toEqual({ user: 3 })
    await a.destroy(s)
    await b.sync()
    expect(await b.load(s)).toBeUndefined()
  })
})
