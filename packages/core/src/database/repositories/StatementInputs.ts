import { SqlClient } from "@effect/sql"
import { Effect, Either } from "effect"
import { daysInYear } from "../../domain/DaysInYear.js"
import { NotFound } from "../../domain/DomainError.js"
import { kronerOf } from "../../domain/Kroner.js"
import * as Loss from "../../domain/LossCarryForward.js"
import * as PolicyCalculation from "../../domain/PolicyCalculation.js"
import type { StatementInput, StatementPolicy, StatementTransaction } from "../../domain/StatementAmounts.js"
import { loadFamilies } from "../internal/FamilyStore.js"

/** A policy as the letter shows it (integrations.md §5.2 step 5): its amounts and its calculation (§3.4). */
export interface LetterPolicy {
  readonly policyNumber: string
  /** The company's name, null when it has none ("-" in the letter). */
  readonly companyName: string | null
  readonly pensionCompanyPays: boolean
  readonly assessedAmount: number | null
  readonly selfReportedAmount: number | null
  /** The prefilled amount before the day adjustment: edited, else original, else 0. */
  readonly unadjustedPrefilledAmount: number
  /** The base amount (domain.md §3.2). */
  readonly baseAmount: number
  /** The loss-transfer cells into this year with an amount > 0, oldest first (A15). */
  readonly lossesUsed: ReadonlyArray<{ readonly year: number; readonly amount: number }>
  readonly taxableAmount: number
  readonly fullTax: number
  readonly foreignPaidAmountActual: number
  readonly preliminaryPaidAmount: number
  readonly taxWithDeductions: number
  /** `taxWithDeductions`, or 0 below the indifference limit (the letter's A20, decision). */
  readonly letterTax: number
}

/** What the final statement letter shows besides the money (integrations.md §5.2). */
export interface StatementLetter {
  readonly name: string | null
  /** The non-empty postal address lines (domain.md §2.3 `postal_address`). */
  readonly addressLines: ReadonlyArray<string>
  /** `number_of_days`, or the days of the year when it is not set. */
  readonly numberOfDays: number
  readonly daysInYear: number
  /** The active and slutlignet policies, by company name then policy number (decision). */
  readonly policies: ReadonlyArray<LetterPolicy>
}

/** What a new final statement of a person-year is computed from, plus the context the letter needs. */
export interface GatheredStatement {
  readonly input: StatementInput
  readonly personTaxYearId: number
  readonly year: number
  readonly taxYearId: number
  readonly cpr: string
  /** The open lock the statement will belong to. */
  readonly lockId: number
  /** The person, the days and the policies the letter lists. */
  readonly letter: StatementLetter
}

/**
 * Gathers the inputs of domain.md §5.1/§5.2 for a person-year: its active policies with `policy_calculation(p)`
 * (§3.4, computed now from the stored policy and its loss history), its transactions, and whether a valid earlier
 * statement exists. The money itself is `StatementAmounts.compute`.
 */
export class StatementInputs extends Effect.Service<StatementInputs>()("@kas/core/StatementInputs", {
  effect: Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    return {
      /** The inputs of a statement for `personTaxYearId` with the statement's own interest and extra payment. */
      gather: Effect.fn("StatementInputs.gather")(function* (
        personTaxYearId: number,
        options?: { readonly interestOnRemainder?: number; readonly extraPaymentForPreviousMissing?: number }
      ) {
        const [head] = yield* sql<{
          year: number
          tax_year_id: number
          cpr: string
          lock_id: number | null
          prev: boolean
          name: string | null
          address: ReadonlyArray<string | null>
          number_of_days: number | null
        }>`
          select ty.year, ty.id as tax_year_id, p.cpr, p.name, pty.number_of_days,
            array[p.address_line_1, p.address_line_2, p.address_line_3, p.address_line_4, p.address_line_5] as address,
            (select l.id from kas.lock l where l.tax_year_id = ty.id and l.interval_to is null) as lock_id,
            exists (select 1 from kas.final_statement s where s.person_tax_year_id = pty.id and not s.invalid) as prev
          from kas.person_tax_year pty join kas.tax_year ty on ty.id = pty.tax_year_id
          join kas.person p on p.id = pty.person_id where pty.id = ${personTaxYearId}`
        if (head === undefined || head.lock_id === null)
          return yield* Effect.fail(NotFound.of("Personskatteår", personTaxYearId))
        const rows = yield* sql<{ id: number; policy_number: string; name: string | null; slutlignet: boolean }>`
          select p.id, p.policy_number, pc.name, p.slutlignet from kas.policy_tax_year p
          join kas.pension_company pc on pc.id = p.pension_company_id
          where p.person_tax_year_id = ${personTaxYearId} and p.active order by p.id`
        const loaded = yield* loadFamilies(
          sql,
          rows.map((r) => r.id)
        )
        const policies: Array<StatementPolicy> = []
        const letterPolicies: Array<LetterPolicy> = []
        for (const row of rows) {
          const at = loaded.byPolicy.get(row.id)!
          const member = at.family.members.get(at.year)!
          const years = [...at.family.members.values()].map((m) => ({
            year: m.year,
            active: m.active,
            yearAdjustedAmount: m.state.yearAdjustedAmount
          }))
          const available = Loss.availableDeductions(years, at.family.cells, at.year).deductions
          const result = PolicyCalculation.policyCalculation({
            ...member,
            baseCalculationAmount: member.state.baseCalculationAmount,
            availableDeductions: available
          })
          if (Either.isLeft(result)) return yield* Effect.die(result.left)
          policies.push({
            policyNumber: row.policy_number,
            companyName: row.name ?? "",
            pensionCompanyPays: member.pensionCompanyPays,
            taxToPay: result.right.taxToPay
          })
          if (row.slutlignet) {
            const calc = result.right
            letterPolicies.push({
              policyNumber: row.policy_number,
              companyName: row.name,
              pensionCompanyPays: member.pensionCompanyPays,
              assessedAmount: member.assessedAmount,
              selfReportedAmount: member.selfReportedAmount,
              unadjustedPrefilledAmount: member.prefilledAmountEdited ?? member.prefilledAmount ?? 0,
              baseAmount: calc.initialAmount,
              lossesUsed: at.family.cells
                .filter((c: Loss.LossCell) => c.toYear === at.year && c.value > 0)
                .sort((a: Loss.LossCell, b: Loss.LossCell) => a.fromYear - b.fromYear)
                .map((c: Loss.LossCell) => ({ year: c.fromYear, amount: c.value })),
              taxableAmount: calc.taxableAmount,
              fullTax: calc.fullTax,
              foreignPaidAmountActual: member.foreignPaidAmountActual,
              preliminaryPaidAmount: member.preliminaryPaidAmount ?? 0,
              taxWithDeductions: calc.taxWithDeductions,
              letterTax: calc.indifferenceLimited ? 0 : calc.taxWithDeductions
            })
          }
        }
        letterPolicies.sort(
          (a, b) =>
            (a.companyName ?? "").localeCompare(b.companyName ?? "", "da") ||
            a.policyNumber.localeCompare(b.policyNumber, "da")
        )
        const transactions: ReadonlyArray<StatementTransaction> = (yield* sql<{
          type: "prisme10q" | "prepayment"
          status: StatementTransaction["status"]
          amount: string
          created_at: Date
        }>`select type, status, amount::text as amount, created_at from kas.transaction
          where person_tax_year_id = ${personTaxYearId} order by created_at`).map((t) => ({
          type: t.type,
          status: t.status,
          amount: kronerOf(t.amount),
          createdAt: t.created_at
        }))
        return {
          input: {
            policies,
            transactions,
            previousStatementExists: head.prev,
            interestOnRemainder: options?.interestOnRemainder ?? 0,
            extraPaymentForPreviousMissing: options?.extraPaymentForPreviousMissing ?? 0
          },
          personTaxYearId,
          year: head.year,
          taxYearId: head.tax_year_id,
          cpr: head.cpr,
          lockId: head.lock_id,
          letter: {
            name: head.name,
            addressLines: head.address.filter((l): l is string => l !== null && l.trim() !== ""),
            numberOfDays: head.number_of_days ?? daysInYear(head.year),
            daysInYear: daysInYear(head.year),
            policies: letterPolicies
          }
        } satisfies GatheredStatement
      })
    }
  })
}) {}
