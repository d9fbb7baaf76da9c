import { SqlClient } from "@effect/sql"
import { Companies, Persons, Policies, TaxYears, type AuditAuthor } from "@kas/core"
import { Effect } from "effect"
import { EskatSource } from "../EskatSource.js"
import { ImportError } from "./ImportError.js"
import { group, InvalidRows, type ImportResult } from "./ImportResult.js"
import { mapR75 } from "./mapR75.js"
import { importRawR75 } from "./rawR75.js"

/** What to import: a tax year. */
export interface R75Request {
  readonly year: number
  /** The audit author: the job's creator. */
  readonly author: AuditAuthor
  /** Progress in percent (0–100). */
  readonly progress?: (percent: number) => Effect.Effect<void>
}

/** The title of an R75 import (jobs.md §8.4). */
export const r75Title = (year: number) => `Import af data fra R75 - ${year}`

/**
 * "Import af data fra R75" (eskat.md §7.2, §8.2, §9): raw copy of a year's R75 lines, then sums per policy into
 * policy-years with recalculation and the person-year flags. Idempotent.
 */
export class ImportR75 extends Effect.Service<ImportR75>()("@kas/eskat/ImportR75", {
  dependencies: [Companies.Default, Persons.Default, Policies.Default, TaxYears.Default],
  effect: Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const source = yield* EskatSource
    const taxYears = yield* TaxYears
    const policies = yield* Policies
    const companies = yield* Companies
    const persons = yield* Persons
    return {
      run: Effect.fn("ImportR75.run")(function* (request: R75Request) {
        const progress = request.progress ?? (() => Effect.void)
        const taxYear = yield* taxYears
          .getByYear(request.year)
          .pipe(Effect.mapError(() => new ImportError({ message: `Skatteår ${request.year} findes ikke` })))
        const invalid = new InvalidRows()
        const raw = yield* importRawR75({
          source,
          year: request.year,
          author: request.author,
          invalid,
          progress: (f) => progress(f * 50)
        }).pipe(Effect.provideService(SqlClient.SqlClient, sql), Effect.withSpan("ImportR75.raw"))
        const mapped = yield* mapR75({
          year: request.year,
          taxYearId: taxYear.id,
          author: request.author,
          progress: (f) => progress(50 + f * 50)
        }).pipe(
          Effect.provideService(Policies, policies),
          Effect.provideService(Companies, companies),
          Effect.provideService(Persons, persons),
          Effect.provideService(SqlClient.SqlClient, sql),
          Effect.withSpan("ImportR75.map")
        )
        const result: ImportResult = {
          title: r75Title(request.year),
          summary: [
            group("Rå R75-objekter", [
              ["Tilføjet", raw.created],
              ["Opdateret", raw.updated]
            ]),
            group("Policeskatteår-objekter", [
              ["Tilføjet", mapped.created],
              ["Opdateret", mapped.updated],
              ["Sprunget over (intet mandtal)", mapped.skippedNoCensus],
              ["Sprunget over (mangler policenummer)", mapped.skippedNoPolicyNumber]
            ]),
            ...(invalid.count > 0 ? [group("Ulæselige rækker fra eSkat", [["Sprunget over", invalid.count]])] : [])
          ],
          errors: invalid.texts
        }
        return result
      })
    }
  })
}) {}
