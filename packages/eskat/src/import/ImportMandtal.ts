import { SqlClient } from "@effect/sql"
import { type AuditAuthor, type Cpr, DafoAddresses, Persons, Recalculation, TaxYears } from "@kas/core"
import { Effect, Option } from "effect"
import { randomUUID } from "node:crypto"
import { Datafordeler } from "../Datafordeler.js"
import { EskatSource } from "../EskatSource.js"
import { ImportError } from "./ImportError.js"
import { group, InvalidRows, type ImportResult } from "./ImportResult.js"
import { mapCensus } from "./mapCensus.js"
import { importRawCensus } from "./rawCensus.js"

/** What to import: a tax year, optionally one person. */
export interface MandtalRequest {
  readonly year: number
  readonly cpr?: Cpr | undefined
  /** The audit author: the job's creator. */
  readonly author: AuditAuthor
  /** Progress in percent (0–100). */
  readonly progress?: (percent: number) => Effect.Effect<void>
}

/** The title of a census import (jobs.md §8.3). */
export const mandtalTitle = (year: number, cpr?: Cpr) =>
  `Import af mandtal - ${year}${cpr === undefined ? "" : ` for cpr nr ${cpr}`}`

/**
 * "Import af mandtal" (eskat.md §7.1, §8.1, §9): raw copy of the census of a year from eSkat, then the mapping to
 * persons, person-years and census entries with recalculation. Idempotent: a second run on unchanged data changes and
 * counts nothing.
 */
export class ImportMandtal extends Effect.Service<ImportMandtal>()("@kas/eskat/ImportMandtal", {
  dependencies: [Persons.Default, Recalculation.Default, TaxYears.Default, DafoAddresses.Default],
  effect: Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const source = yield* EskatSource
    const taxYears = yield* TaxYears
    const recalculation = yield* Recalculation
    const persons = yield* Persons
    const dafoAddresses = yield* DafoAddresses
    // Datafordeler is asked only where the process provides it (the feature flag of configuration.md §4.7).
    const datafordeler = yield* Effect.serviceOption(Datafordeler)
    return {
      run: Effect.fn("ImportMandtal.run")(function* (request: MandtalRequest) {
        const progress = request.progress ?? (() => Effect.void)
        const taxYear = yield* taxYears
          .getByYear(request.year)
          .pipe(Effect.mapError(() => new ImportError({ message: `Skatteår ${request.year} findes ikke` })))
        const runId = randomUUID()
        const invalid = new InvalidRows()
        const work = Effect.gen(function* () {
          const raw = yield* importRawCensus({
            source,
            runId,
            year: request.year,
            cpr: request.cpr,
            author: request.author,
            invalid,
            progress: (f) => progress(f * 50)
          }).pipe(Effect.withSpan("ImportMandtal.raw"))
          const mapped = yield* mapCensus({
            runId,
            year: request.year,
            taxYearId: taxYear.id,
            cpr: request.cpr,
            author: request.author,
            progress: (f) => progress(50 + f * 50)
          }).pipe(Effect.withSpan("ImportMandtal.map"))
          // The mapping has committed; a Datafordeler failure now fails the job with the mapping kept (§4.1).
          const dafo =
            Option.isSome(datafordeler) && mapped.cprs.length > 0
              ? yield* datafordeler.value.lookup([...new Set(mapped.cprs)]).pipe(
                  Effect.flatMap((answers) => dafoAddresses.apply([...new Set(mapped.cprs)], answers, request.author)),
                  Effect.mapError((e) => new ImportError({ message: e.message, cause: e })),
                  Effect.withSpan("ImportMandtal.datafordeler")
                )
              : undefined
          const result: ImportResult = {
            title: mandtalTitle(request.year, request.cpr),
            summary: [
              group("Rå Mandtal-objekter", [
                ["Tilføjet", raw.created],
                ["Opdateret", raw.updated],
                ["Nulstillet", raw.cleared]
              ]),
              group("Person-objekter", [
                ["Tilføjet", mapped.personsCreated],
                ["Opdateret", mapped.personsUpdated]
              ]),
              group("Personskatteår-objekter", [
                ["Tilføjet", mapped.personYearsCreated],
                ["Opdateret", mapped.personYearsUpdated]
              ]),
              group("Personskatteår-mandtal-objekter", [
                ["Tilføjet", mapped.entriesCreated],
                ["Opdateret", mapped.entriesUpdated]
              ]),
              ...(dafo === undefined
                ? []
                : [
                    group("Datafordeler", [
                      ["Opslag", dafo.answered],
                      ["Adresse opdateret", dafo.addressesUpdated],
                      ["Død", dafo.dead],
                      ["Ugyldig", dafo.invalid]
                    ])
                  ]),
              ...(invalid.count > 0 ? [group("Ulæselige rækker fra eSkat", [["Sprunget over", invalid.count]])] : [])
            ],
            errors: invalid.texts
          }
          return result
        })
        return yield* work.pipe(
          Effect.ensuring(
            Effect.ignore(
              sql`delete from eskat.import_seen where run_id = ${runId} or created_at < now() - interval '2 days'`
            )
          ),
          Effect.provideService(Recalculation, recalculation),
          Effect.provideService(Persons, persons),
          Effect.provideService(SqlClient.SqlClient, sql)
        )
      })
    }
  })
}) {}
