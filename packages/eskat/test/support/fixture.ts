import { SqlClient } from "@effect/sql"
import { Database } from "@kas/core"
import { TestDatabase } from "@kas/core/testing"
import { Context, Effect, Layer, Redacted } from "effect"
import { EskatSource } from "../../src/index.js"
import { makeLive } from "../../src/EskatLive.js"
import { layerMock } from "../../src/EskatMock.js"
import { fillMockTables } from "../../src/mock/MockData.js"
import type { GeneratorOptions } from "../../src/mock/Generator.js"
import { standIn } from "./OracleStandIn.js"

/** The test database of a file. */
export class TestDb extends Context.Tag("test/TestDb")<TestDb, TestDatabase.TestDb>() {}

/** A fresh clone of the migrated template, dropped with the layer. */
export const testDb = Layer.scoped(
  TestDb,
  Effect.acquireRelease(
    Effect.promise(() => TestDatabase.createTestDatabase()),
    (db) => Effect.promise(() => db.drop().catch(() => undefined))
  )
)

/** `SqlClient` on the test database. */
export const sqlLayer = Layer.unwrapEffect(
  Effect.map(TestDb, (db) => Database.layerFromUrl(db.url, { maxConnections: 4 }))
)

/** The generation the source tests use. */
export const generation: GeneratorOptions = { persons: 25, seed: 7, fromYear: 2021, toYear: 2024 }

/** Malformed census rows added after the generation: a 9-digit CPR and a row without a year. */
export const malformed = {
  nineDigits: "00000000-0000-4000-8000-000000000001",
  noYear: "00000000-0000-4000-8000-000000000002"
}

const seed = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  yield* fillMockTables(generation)
  yield* sql`insert into eskat_mock.kas_mandtal (pt_census_guid, cpr, skatteaar, navn)
    values (${malformed.nineDigits}, '123456789', 2024, 'Ni cifre'),
      (${malformed.noYear}, '0101011234', null, 'Intet år')`
  yield* sql`insert into eskat_mock.kas_beregninger_x (pension_crt_calc_guid, pt_census_guid, cpr, skatteaar, reg_date,
      no, capital_return, used_negative_capital_return, annotation)
    values ('10000000-0000-4000-8000-000000000001', '20000000-0000-4000-8000-000000000001', '1802602810', 2024,
      '2025-01-02T03:04:05Z', 1, 1234.50, -0.25, 'første'),
    ('10000000-0000-4000-8000-000000000002', null, '1802602810', 2024, null, null, null, null, null)`
})

/** The test database with generated and malformed mock rows, plus its `SqlClient`. */
export const seeded = Layer.effectDiscard(seed).pipe(Layer.provideMerge(sqlLayer), Layer.provideMerge(testDb))

/** The mock layer on the seeded database. */
export const mockSource = layerMock.pipe(Layer.provideMerge(seeded))

/** The live layer on the seeded database, through the Oracle stand-in; `queries` records the SQL it sent. */
export const liveSource = (queries: Array<string> = []) =>
  Layer.unwrapEffect(
    Effect.map(TestDb, (db) =>
      Layer.scoped(
        EskatSource,
        makeLive(
          { host: "eskat.test", port: 1521, service: "KAS", user: "kas", password: Redacted.make("x") },
          standIn(db.url, queries)
        )
      )
    )
  ).pipe(Layer.provideMerge(seeded))
