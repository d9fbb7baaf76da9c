import { PgClient } from "@effect/sql-pg"
import { Effect, Layer, Redacted } from "effect"
import { randomBytes } from "node:crypto"
import pg from "pg"
import { Database } from "../database/index.js"
import type { MigrationSet } from "../database/Migrations.js"
import * as Migrations from "../database/Migrations.js"
import { startEmbedded } from "../database/EmbeddedPostgres.js"

/**
 * Test support: one migrated template database per test run, and a fresh clone of it for each test file.
 * The server is the machine's PostgreSQL when DATABASE_URL is set, otherwise an embedded one under `.kas/test-*`.
 */

const ADMIN_ENV = "KAS_TEST_ADMIN_URL"
const TEMPLATE_ENV = "KAS_TEST_TEMPLATE"

const withDatabase = (url: string, database: string) => {
  const u = new URL(url)
  u.pathname = `/${database}`
  return u.toString()
}

const admin = async <A>(url: string, f: (client: pg.Client) => Promise<A>): Promise<A> => {
  const client = new pg.Client({ connectionString: url })
  client.on("error", () => undefined)
  await client.connect()
  try {
    return await f(client)
  } finally {
    await client.end().catch(() => undefined)
  }
}

/** Runs migrations on `url` (used for the template and by tests that need a database that is behind). */
export const migrateUrl = (url: string, sets: ReadonlyArray<MigrationSet>) =>
  Effect.runPromise(
    Migrations.migrate(sets).pipe(Effect.provide(Database.layerFromUrl(url, { maxConnections: 2 })), Effect.scoped)
  )

/**
 * For vitest's globalSetup: starts the server, builds the template with `sets`, and publishes both to the test
 * workers through the environment. Returns the teardown.
 */
export const setupTestServer = async (sets: ReadonlyArray<MigrationSet>): Promise<() => Promise<void>> => {
  let adminUrl: string
  let stop = async () => {}
  if (process.env.DATABASE_URL) {
    adminUrl = process.env.DATABASE_URL
  } else {
    const server = await startEmbedded({ dataDir: `.kas/test-${process.pid}`, persistent: false })
    adminUrl = server.adminUrl
    stop = server.stop
  }
  const template = `kas_template_${process.pid}_${randomBytes(3).toString("hex")}`
  await admin(adminUrl, (c) => c.query(`create database ${template}`))
  await migrateUrl(withDatabase(adminUrl, template), sets)
  process.env[ADMIN_ENV] = adminUrl
  process.env[TEMPLATE_ENV] = template
  return async () => {
    await admin(adminUrl, async (c) => {
      const rows = await c.query<{ datname: string }>("select datname from pg_database where datname like $1", [
        `kas_t_${process.pid}_%`
      ])
      for (const r of rows.rows) await c.query(`drop database if exists ${r.datname} with (force)`)
      await c.query(`drop database if exists ${template} with (force)`)
    }).catch(() => undefined)
    await stop()
  }
}

/** The admin URL of the test server (for tests that create databases of their own). */
export const adminUrl = (): string => {
  const url = process.env[ADMIN_ENV]
  if (!url) throw new Error(`${ADMIN_ENV} is not set: run the tests through vitest (npm test)`)
  return url
}

/** A fresh, migrated database for one test file. */
export interface TestDb {
  readonly name: string
  readonly url: string
  readonly drop: () => Promise<void>
}

/** Clones the template into a new database. */
export const createTestDatabase = async (): Promise<TestDb> => {
  const url = adminUrl()
  const template = process.env[TEMPLATE_ENV]!
  const name = `kas_t_${process.ppid}_${randomBytes(5).toString("hex")}`
  for (let attempt = 0; ; attempt++) {
    try {
      await admin(url, (c) => c.query(`create database ${name} template ${template}`))
      break
    } catch (e) {
      // Two clones at the same instant can collide on the template; try again shortly.
      if (attempt >= 20) throw e
      await new Promise((r) => setTimeout(r, 100 + Math.random() * 200))
    }
  }
  return {
    name,
    url: withDatabase(url, name),
    drop: () => admin(url, (c) => c.query(`drop database if exists ${name} with (force)`)).then(() => undefined)
  }
}

/** An empty database (no migrations), for tests of the migrator itself. */
export const createEmptyDatabase = async (): Promise<TestDb> => {
  const url = adminUrl()
  const name = `kas_t_${process.ppid}_${randomBytes(5).toString("hex")}`
  await admin(url, (c) => c.query(`create database ${name}`))
  return {
    name,
    url: withDatabase(url, name),
    drop: () => admin(url, (c) => c.query(`drop database if exists ${name} with (force)`)).then(() => undefined)
  }
}

/** A `PgClient`/`SqlClient` layer on a fresh clone of the template, dropped when the layer is released. */
export const layer: Layer.Layer<PgClient.PgClient | import("@effect/sql").SqlClient.SqlClient, unknown> =
  Layer.unwrapScoped(
    Effect.acquireRelease(
      Effect.promise(() => createTestDatabase()),
      (db) => Effect.promise(() => db.drop().catch(() => undefined))
    ).pipe(Effect.map((db) => PgClient.layer({ url: Redacted.make(db.url), maxConnections: 5 })))
  )

/**
 * The whole `Database` layer (as the servers and workers build it) on a fresh clone of the template, dropped when the
 * layer is released: for tests of services that need more than `layer`'s SQL client.
 */
export const databaseLayer = (maxConnections = 6) =>
  Layer.unwrapScoped(
    Effect.acquireRelease(
      Effect.promise(() => createTestDatabase()),
      (db) => Effect.promise(() => db.drop().catch(() => undefined))
    ).pipe(Effect.map((db) => Database.layerFromUrl(db.url, { maxConnections })))
  )
