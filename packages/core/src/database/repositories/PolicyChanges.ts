import { SqlClient } from "@effect/sql"
import { Effect } from "effect"
import { DomainRuleError, NotFound } from "../../domain/DomainError.js"
import { Reasons } from "../../domain/History.js"
import * as PolicyNumber from "../../domain/PolicyNumber.js"
import { type AuditAuthor, setAuditContextOn } from "./Audit.js"
import { inactivePolicyMessage, Policies } from "./Policies.js"
import { Recalculation } from "./Recalculation.js"

const refuse = (rule: string, message: string) => Effect.fail(new DomainRuleError({ rule, message }))

/**
 * "Skift pensionsselskab" and "Skift policenummer" (staff-web.md §8.3, domain.md §4.5): a policy-year (or, for the
 * number, every year of the same policy) gets a new identity. In one transaction with the change's audit reason:
 * every cell linking a moved year to a year that is then another policy is set to 0 (protected ones too; cells are
 * never deleted); the identity changes; the moved years and then every later active year of the old and the new
 * identity are recalculated, oldest first. Allowed in every period, only for an active policy-year.
 */
export class PolicyChanges extends Effect.Service<PolicyChanges>()("@kas/core/PolicyChanges", {
  dependencies: [Policies.Default, Recalculation.Default],
  effect: Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const policies = yield* Policies
    const recalculation = yield* Recalculation

    /** The policy-year with its person and year, locked; refused when inactive. */
    const locked = (id: number) =>
      Effect.gen(function* () {
        const [row] = yield* sql<{
          id: number
          person_tax_year_id: number
          person_id: number
          year: number
          pension_company_id: number
          policy_number: string
          active: boolean
        }>`
          select p.id, p.person_tax_year_id, pty.person_id, ty.year, p.pension_company_id, p.policy_number, p.active
          from kas.policy_tax_year p join kas.person_tax_year pty on pty.id = p.person_tax_year_id
          join kas.tax_year ty on ty.id = pty.tax_year_id where p.id = ${id} for update of p`
        if (row === undefined) return yield* Effect.fail(NotFound.of("Police", id))
        if (!row.active) return yield* refuse("inactive", inactivePolicyMessage)
        return row
      })

    /** Active years of a person's policy identity later than `afterYear`, except `exclude`. */
    const laterYears = (
      personId: number,
      companyId: number,
      number: string,
      afterYear: number,
      exclude: ReadonlyArray<number>
    ) =>
      sql<{ id: number; year: number }>`select f.id, ty.year from kas.policy_tax_year f
        join kas.person_tax_year pty on pty.id = f.person_tax_year_id join kas.tax_year ty on ty.id = pty.tax_year_id
        where pty.person_id = ${personId} and f.pension_company_id = ${companyId} and f.policy_number = ${number}
          and f.active and ty.year > ${afterYear} and not (f.id = any(${exclude}::int[]))`

    /** Moves `moved` (ids with years) from the old identity to the new one and recalculates (§4.5). */
    const move = (
      person: number,
      old: { readonly company: number; readonly number: string },
      next: { readonly company: number; readonly number: string },
      moved: ReadonlyArray<{ readonly id: number; readonly year: number }>,
      reason: string
    ) =>
      Effect.gen(function* () {
        const ids = moved.map((m) => m.id)
        const first = Math.min(...moved.map((m) => m.year))
        const oldLater = yield* laterYears(person, old.company, old.number, first, ids)
        // Cells between a moved year and a year that stays behind now link two policies: set to 0 (kept for history).
        yield* sql`update kas.loss_transfer set transferred_negative_payout = 0
          where transferred_negative_payout <> 0
            and ((used_from_id = any(${ids}::int[])) <> (used_for_id = any(${ids}::int[])))`
        yield* sql`update kas.policy_tax_year set pension_company_id = ${next.company}, policy_number = ${next.number}
          where id = any(${ids}::int[])`
        const newLater = yield* laterYears(person, next.company, next.number, first, ids)
        const byYear = (a: { year: number; id: number }, b: { year: number; id: number }) =>
          a.year - b.year || a.id - b.id
        const others = [...new Map([...oldLater, ...newLater].map((r) => [r.id, r])).values()].sort(byYear)
        const order = [...[...moved].sort(byYear), ...others].map((r) => r.id)
        yield* recalculation.recalculatePolicies(order, reason)
      })

    const edit = <A, E, R>(author: AuditAuthor, reason: string, effect: Effect.Effect<A, E, R>) =>
      sql.withTransaction(Effect.zipRight(setAuditContextOn(sql, author, reason), effect))

    return {
      /**
       * "Skift pensionsselskab": the person-year may not already have a policy with the new company and the same
       * number ("En police med disse oplysninger findes allerede").
       */
      changeCompany: Effect.fn("PolicyChanges.changeCompany")(function* (
        id: number,
        companyId: number,
        author: AuditAuthor
      ) {
        const reason = Reasons.recalcCompanyChange
        return yield* edit(
          author,
          reason,
          Effect.gen(function* () {
            const p = yield* locked(id)
            const company = yield* sql`select 1 from kas.pension_company where id = ${companyId}`
            if (company.length === 0) return yield* Effect.fail(NotFound.of("Pensionsselskab", companyId))
            if (companyId === p.pension_company_id) return yield* policies.get(id)
            const taken =
              yield* sql`select 1 from kas.policy_tax_year where person_tax_year_id = ${p.person_tax_year_id}
              and pension_company_id = ${companyId} and policy_number = ${p.policy_number}`
            if (taken.length > 0)
              return yield* refuse("policy-unique", "En police med disse oplysninger findes allerede")
            yield* move(
              p.person_id,
              { company: p.pension_company_id, number: p.policy_number },
              { company: companyId, number: p.policy_number },
              [{ id, year: p.year }],
              reason
            )
            return yield* policies.get(id)
          })
        )
      }),

      /**
       * "Skift policenummer": the new number (`PolicyNumber`: 1–40 characters) must be unique among the person-year's
       * policies
       * ("Policenummeret er allerede brugt af en anden police"). With `renameOtherYears` every year of the same policy
       * is renamed too; a conflict in any year changes nothing.
       */
      changePolicyNumber: Effect.fn("PolicyChanges.changePolicyNumber")(function* (
        id: number,
        input: { readonly policyNumber: string; readonly renameOtherYears: boolean },
        author: AuditAuthor
      ) {
        const reason = Reasons.recalcPolicyNumberChange
        const number = PolicyNumber.normalize(input.policyNumber)
        const problem = PolicyNumber.problemOf(number)
        if (problem === "required") return yield* refuse("policy-number", PolicyNumber.messages.required)
        if (problem === "too-long") return yield* refuse("policy-number", PolicyNumber.messages.tooLong)
        return yield* edit(
          author,
          reason,
          Effect.gen(function* () {
            const p = yield* locked(id)
            if (number === p.policy_number) return yield* policies.get(id)
            const moved = input.renameOtherYears
              ? yield* sql<{
                  id: number
                  year: number
                  person_tax_year_id: number
                }>`select f.id, ty.year, f.person_tax_year_id
                  from kas.policy_tax_year f join kas.person_tax_year pty on pty.id = f.person_tax_year_id
                  join kas.tax_year ty on ty.id = pty.tax_year_id
                  where pty.person_id = ${p.person_id} and f.pension_company_id = ${p.pension_company_id}
                    and f.policy_number = ${p.policy_number} for update of f`
              : [{ id, year: p.year, person_tax_year_id: p.person_tax_year_id }]
            const taken = yield* sql`select 1 from kas.policy_tax_year
              where person_tax_year_id = any(${moved.map((m) => m.person_tax_year_id)}::int[])
                and policy_number = ${number}`
            if (taken.length > 0)
              return yield* refuse("policy-unique", "Policenummeret er allerede brugt af en anden police")
            yield* move(
              p.person_id,
              { company: p.pension_company_id, number: p.policy_number },
              { company: p.pension_company_id, number },
              moved,
              reason
            )
            return yield* policies.get(id)
          })
        )
      })
    }
  })
}) {}
