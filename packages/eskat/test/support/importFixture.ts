import { SqlClient } from "@effect/sql"
import { Companies, TaxYears } from "@kas/core"
import { Effect, Layer } from "effect"
import { layerMock } from "../../src/EskatMock.js"
import { ImportMandtal } from "../../src/import/ImportMandtal.js"
import { ImportR75 } from "../../src/import/ImportR75.js"
import { ensureTaxYearsAndCompanies, fillMockTables } from "../../src/mock/MockData.js"
import { sqlLayer, testDb } from "./fixture.js"

/** The generation the import tests use: scenario persons plus a few generated ones, 2022–2024. */
export const importGeneration = { persons: 30, seed: 11, fromYear: 2022, toYear: 2024 }

const seed = Effect.gen(function* () {
  yield* fillMockTables(importGeneration)
  yield* ensureTaxYearsAndCompanies([2022, 2023, 2024], 2026)
}).pipe(Effect.provide(Layer.merge(TaxYears.Default, Companies.Default)))

/** A test database with mock data and tax years, the mock source and both importers. */
export const importLayer = Layer.mergeAll(ImportMandtal.Default, ImportR75.Default).pipe(
  Layer.provideMerge(layerMock),
  Layer.provideMerge(Layer.effectDiscard(seed)),
  Layer.provideMerge(sqlLayer),
  Layer.provideMerge(testDb)
)

/** The counts of a result as "group/item" → number. */
export const counts = (result: {
  readonly summary: ReadonlyArray<{ label: string; value: ReadonlyArray<{ label: string; value: number }> }>
}) => Object.fromEntries(result.summary.flatMap((g) => g.value.map((i) => [`${g.label}/${i.label}`, i.value] as const)))

/** Runs a query and returns its rows. */
export const q = <A extends object>(text: string, params: ReadonlyArray<unknown> = []) =>
  Effect.flatMap(SqlClient.SqlClient, (sql) => sql.unsafe<A>(text, params))
