import { SqlClient } from "@effect/sql"
import { Effect } from "effect"
import { setAuditContextOn } from "./Audit.js"
import { daysInYear } from "../../domain/DaysInYear.js"
import { NotFound } from "../../domain/DomainError.js"
import { kronerOf, kronerOrNullOf } from "../../domain/Kroner.js"
import { FileStore } from "./FileStore.js"

/** One active policy on a tax slip (integrations.md §5.3 step 5). */
export interface TaxSlipPolicy {
  /** The company's name, null when it has none ("-" on the slip). */
  readonly companyName: string | null
  readonly policyNumber: string
  /** The prefilled amount: edited, else original (null when neither). */
  readonly prefilledAmount: number | null
  /** The stored `year_adjusted_amount`. */
  readonly yearAdjustedAmount: number
  readonly pensionCompanyPays: boolean
}

/** What a tax slip is rendered from (integrations.md §5.3). */
export interface TaxSlipDraft {
  readonly personTaxYearId: number
  readonly year: number
  readonly cpr: string
  readonly name: string | null
  readonly addressLines: ReadonlyArray<string>
  /** `number_of_days`, or the days of the year when it is not set. */
  readonly numberOfDays: number
  readonly policies: ReadonlyArray<TaxSlipPolicy>
}

/** Renders the PDF of a tax slip; runs inside the slip's transaction. */
export type TaxSlipRenderer<E> = (draft: TaxSlipDraft) => Effect.Effect<Uint8Array, E>

/** The audit reason of the person-year's `tax_slip_id` change. */
export const taxSlipReason = "Genereret selvangivelse"

/**
 * Tax slips (domain.md §2.12, jobs.md §8.6): the recipients of a year, one slip per person-year rendered and stored
 * with its file in one transaction (the person-year's `tax_slip_id` points to the newest), and the newest slip.
 */
export class TaxSlips extends Effect.Service<TaxSlips>()("@kas/core/TaxSlips", {
  effect: Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const files = yield* FileStore

    const draft = Effect.fn("TaxSlips.draft")(function* (personTaxYearId: number) {
      const [head] = yield* sql<{
        year: number
        cpr: string
        name: string | null
        number_of_days: number | null
        address: ReadonlyArray<string | null>
      }>`select ty.year, p.cpr, p.name, pty.number_of_days,
          array[p.address_line_1, p.address_line_2, p.address_line_3, p.address_line_4, p.address_line_5] as address
        from kas.person_tax_year pty join kas.tax_year ty on ty.id = pty.tax_year_id
        join kas.person p on p.id = pty.person_id where pty.id = ${personTaxYearId}`
      if (head === undefined) return yield* Effect.fail(NotFound.of("Personskatteår", personTaxYearId))
      const policies = yield* sql<{
        name: string | null
        policy_number: string
        prefilled: string | null
        year_adjusted_amount: string
        company_pays: boolean
      }>`select pc.name, p.policy_number, coalesce(p.prefilled_amount_edited, p.prefilled_amount)::text as prefilled,
          p.year_adjusted_amount::text as year_adjusted_amount,
          (pc.agreement_present or p.company_pay_override) and not p.citizen_pay_override as company_pays
        from kas.policy_tax_year p join kas.pension_company pc on pc.id = p.pension_company_id
        where p.person_tax_year_id = ${personTaxYearId} and p.active
        order by pc.name nulls first, p.policy_number`
      return {
        personTaxYearId,
        year: head.year,
        cpr: head.cpr,
        name: head.name,
        addressLines: head.address.filter((l): l is string => l !== null && l.trim() !== ""),
        numberOfDays: head.number_of_days ?? daysInYear(head.year),
        policies: policies.map((p) => ({
          companyName: p.name,
          policyNumber: p.policy_number,
          prefilledAmount: kronerOrNullOf(p.prefilled),
          yearAdjustedAmount: kronerOf(p.year_adjusted_amount),
          pensionCompanyPays: p.company_pays
        }))
      } satisfies TaxSlipDraft
    })

    return {
      draft,
      /** The person-years of a year that receive a tax slip: fully tax liable with `number_of_days` > 0. */
      recipients: Effect.fn("TaxSlips.recipients")(function* (taxYearId: number) {
        const rows = yield* sql<{ id: number }>`select id from kas.person_tax_year
          where tax_year_id = ${taxYearId} and fully_tax_liable and number_of_days > 0 order by id`
        return rows.map((r) => r.id)
      }),
      /**
       * Renders and stores a new tax slip with `title` and status `created`, and points the person-year to it, in one
       * transaction (jobs.md §8.6). The file is named `Y_{year}_{cpr}.pdf` (integrations.md §5.3).
       */
      generate: <E>(personTaxYearId: number, title: string, render: TaxSlipRenderer<E>, author: string) =>
        sql
          .withTransaction(
            Effect.gen(function* () {
              const d = yield* draft(personTaxYearId)
              const pdf = yield* render(d)
              const fileId = yield* files.put({
                kind: "tax_slip",
                year: d.year,
                name: `Y_${d.year}_${d.cpr}.pdf`,
                contentType: "application/pdf",
                content: pdf
              })
              const [slip] = yield* sql<{ id: number }>`insert into kas.tax_slip (person_tax_year_id, file_id, title)
                values (${personTaxYearId}, ${fileId}, ${title}) returning id`
              yield* setAuditContextOn(sql, author, taxSlipReason)
              yield* sql`update kas.person_tax_year set tax_slip_id = ${slip!.id} where id = ${personTaxYearId}`
              return { id: slip!.id, fileId }
            })
          )
          .pipe(Effect.withSpan("TaxSlips.generate")),
      /** The newest tax slip's PDF of a person-year ("Hent selvangivelse PDF", §6.4); NotFound when none. */
      latestFile: Effect.fn("TaxSlips.latestFile")(function* (personTaxYearId: number) {
        const [row] = yield* sql<{ file_id: string }>`select ts.file_id from kas.person_tax_year pty
          join kas.tax_slip ts on ts.id = pty.tax_slip_id where pty.id = ${personTaxYearId}`
        if (row === undefined) return yield* Effect.fail(NotFound.of("Selvangivelse", personTaxYearId))
        return yield* files.get(row.file_id)
      }),
      /** The newest tax slip of a person-year (its id and file id), or NotFound. */
      latest: Effect.fn("TaxSlips.latest")(function* (personTaxYearId: number) {
        const [row] = yield* sql<{ id: number; file_id: string }>`select s.id, s.file_id::text as file_id
          from kas.person_tax_year pty join kas.tax_slip s on s.id = pty.tax_slip_id where pty.id = ${personTaxYearId}`
        if (row === undefined) return yield* Effect.fail(NotFound.of("Selvangivelse", personTaxYearId))
        return { id: row.id, fileId: row.file_id }
      })
    }
  })
}) {}
