import { SqlClient } from "@effect/sql"
import { Effect } from "effect"
import { NotFound } from "../../domain/DomainError.js"
import { FileStore } from "./FileStore.js"

/**
 * Tax slips ("selvangivelse" PDFs, domain.md §2.12) as staff read them: the newest one of a person-year (the one its
 * `tax_slip_id` points to) with its stored file, for "Hent selvangivelse PDF" (staff-web.md §6.4).
 */
export class TaxSlips extends Effect.Service<TaxSlips>()("@kas/core/TaxSlips", {
  effect: Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const files = yield* FileStore
    return {
      /** The newest tax slip's PDF of a person-year; NotFound when it has none. */
      latestFile: Effect.fn("TaxSlips.latestFile")(function* (personTaxYearId: number) {
        const [row] = yield* sql<{ file_id: string }>`select ts.file_id from kas.person_tax_year pty
          join kas.tax_slip ts on ts.id = pty.tax_slip_id where pty.id = ${personTaxYearId}`
        if (row === undefined) return yield* Effect.fail(NotFound.of("Selvangivelse", personTaxYearId))
        return yield* files.get(row.file_id)
      })
    }
  })
}) {}
