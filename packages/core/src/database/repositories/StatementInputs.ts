import { SqlClient } from "@effect/sql"
import { Effect, Either } from "effect"
import { daysInYear } from "../../domain/DaysInYear.js"
import { NotFound } from "../../domain/DomainError.js"
import { kronerOf } from "../../domain/Kroner.js"
import * as Loss from "../../domain/LossCarryForward.js"
import * as PolicyCalculation from "../../domain/PolicyCalculation.js"
import type { StatementInput, StatementPolicy, StatementTransaction } from "../../domain/StatementAmounts.js"
import type { YearPart } from "../../domain/TaxYearPeriod.js"
import { assemble, type CellRow, type MemberRow } from "../internal/FamilyStore.js"

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

/** The person-year's state that the generation checks besides the inputs (refusals, the bulk job's skips). */
export interface StatementHead {
  readonly taxYearId: number
  readonly year: number
  readonly yearPart: YearPart
  readonly fullyTaxLiable: boolean
  /** The number of its policy-years. */
  readonly policies: number
  /** Active and not slutlignet. */
  readonly notFinal: number
  /** Active and slutlignet. */
  readonly finalActive: number
  /** Its statements that are not invalid. */
  readonly validStatements: number
  /** Today in the database's time zone (YYYY-MM-DD). */
  readonly today: string
}

/** What `kas.statement_inputs` returns (core migration 0029). */
interface InputsDoc {
  readonly tax_year_id: number
  readonly year: number
  readonly year_part: YearPart
  readonly cpr: string
  readonly name: string | null
  readonly address: ReadonlyArray<string | null>
  readonly number_of_days: number | null
  readonly fully_tax_liable: boolean
  readonly today: string
  readonly lock_id: number | null
  readonly valid_statements: number
  readonly policies: ReadonlyArray<{
    readonly id: number
    readonly policy_number: string
    readonly company_name: string | null
    readonly active: boolean
    readonly slutlignet: boolean
  }>
  readonly members: ReadonlyArray<MemberRow & { readonly family: string }>
  readonly cells: ReadonlyArray<CellRow>
  readonly transactions: ReadonlyArray<{
    readonly type: "prisme10q" | "prepayment"
    readonly status: StatementTransaction["status"]
    readonly amount: number
    readonly created_at: string
  }>
}

/** The statement's own values of §5.1 that the form gives (0 for the bulk job). */
export interface GatherOptions {
  readonly interestOnRemainder?: number
  readonly extraPaymentForPreviousMissing?: number
}

const headOf = (doc: InputsDoc): StatementHead => ({
  taxYearId: doc.tax_year_id,
  year: doc.year,
  yearPart: doc.year_part,
  fullyTaxLiable: doc.fully_tax_liable,
  policies: doc.policies.length,
  notFinal: doc.policies.filter((p) => p.active && !p.slutlignet).length,
  finalActive: doc.policies.filter((p) => p.active && p.slutlignet).length,
  validStatements: doc.valid_statements,
  today: doc.today
})

/** The inputs of domain.md §5.1/§5.2 and the letter from the document of `kas.statement_inputs`. */
const gatheredOf = (personTaxYearId: number, doc: InputsDoc, options: GatherOptions | undefined) =>
  Effect.gen(function* () {
    if (doc.lock_id === null) return yield* Effect.fail(NotFound.of("Personskatteår", personTaxYearId))
    const rows = doc.policies.filter((p) => p.active)
    const loaded = assemble(
      doc.members,
      doc.cells,
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
        companyName: row.company_name ?? "",
        pensionCompanyPays: member.pensionCompanyPays,
        taxToPay: result.right.taxToPay
      })
      if (row.slutlignet) {
        const calc = result.right
        letterPolicies.push({
          policyNumber: row.policy_number,
          companyName: row.company_name,
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
    const transactions: ReadonlyArray<StatementTransaction> = doc.transactions.map((t) => ({
      type: t.type,
      status: t.status,
      amount: kronerOf(t.amount),
      createdAt: new Date(t.created_at)
    }))
    return {
      input: {
        policies,
        transactions,
        previousStatementExists: doc.valid_statements > 0,
        interestOnRemainder: options?.interestOnRemainder ?? 0,
        extraPaymentForPreviousMissing: options?.extraPaymentForPreviousMissing ?? 0
      },
      personTaxYearId,
      year: doc.year,
      taxYearId: doc.tax_year_id,
      cpr: doc.cpr,
      lockId: doc.lock_id,
      letter: {
        name: doc.name,
        addressLines: doc.address.filter((l): l is string => l !== null && l.trim() !== ""),
        numberOfDays: doc.number_of_days ?? daysInYear(doc.year),
        daysInYear: daysInYear(doc.year),
        policies: letterPolicies
      }
    } satisfies GatheredStatement
  })

/**
 * Gathers the inputs of domain.md §5.1/§5.2 for a person-year: its active policies with `policy_calculation(p)`
 * (§3.4, computed now from the stored policy and its loss history), its transactions, and whether a valid earlier
 * statement exists. The money itself is `StatementAmounts.compute`. Everything is read by one call of
 * `kas.statement_inputs` (core migration 0029).
 */
export class StatementInputs extends Effect.Service<StatementInputs>()("@kas/core/StatementInputs", {
  effect: Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const read = (personTaxYearId: number, lock: boolean) =>
      sql<{ doc: InputsDoc | null }>`select kas.statement_inputs(${personTaxYearId}, ${lock}) as doc`.pipe(
        Effect.flatMap(([row]) =>
          row?.doc ? Effect.succeed(row.doc) : Effect.fail(NotFound.of("Personskatteår", personTaxYearId))
        )
      )
    return {
      /** The inputs of a statement for `personTaxYearId` with the statement's own interest and extra payment. */
      gather: Effect.fn("StatementInputs.gather")(function* (personTaxYearId: number, options?: GatherOptions) {
        return yield* gatheredOf(personTaxYearId, yield* read(personTaxYearId, false), options)
      }),
      /**
       * Inside a transaction: locks the person-year row (against a concurrent generation) and shares its tax year's
       * row (against a change of period), then reads, in one round trip; what is read sees every change committed
       * before the locks were granted. Returns the person-year's state and its inputs (`gathered` fails with NotFound
       * when the year has no open lock).
       */
      lockAndGather: Effect.fn("StatementInputs.lockAndGather")(function* (
        personTaxYearId: number,
        options?: GatherOptions
      ) {
        const doc = yield* read(personTaxYearId, true)
        return { head: headOf(doc), gathered: gatheredOf(personTaxYearId, doc, options) }
      })
    }
  })
}) {}
