import { SqlClient } from "@effect/sql"
import type { SqlError } from "@effect/sql/SqlError"
import { Effect, Stream } from "effect"
import { INDIFFERENCE_LIMIT } from "../../domain/Calculation.js"
import { NotFound } from "../../domain/DomainError.js"
import { kronerOf } from "../../domain/Kroner.js"
import type { CompanySummaryPolicy, TotalSummaryCompany } from "../../domain/PolicySummary.js"
import { FileStore, type StoredFile } from "./FileStore.js"

/** The two kinds of summary file (domain.md §2.17). */
export type SummaryFileKind = "company" | "total"

/** A generated file as the policy-summary page lists it. */
export interface SummaryFileRow {
  readonly kind: SummaryFileKind
  readonly id: number
  /** The company's name (company files only). */
  readonly companyName: string | null
  readonly companyRes: number | null
  readonly fileName: string
  readonly creator: string | null
  readonly created: Date
}

/** A file to record: its year, creator (a staff username) and content. */
export interface NewSummaryFile {
  readonly taxYearId: number
  readonly year: number
  readonly creator: string
  readonly fileName: string
  readonly content: Uint8Array
}

/** Who downloads a file, from where (staff-web.md §15.1). */
export interface SummaryDownload {
  readonly userId: number
  readonly ipAddress: string
}

type PolicyRow = {
  year: number
  res: number | null
  cpr: string
  policy_number: string
  year_adjusted_amount: string
  used_negative_return: string
  preliminary_paid_amount: string | null
  calculated_result: string
}

type TotalRow = {
  name: string
  persons: number
  year_adjusted_amount: string
  used_negative_return: string
  taxable_amount: string
  prepaid: string
  tax: string
}

const policyOf = (r: PolicyRow): CompanySummaryPolicy => ({
  year: r.year,
  res: r.res,
  cpr: r.cpr,
  policyNumber: r.policy_number,
  yearAdjustedAmount: kronerOf(r.year_adjusted_amount),
  usedNegativeReturn: kronerOf(r.used_negative_return),
  preliminaryPaidAmount: r.preliminary_paid_amount === null ? null : kronerOf(r.preliminary_paid_amount),
  taxWithDeductions: kronerOf(r.calculated_result)
})

const totalOf = (r: TotalRow): TotalSummaryCompany => ({
  name: r.name,
  persons: r.persons,
  yearAdjustedAmount: kronerOf(r.year_adjusted_amount),
  usedNegativeReturn: kronerOf(r.used_negative_return),
  taxableAmount: kronerOf(r.taxable_amount),
  prepaid: kronerOf(r.prepaid),
  tax: kronerOf(r.tax)
})

/**
 * Policy summaries (staff-web.md §15, domain.md §2.17): the rows of a company's CSV and of the all-company XLSX,
 * read through a cursor from the stored calculation results (domain.md §3.4–§3.5); the generated files; their
 * downloads, each logged with user, time and client address in the same transaction as the read.
 */
export class SummaryFiles extends Effect.Service<SummaryFiles>()("@kas/core/SummaryFiles", {
  dependencies: [FileStore.layerPostgres],
  effect: Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const files = yield* FileStore

    const creatorId = (username: string) =>
      sql<{ id: number }>`select id from web.users where username = ${username}`.pipe(
        Effect.map((rows) => rows[0]?.id ?? null)
      )

    return {
      /**
       * Every policy of a company in a tax year, inactive ones included (§15.2), by CPR and policy number, through a
       * cursor.
       */
      companyPolicies: (companyId: number, taxYearId: number): Stream.Stream<CompanySummaryPolicy, SqlError> =>
        sql<PolicyRow>`
          select ty.year, c.res, pe.cpr, p.policy_number, p.year_adjusted_amount, p.used_negative_return,
            p.preliminary_paid_amount, p.calculated_result
          from kas.policy_tax_year p
          join kas.person_tax_year pty on pty.id = p.person_tax_year_id
          join kas.tax_year ty on ty.id = pty.tax_year_id
          join kas.person pe on pe.id = pty.person_id
          join kas.pension_company c on c.id = p.pension_company_id
          where p.pension_company_id = ${companyId} and pty.tax_year_id = ${taxYearId}
          order by pe.cpr, p.policy_number, p.id`.stream.pipe(Stream.map(policyOf)),

      /**
       * One row per company with policies in the tax year (§15.3), by name: distinct persons and the sums of the
       * policies' values (all policies, as in the companies' CSV files); the tax counts each policy's
       * `tax_with_deductions` as 0 when it is under `limit` (`PolicySummary.summaryTax`, here in SQL).
       */
      totals: (taxYearId: number, limit: number = INDIFFERENCE_LIMIT): Stream.Stream<TotalSummaryCompany, SqlError> =>
        sql<TotalRow>`
          select coalesce(c.name, '') as name, s.persons, s.year_adjusted_amount, s.used_negative_return,
            s.taxable_amount, s.prepaid, s.tax
          from (
            select p.pension_company_id, count(distinct pty.person_id)::int as persons,
              sum(p.year_adjusted_amount)::text as year_adjusted_amount,
              sum(p.used_negative_return)::text as used_negative_return,
              sum(greatest(p.year_adjusted_amount, 0) - p.used_negative_return)::text as taxable_amount,
              sum(coalesce(p.preliminary_paid_amount, 0) + p.foreign_paid_amount_actual)::text as prepaid,
              sum(case when p.calculated_result < ${limit} then 0 else p.calculated_result end)::text as tax
            from kas.policy_tax_year p join kas.person_tax_year pty on pty.id = p.person_tax_year_id
            where pty.tax_year_id = ${taxYearId}
            group by p.pension_company_id
          ) s join kas.pension_company c on c.id = s.pension_company_id
          order by coalesce(c.name, ''), c.id`.stream.pipe(Stream.map(totalOf)),

      /** Stores a company's CSV and records it (one transaction); returns the record's id. */
      saveCompanyFile: Effect.fn("SummaryFiles.saveCompanyFile")(function* (companyId: number, file: NewSummaryFile) {
        return yield* sql.withTransaction(
          Effect.gen(function* () {
            const fileId = yield* files.put({
              kind: "company_summary",
              year: file.year,
              name: file.fileName,
              contentType: "text/csv; charset=utf-8",
              content: file.content
            })
            const creator = yield* creatorId(file.creator)
            const [row] = yield* sql<{ id: number }>`insert into kas.company_summary_file
              (pension_company_id, tax_year_id, file_id, creator_id)
              values (${companyId}, ${file.taxYearId}, ${fileId}, ${creator}) returning id`
            return row!.id
          })
        )
      }),

      /** Stores the all-company XLSX and records it (one transaction); returns the record's id. */
      saveTotalFile: Effect.fn("SummaryFiles.saveTotalFile")(function* (file: NewSummaryFile) {
        return yield* sql.withTransaction(
          Effect.gen(function* () {
            const fileId = yield* files.put({
              kind: "total_summary",
              year: file.year,
              name: file.fileName,
              contentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
              content: file.content
            })
            const creator = yield* creatorId(file.creator)
            const [row] = yield* sql<{
              id: number
            }>`insert into kas.total_summary_file (tax_year_id, file_id, creator_id)
              values (${file.taxYearId}, ${fileId}, ${creator}) returning id`
            return row!.id
          })
        )
      }),

      /** The generated files of a tax year, newest first (both kinds). */
      list: Effect.fn("SummaryFiles.list")(function* (taxYearId: number) {
        const rows = yield* sql<{
          kind: SummaryFileKind
          id: number
          company_name: string | null
          company_res: number | null
          file_name: string
          creator: string | null
          created: Date
        }>`
          select 'company' as kind, s.id, c.name as company_name, c.res as company_res, f.name as file_name,
            u.username as creator, s.created
          from kas.company_summary_file s join kas.pension_company c on c.id = s.pension_company_id
          join kas.file f on f.id = s.file_id left join web.users u on u.id = s.creator_id
          where s.tax_year_id = ${taxYearId}
          union all
          select 'total', s.id, null, null, f.name, u.username, s.created
          from kas.total_summary_file s join kas.file f on f.id = s.file_id left join web.users u on u.id = s.creator_id
          where s.tax_year_id = ${taxYearId}
          order by created desc, kind, id desc`
        return rows.map(
          (r): SummaryFileRow => ({
            kind: r.kind,
            id: r.id,
            companyName: r.company_name,
            companyRes: r.company_res,
            fileName: r.file_name,
            creator: r.creator,
            created: r.created
          })
        )
      }),

      /**
       * A file of the tax year for download, and the download logged (user, time, address) in the same transaction;
       * `NotFound` when there is no such file in that year.
       */
      download: Effect.fn("SummaryFiles.download")(function* (
        kind: SummaryFileKind,
        id: number,
        taxYearId: number,
        by: SummaryDownload
      ) {
        return yield* sql.withTransaction(
          Effect.gen(function* () {
            const [row] =
              kind === "company"
                ? yield* sql<{ file_id: string }>`select file_id from kas.company_summary_file
                    where id = ${id} and tax_year_id = ${taxYearId}`
                : yield* sql<{ file_id: string }>`select file_id from kas.total_summary_file
                    where id = ${id} and tax_year_id = ${taxYearId}`
            if (row === undefined) return yield* Effect.fail(NotFound.of("Årssummationsfil", id))
            const file: StoredFile = yield* files.get(row.file_id)
            yield* sql`insert into kas.summary_file_download (kind, file_id, user_id, ip_address)
              values (${kind}, ${id}, ${by.userId}, ${by.ipAddress})`
            return file
          })
        )
      }),

      /** The downloads of a file, oldest first (user id, time, address). */
      downloads: Effect.fn("SummaryFiles.downloads")(function* (kind: SummaryFileKind, id: number) {
        return yield* sql<{ user_id: number; downloaded_at: Date; ip_address: string }>`
          select user_id, downloaded_at, ip_address from kas.summary_file_download
          where kind = ${kind} and file_id = ${id} order by id`
      })
    }
  })
}) {}
