import { SqlClient } from "@effect/sql"
import { Effect, Either } from "effect"
import { NotFound } from "../../domain/DomainError.js"
import { kronerOf } from "../../domain/Kroner.js"
import * as Loss from "../../domain/LossCarryForward.js"
import * as PolicyCalculation from "../../domain/PolicyCalculation.js"
import type { StatementInput, StatementPolicy, StatementTransaction } from "../../domain/StatementAmounts.js"
import { loadFamilies } from "../internal/FamilyStore.js"

/** What a new final statement of a person-year is computed from, plus the context the letter needs. */
export interface GatheredStatement {
  readonly input: StatementInput
  readonly personTaxYearId: number
  readonly year: number
  readonly taxYearId: number
  readonly cpr: string
  /** The open lock the statement will belong to. */
  readonly lockId: number
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
        }>`
          select ty.year, ty.id as tax_year_id, p.cpr,
            (select l.id from kas.lock l where l.tax_year_id = ty.id and l.interval_to is null) as lock_id,
            exists (select 1 from kas.final_statement s where s.person_tax_year_id = pty.id and not s.invalid) as prev
          from kas.person_tax_year pty join kas.tax_year ty on ty.id = pty.tax_year_id
          join kas.person p on p.id = pty.person_id where pty.id = ${personTaxYearId}`
        if (head === undefined || head.lock_id === null)
          return yield* Effect.fail(NotFound.of("Personskatteår", personTaxYearId))
        const rows = yield* sql<{ id: number; policy_number: string; name: string | null }>`
          select p.id, p.policy_number, pc.name from kas.policy_tax_year p
          join kas.pension_company pc on pc.id = p.pension_company_id
          where p.person_tax_year_id = ${personTaxYearId} and p.active order by p.id`
        const loaded = yield* loadFamilies(
          sql,
          rows.map((r) => r.id)
        )
        const policies: Array<StatementPolicy> = []
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
        }
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
          lockId: head.lock_id
        } satisfies GatheredStatement
      })
    }
  })
}) {}
