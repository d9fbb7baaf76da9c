import { SqlClient } from "@effect/sql"
import { Effect } from "effect"
import { NotFound } from "../../domain/DomainError.js"
import { type AuditAuthor, setAuditContextOn } from "./Audit.js"

/** The audit reason of the deletions (decision). */
export const resetReason = "Reset data for skatteår"

/**
 * "Reset data for skatteår" (jobs.md §8.15), in one transaction: the year's tax slips and summary files, every
 * DafoAddress row, then
 * the tax year and everything that depends on it (person-years, census entries, policies, loss cells, notes,
 * documents, statements, transactions, batches, locks) and the stored files of the deleted slips, documents and
 * statements. Set-based; the deletions are audited. Whether the environment allows it is the caller's rule.
 */
export class TaxYearReset extends Effect.Service<TaxYearReset>()("@kas/core/TaxYearReset", {
  effect: Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    return {
      reset: Effect.fn("TaxYearReset.reset")(function* (taxYearId: number, author: AuditAuthor) {
        return yield* sql.withTransaction(
          Effect.gen(function* () {
            const [year] = yield* sql<{
              year: number
            }>`select year from kas.tax_year where id = ${taxYearId} for update`
            if (year === undefined) return yield* Effect.fail(NotFound.of("Skatteår", taxYearId))
            yield* setAuditContextOn(sql, author, resetReason)
            const ptys = sql`select id from kas.person_tax_year where tax_year_id = ${taxYearId}`
            const policies = sql`select id from kas.policy_tax_year where person_tax_year_id in (${ptys})`
            yield* sql`update kas.person_tax_year set tax_slip_id = null
              where tax_year_id = ${taxYearId} and tax_slip_id is not null`
            const slipFiles = yield* sql<{ file_id: string }>`delete from kas.tax_slip
              where person_tax_year_id in (${ptys}) returning file_id`
            // The year's summary files and their download log (domain.md §2.17).
            yield* sql`delete from kas.summary_file_download d where (d.kind = 'company' and d.file_id in
                (select id from kas.company_summary_file where tax_year_id = ${taxYearId}))
              or (d.kind = 'total' and d.file_id in
                (select id from kas.total_summary_file where tax_year_id = ${taxYearId}))`
            const summaryFiles = yield* sql<{ file_id: string }>`delete from kas.company_summary_file
              where tax_year_id = ${taxYearId} returning file_id`
            const totalFiles = yield* sql<{ file_id: string }>`delete from kas.total_summary_file
              where tax_year_id = ${taxYearId} returning file_id`
            yield* sql`delete from kas.dafo_address`
            yield* sql`update kas.pension_company set submitted_by_person_tax_year_id = null
              where submitted_by_person_tax_year_id in (${ptys})`
            yield* sql`delete from kas.transaction where person_tax_year_id in (${ptys})
              or prisme10q_batch_id in (select id from kas.prisme10q_batch where tax_year_id = ${taxYearId})`
            yield* sql`delete from kas.prisme10q_batch where tax_year_id = ${taxYearId}`
            const statementFiles = yield* sql<{ file_id: string }>`delete from kas.final_statement
              where person_tax_year_id in (${ptys}) returning pdf_file_id as file_id`
            yield* sql`delete from kas.note where person_tax_year_id in (${ptys})`
            const documentFiles = yield* sql<{ file_id: string }>`delete from kas.policy_document
              where person_tax_year_id in (${ptys}) returning file_id`
            yield* sql`delete from kas.loss_transfer
              where used_from_id in (${policies}) or used_for_id in (${policies})`
            const deletedPolicies = yield* sql<{ id: number }>`delete from kas.policy_tax_year
              where person_tax_year_id in (${ptys}) returning id`
            yield* sql`delete from kas.census_entry where person_tax_year_id in (${ptys})`
            const deletedYears = yield* sql<{ id: number }>`delete from kas.person_tax_year
              where tax_year_id = ${taxYearId} returning id`
            yield* sql`delete from kas.lock where tax_year_id = ${taxYearId}`
            yield* sql`delete from kas.tax_year where id = ${taxYearId}`
            const files = [...slipFiles, ...summaryFiles, ...totalFiles, ...statementFiles, ...documentFiles].map(
              (f) => f.file_id
            )
            if (files.length > 0) yield* sql`delete from kas.file where id in ${sql.in(files)}`
            return {
              year: year.year,
              personTaxYears: deletedYears.length,
              policies: deletedPolicies.length,
              files: files.length
            }
          })
        )
      })
    }
  })
}) {}
