import { SqlClient } from "@effect/sql"
import { Effect, Schema } from "effect"
import type { Cpr } from "../../domain/Cpr.js"
import { DomainRuleError, NotFound } from "../../domain/DomainError.js"
import { Reasons } from "../../domain/History.js"
import * as PolicyNumber from "../../domain/PolicyNumber.js"
import { LossTransfer, PolicyTaxYear } from "../../domain/PolicyTaxYear.js"
import { cellLimit } from "../internal/CellLimit.js"
import { type AuditAuthor, setAuditContextOn } from "./Audit.js"
import { Recalculation } from "./Recalculation.js"
import { TaxYears } from "./TaxYears.js"

const decodePolicies = Schema.decodeUnknown(Schema.Array(PolicyTaxYear))
const decodeCells = Schema.decodeUnknown(Schema.Array(LossTransfer))

/** A new policy-year created by staff. */
export interface NewPolicy {
  readonly person_tax_year_id: number
  readonly pension_company_id: number
  readonly policy_number: string
  readonly prefilled_amount?: number | null
  readonly self_reported_amount?: number | null
}

/** A policy-year a citizen adds in the self-assessment (selvbetjening.md §7.4). */
export interface SelfReportedPolicy {
  readonly person_tax_year_id: number
  readonly pension_company_id: number
  readonly policy_number: string
  readonly self_reported_amount: number | null
  readonly updated_by: string
}

/** A policy-year an import creates: its person-year, company, number and prefilled amount (kroner as text). */
export interface ImportedPolicy {
  readonly person_tax_year_id: number
  readonly pension_company_id: number
  readonly policy_number: string
  readonly prefilled_amount: string | null
  /** Whether the policy has other years (then it is recalculated with them after the insert). */
  readonly other_years: boolean
  /** The person-year's days and whether the company pays: what a policy's only year is calculated with. */
  readonly number_of_days: number | null
  readonly pension_company_pays: boolean
}

/** The fields of "Ret beløb" (staff-web.md), allowed in `ligning` and `genoptagelsesperiode`. */
export interface AmountsEdit {
  readonly prefilled_amount_edited: number | null
  readonly assessed_amount: number | null
  readonly foreign_paid_amount_actual: number
  readonly preliminary_paid_amount: number | null
  readonly slutlignet: boolean
  /** Written when given (the staff form has it; undefined leaves it as it is). */
  readonly self_reported_amount?: number | null | undefined
  /** `YYYY-MM-DD`; written when given. */
  readonly next_processing_date?: string | null | undefined
}

/** The refusal of an edit of a deregistered policy (staff-web.md §8.3: edits only for active policies). */
export const inactivePolicyMessage = "Policen er afregistreret; aktivér den før den ændres"

/** A person-year already has a policy with this company and number (staff-web.md §8.3, §8.5). */
export const duplicatePolicyMessage = "En police med disse oplysninger findes allerede"

/** "Ret borgerbetaling" is only for a policy whose company has an agreement (staff-web.md §8.3, decision: text). */
export const noAgreementMessage = "Pensionsselskabet har ingen aftale med Skattestyrelsen om automatisk betaling"

/**
 * Policy-years and their loss cells: queries, and the staff edits of domain.md §4.5 / §7.4, each checking the
 * period (§6.1), writing in one transaction with its audit reason and recalculating what it affects.
 */
export class Policies extends Effect.Service<Policies>()("@kas/core/Policies", {
  dependencies: [Recalculation.Default, TaxYears.Default],
  effect: Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const recalculation = yield* Recalculation
    const taxYears = yield* TaxYears
    const select = sql`select p.* , p.next_processing_date::text as next_processing_date from kas.policy_tax_year p`

    const get = Effect.fn("Policies.get")(function* (id: number) {
      const rows = yield* decodePolicies(yield* sql`${select} where p.id = ${id}`).pipe(Effect.orDie)
      return rows[0] ?? (yield* Effect.fail(NotFound.of("Police", id)))
    })

    const taxYearOf = (id: number) =>
      sql<{ tax_year_id: number }>`select pty.tax_year_id from kas.policy_tax_year p
        join kas.person_tax_year pty on pty.id = p.person_tax_year_id where p.id = ${id}`.pipe(
        Effect.flatMap((rows) =>
          rows[0] ? Effect.succeed(rows[0].tax_year_id) : Effect.fail(NotFound.of("Police", id))
        )
      )

    /** Later active years of the same policy as `id`, oldest first. */
    const laterYears = (id: number) =>
      sql<{ id: number }>`select f.id from kas.policy_tax_year p
        join kas.person_tax_year pty on pty.id = p.person_tax_year_id
        join kas.tax_year ty on ty.id = pty.tax_year_id
        join kas.person_tax_year fpty on fpty.person_id = pty.person_id
        join kas.tax_year fty on fty.id = fpty.tax_year_id and fty.year > ty.year
        join kas.policy_tax_year f on f.person_tax_year_id = fpty.id and f.pension_company_id = p.pension_company_id
          and f.policy_number = p.policy_number and f.active
        where p.id = ${id} order by fty.year`.pipe(Effect.map((rows) => rows.map((r) => r.id)))

    const requireActive = (id: number) =>
      Effect.flatMap(get(id), (p) =>
        p.active ? Effect.void : Effect.fail(new DomainRuleError({ rule: "inactive", message: inactivePolicyMessage }))
      )

    const edit = <A, E, R>(author: AuditAuthor, reason: string, effect: Effect.Effect<A, E, R>) =>
      sql.withTransaction(Effect.zipRight(setAuditContextOn(sql, author, reason), effect))

    return {
      get,
      /**
       * The policy-year writes of an import chunk (eskat.md §8.2), set-based, in the caller's transaction: the
       * prefilled amounts that differ ("Updated by import"), then the new policy-years ("Created by import"; a
       * policy's only year calculated in memory and inserted with its results, one with other years inserted and then
       * recalculated with them), then the recalculation of the changed ones (`recalcR75`). Returns the ids written.
       */
      importPrefilled: Effect.fn("Policies.importPrefilled")(function* (chunk: {
        readonly year: number
        readonly author: AuditAuthor
        readonly amounts: ReadonlyArray<{ readonly id: number; readonly amount: string | null }>
        readonly created: ReadonlyArray<ImportedPolicy>
      }) {
        yield* setAuditContextOn(sql, chunk.author, Reasons.updatedByImport)
        const updated =
          chunk.amounts.length === 0
            ? []
            : yield* sql.unsafe<{ id: number }>(
                `update kas.policy_tax_year p set prefilled_amount = u.amount
                 from unnest($1::int[], $2::bigint[]) as u(id, amount)
                 where p.id = u.id and p.prefilled_amount is distinct from u.amount
                 returning p.id`,
                [chunk.amounts.map((a) => a.id), chunk.amounts.map((a) => a.amount)]
              )
        yield* setAuditContextOn(sql, chunk.author, Reasons.createdByImport)
        const withOthers = chunk.created.filter((p) => p.other_years)
        const created =
          withOthers.length === 0
            ? []
            : yield* sql.unsafe<{ id: number }>(
                `insert into kas.policy_tax_year (person_tax_year_id, pension_company_id, policy_number,
                   prefilled_amount)
                 select * from unnest($1::int[], $2::int[], $3::text[], $4::bigint[])
                 on conflict (person_tax_year_id, pension_company_id, policy_number) do nothing returning id`,
                [
                  withOthers.map((p) => p.person_tax_year_id),
                  withOthers.map((p) => p.pension_company_id),
                  withOthers.map((p) => p.policy_number),
                  withOthers.map((p) => p.prefilled_amount)
                ]
              )
        // A policy's only year: calculated in memory and inserted with its results (what inserting and then
        // recalculating it would store, without writing each row twice).
        const singles = chunk.created.filter((p) => !p.other_years)
        const results = yield* recalculation.calculateNew(
          singles.map((p) => ({
            year: chunk.year,
            numberOfDays: p.number_of_days,
            prefilledAmount: p.prefilled_amount === null ? null : Number(p.prefilled_amount),
            pensionCompanyPays: p.pension_company_pays
          })),
          Reasons.recalcR75
        )
        const inserted =
          singles.length === 0
            ? []
            : yield* sql.unsafe<{ id: number }>(
                `insert into kas.policy_tax_year (person_tax_year_id, pension_company_id, policy_number,
                   prefilled_amount, year_adjusted_amount, calculated_full_tax, calculated_result,
                   available_negative_return, indifference_limited, base_calculation_amount, slutlignet,
                   efterbehandling)
                 select * from unnest($1::int[], $2::int[], $3::text[], $4::bigint[], $5::bigint[], $6::bigint[],
                   $7::bigint[], $8::bigint[], $9::bool[], $10::bigint[], $11::bool[], $12::bool[])
                 on conflict (person_tax_year_id, pension_company_id, policy_number) do nothing returning id`,
                [
                  singles.map((p) => p.person_tax_year_id),
                  singles.map((p) => p.pension_company_id),
                  singles.map((p) => p.policy_number),
                  singles.map((p) => p.prefilled_amount),
                  results.map((r) => r.yearAdjustedAmount),
                  results.map((r) => r.calculatedFullTax),
                  results.map((r) => r.calculatedResult),
                  results.map((r) => r.availableNegativeReturn),
                  results.map((r) => r.indifferenceLimited),
                  results.map((r) => r.baseCalculationAmount),
                  results.map((r) => r.slutlignet),
                  results.map((r) => r.efterbehandling)
                ]
              )
        const ids = (rows: ReadonlyArray<{ id: number }>) => rows.map((r) => r.id).sort((a, b) => a - b)
        if (created.length > 0) {
          yield* recalculation.recalculatePolicies(ids(created), Reasons.recalcR75, {
            policyReason: Reasons.createdByImport
          })
        }
        if (updated.length > 0) {
          yield* setAuditContextOn(sql, chunk.author, Reasons.updatedByImport)
          yield* recalculation.recalculatePolicies(ids(updated), Reasons.recalcR75, {
            policyReason: Reasons.updatedByImport
          })
        }
        return { updated: ids(updated), created: [...ids(created), ...ids(inserted)] }
      }),
      /** The policies of a person-year, by company and number. */
      listByPersonTaxYear: Effect.fn("Policies.listByPersonTaxYear")(function* (personTaxYearId: number) {
        return yield* decodePolicies(
          yield* sql`${select} where p.person_tax_year_id = ${personTaxYearId}
            order by p.pension_company_id, p.policy_number`
        ).pipe(Effect.orDie)
      }),
      /**
       * Every year of the same policy (same person, company and number) for each policy of a person-year, the policy
       * itself included, oldest first (the "År" selector of the policy page, staff-web.md §8.2).
       */
      yearsOfSamePolicies: Effect.fn("Policies.yearsOfSamePolicies")(function* (personTaxYearId: number) {
        return yield* sql<{ policy_id: number; id: number; year: number }>`select p.id as policy_id, f.id, ty.year
          from kas.policy_tax_year p join kas.person_tax_year pty on pty.id = p.person_tax_year_id
          join kas.person_tax_year fpty on fpty.person_id = pty.person_id
          join kas.policy_tax_year f on f.person_tax_year_id = fpty.id and f.pension_company_id = p.pension_company_id
            and f.policy_number = p.policy_number
          join kas.tax_year ty on ty.id = fpty.tax_year_id
          where p.person_tax_year_id = ${personTaxYearId} order by p.id, ty.year`
      }),
      /** The policies of a CPR in a calendar year. */
      listByCprAndYear: Effect.fn("Policies.listByCprAndYear")(function* (cpr: Cpr, year: number) {
        return yield* decodePolicies(
          yield* sql`${select} join kas.person_tax_year pty on pty.id = p.person_tax_year_id
            join kas.person pe on pe.id = pty.person_id join kas.tax_year ty on ty.id = pty.tax_year_id
            where pe.cpr = ${cpr} and ty.year = ${year} order by p.id`
        ).pipe(Effect.orDie)
      }),
      /** The loss cells into or out of a policy-year. */
      cellsOf: Effect.fn("Policies.cellsOf")(function* (policyId: number) {
        return yield* decodeCells(
          yield* sql`select * from kas.loss_transfer where used_for_id = ${policyId} or used_from_id = ${policyId}
            order by used_from_id, used_for_id`
        ).pipe(Effect.orDie)
      }),
      /**
       * Staff create a policy-year (staff-web.md §8.5); it is calculated at once ("Genberegning ved oprettelse af
       * police"). The number follows `PolicyNumber` (trimmed); a policy with the same person-year, company and number
       * is refused ("En police med disse oplysninger findes allerede"). With a self-reported amount and no prefilled
       * one the active amount is the self-reported (3).
       */
      create: Effect.fn("Policies.create")(function* (input: NewPolicy, author: AuditAuthor) {
        const number = PolicyNumber.normalize(input.policy_number)
        const problem = PolicyNumber.problemOf(number)
        if (problem !== null) {
          const message = problem === "required" ? PolicyNumber.messages.required : PolicyNumber.messages.tooLong
          return yield* Effect.fail(new DomainRuleError({ rule: "policy-number", message }))
        }
        const activeAmount =
          (input.prefilled_amount ?? null) === null && (input.self_reported_amount ?? null) !== null ? 3 : 1
        return yield* edit(
          author,
          Reasons.recalcPolicyCreated,
          Effect.gen(function* () {
            const company = yield* sql`select 1 from kas.pension_company where id = ${input.pension_company_id}`
            if (company.length === 0)
              return yield* Effect.fail(NotFound.of("Pensionsselskab", input.pension_company_id))
            const [row] = yield* sql<{ id: number }>`insert into kas.policy_tax_year
              (person_tax_year_id, pension_company_id, policy_number, prefilled_amount, self_reported_amount,
                active_amount)
              values (${input.person_tax_year_id}, ${input.pension_company_id}, ${number},
                ${input.prefilled_amount ?? null}, ${input.self_reported_amount ?? null}, ${activeAmount})
              on conflict (person_tax_year_id, pension_company_id, policy_number) do nothing returning id`
            if (row === undefined) {
              return yield* Effect.fail(new DomainRuleError({ rule: "policy-unique", message: duplicatePolicyMessage }))
            }
            yield* recalculation.recalculatePolicy(row.id, Reasons.recalcPolicyCreated)
            return yield* get(row.id)
          })
        )
      }),
      /**
       * A citizen's new policy-year with its self-reported amount (active amount 3 = self-reported), in the caller's
       * transaction and audit context (the self-assessment submission recalculates once for all it changed).
       */
      createSelfReported: Effect.fn("Policies.createSelfReported")(function* (input: SelfReportedPolicy) {
        const [row] = yield* sql<{
          id: number
        }>`insert into kas.policy_tax_year (person_tax_year_id, pension_company_id,
            policy_number, self_reported_amount, active_amount, updated_by)
          values (${input.person_tax_year_id}, ${input.pension_company_id}, ${input.policy_number},
            ${input.self_reported_amount}, 3, ${input.updated_by}) returning id`
        return row!.id
      }),
      /** A citizen's self-reported amount of a policy-year, in the caller's transaction and audit context. */
      setSelfReported: Effect.fn("Policies.setSelfReported")(function* (id: number, amount: number, updatedBy: string) {
        yield* sql`update kas.policy_tax_year set self_reported_amount = ${amount}, active_amount = 3,
          updated_by = ${updatedBy} where id = ${id}`
      }),
      /** "Ret selvangivet beløb": only in `selvangivelse`, only an active policy; the date is written when given. */
      editSelfReported: Effect.fn("Policies.editSelfReported")(function* (
        id: number,
        amount: number | null,
        author: AuditAuthor,
        nextProcessingDate?: string | null
      ) {
        const reason = Reasons.recalcSelfReported
        return yield* edit(
          author,
          reason,
          Effect.gen(function* () {
            yield* taxYears.requirePeriod(yield* taxYearOf(id), "editSelfReportedAmount")
            yield* requireActive(id)
            yield* sql`update kas.policy_tax_year set self_reported_amount = ${amount}, active_amount = 3
              where id = ${id}`
            if (nextProcessingDate !== undefined) {
              yield* sql`update kas.policy_tax_year set next_processing_date = ${nextProcessingDate}::date
                where id = ${id}`
            }
            yield* recalculation.recalculatePolicy(id, reason)
            return yield* get(id)
          })
        )
      }),
      /**
       * "Ret beløb": only in `ligning` and `genoptagelsesperiode`, only an active policy; slutlignet decides
       * efterbehandling (§7.4); without an assessed amount the label follows the self-reported one (staff-web.md §8.3).
       */
      editAmounts: Effect.fn("Policies.editAmounts")(function* (id: number, input: AmountsEdit, author: AuditAuthor) {
        const reason = Reasons.recalcAmounts
        return yield* edit(
          author,
          reason,
          Effect.gen(function* () {
            yield* taxYears.requirePeriod(yield* taxYearOf(id), "editAmounts")
            yield* requireActive(id)
            if (input.self_reported_amount !== undefined) {
              yield* sql`update kas.policy_tax_year set self_reported_amount = ${input.self_reported_amount}
                where id = ${id}`
            }
            if (input.next_processing_date !== undefined) {
              yield* sql`update kas.policy_tax_year set next_processing_date = ${input.next_processing_date}::date
                where id = ${id}`
            }
            if (input.assessed_amount === null) {
              yield* sql`update kas.policy_tax_year set
                active_amount = case when self_reported_amount is null then 1 else 3 end
                where id = ${id}`
            }
            yield* sql`update kas.policy_tax_year set prefilled_amount_edited = ${input.prefilled_amount_edited},
              assessed_amount = ${input.assessed_amount},
              foreign_paid_amount_actual = ${input.foreign_paid_amount_actual},
              preliminary_paid_amount = ${input.preliminary_paid_amount}, slutlignet = ${input.slutlignet},
              efterbehandling = ${!input.slutlignet} where id = ${id}`
            yield* recalculation.recalculatePolicy(id, reason)
            return yield* get(id)
          })
        )
      }),
      /**
       * "Ret borgerbetaling": only an active policy whose company has an agreement; a change of the override sets
       * efterbehandling = true and is recalculated (domain.md §4.5, §7.4). No change writes nothing.
       */
      setCitizenPays: Effect.fn("Policies.setCitizenPays")(function* (id: number, value: boolean, author: AuditAuthor) {
        const reason = Reasons.recalcCitizenPay
        return yield* edit(
          author,
          reason,
          Effect.gen(function* () {
            yield* requireActive(id)
            const [company] = yield* sql<{ agreement: boolean }>`select c.agreement_present as agreement
              from kas.policy_tax_year p join kas.pension_company c on c.id = p.pension_company_id where p.id = ${id}`
            if (company?.agreement !== true) {
              return yield* Effect.fail(new DomainRuleError({ rule: "no-agreement", message: noAgreementMessage }))
            }
            const changed = yield* sql`update kas.policy_tax_year set citizen_pay_override = ${value},
              efterbehandling = true where id = ${id} and citizen_pay_override <> ${value} returning id`
            if (changed.length > 0) yield* recalculation.recalculatePolicy(id, reason)
            return yield* get(id)
          })
        )
      }),
      /**
       * The "Kræver efterbehandling" toggle of the policy page (staff-web.md §8.2), audited with
       * "Kræver efterbehandling ændret" (decision). Allowed for inactive policies too (decision): an inactive policy's
       * flag still counts for the person-year (domain.md §7.2), so staff must be able to clear it. No recalculation:
       * the flag does not enter the calculation.
       */
      setEfterbehandling: Effect.fn("Policies.setEfterbehandling")(function* (
        id: number,
        value: boolean,
        author: AuditAuthor
      ) {
        return yield* edit(
          author,
          Reasons.efterbehandlingChanged,
          Effect.gen(function* () {
            yield* sql`update kas.policy_tax_year set efterbehandling = ${value}
              where id = ${id} and efterbehandling <> ${value}`
            return yield* get(id)
          })
        )
      }),
      /**
       * (De)activates a policy-year: on deactivation every cell into and out of it is set to 0 first (protected
       * ones too); then it and every later active year of the same policy are recalculated, oldest first.
       */
      setActive: Effect.fn("Policies.setActive")(function* (id: number, active: boolean, author: AuditAuthor) {
        const reason = Reasons.recalcActivation
        return yield* edit(
          author,
          reason,
          Effect.gen(function* () {
            yield* get(id)
            if (!active) {
              yield* sql`update kas.loss_transfer set transferred_negative_payout = 0
                where (used_for_id = ${id} or used_from_id = ${id}) and transferred_negative_payout <> 0`
            }
            yield* sql`update kas.policy_tax_year set active = ${active} where id = ${id} and active <> ${active}`
            yield* recalculation.recalculatePolicies([id, ...(yield* laterYears(id))], reason)
            return yield* get(id)
          })
        )
      }),
      /**
       * Staff save a matrix cell ("Manuel rettelse"); its `used_for` year is then recalculated. Refused unless both
       * ends are active years of the same policy, the giving year earlier and within ten years, and the value within
       * 0 … the cell's limit (domain.md §4.4, staff-web.md §9: "Værdien skal være mellem 0 og {limit}").
       */
      saveCell: Effect.fn("Policies.saveCell")(function* (
        cell: {
          readonly usedFromId: number
          readonly usedForId: number
          readonly value: number
          readonly protect: boolean
        },
        author: AuditAuthor
      ) {
        return yield* edit(
          author,
          Reasons.manualCorrection,
          Effect.gen(function* () {
            const same = yield* sql<{ ok: boolean }>`select (a_pty.person_id = b_pty.person_id
                and a.pension_company_id = b.pension_company_id and a.policy_number = b.policy_number
                and a_ty.year < b_ty.year) as ok
              from kas.policy_tax_year a join kas.person_tax_year a_pty on a_pty.id = a.person_tax_year_id
              join kas.tax_year a_ty on a_ty.id = a_pty.tax_year_id, kas.policy_tax_year b
              join kas.person_tax_year b_pty on b_pty.id = b.person_tax_year_id
              join kas.tax_year b_ty on b_ty.id = b_pty.tax_year_id
              where a.id = ${cell.usedFromId} and b.id = ${cell.usedForId}`
            if (same[0]?.ok !== true) {
              return yield* Effect.fail(
                new DomainRuleError({
                  rule: "loss-cell",
                  message: "Cellen skal gå fra et tidligere år af samme police"
                })
              )
            }
            const limit = yield* cellLimit(sql, cell.usedFromId, cell.usedForId)
            if (limit === undefined || !limit.editable) {
              return yield* Effect.fail(
                new DomainRuleError({
                  rule: "loss-cell",
                  message: "Cellen kan ikke redigeres: der er intet negativt afkast at overføre"
                })
              )
            }
            if (!Number.isSafeInteger(cell.value) || cell.value < 0 || cell.value > limit.limit) {
              return yield* Effect.fail(
                new DomainRuleError({
                  rule: "loss-cell-range",
                  message: `Værdien skal være mellem 0 og ${limit.limit}`
                })
              )
            }
            yield* sql`insert into kas.loss_transfer (used_from_id, used_for_id, transferred_negative_payout,
                protected_against_recalculations)
              values (${cell.usedFromId}, ${cell.usedForId}, ${cell.value}, ${cell.protect})
              on conflict (used_from_id, used_for_id) do update set
                transferred_negative_payout = excluded.transferred_negative_payout,
                protected_against_recalculations = excluded.protected_against_recalculations
              where (loss_transfer.transferred_negative_payout, loss_transfer.protected_against_recalculations)
                is distinct from (excluded.transferred_negative_payout, excluded.protected_against_recalculations)`
            yield* recalculation.recalculatePolicy(cell.usedForId, Reasons.recalcAfterManual)
            return yield* get(cell.usedForId)
          })
        )
      })
    }
  })
}) {}
