import { SqlClient } from "@effect/sql"
import { Effect } from "effect"
import { DomainRuleError, MergeConflict, NotFound } from "../../domain/DomainError.js"
import { Reasons } from "../../domain/History.js"
import { type AuditAuthor, setAuditContextOn } from "./Audit.js"
import { Recalculation } from "./Recalculation.js"

/** What a merge did (jobs.md §8.14 step 4). */
export interface MergeResult {
  readonly movedPolicies: number
  readonly mergedCompanies: number
  /** "Flyttede {x} policer og flettede {y} pensionsselskaber." */
  readonly message: string
}

/** A merge: the target company and the companies merged into it. */
export interface MergeInput {
  readonly target: number
  readonly toBeMerged: ReadonlyArray<number>
}

const refuse = (rule: string, message: string) => Effect.fail(new DomainRuleError({ rule, message }))

/**
 * "Flet pensionsselskaber" (jobs.md §8.14, staff-web.md §14): moves every policy of the merged companies to the
 * target and deletes the merged companies, then recalculates every moved policy-year, oldest first (domain.md §4.5,
 * "Genberegning ved fletning af pensionsselskaber"), all in one transaction. Refused, with nothing changed, when the
 * target does not exist or is among the merged ones, or when two policies would get the same person-year and number.
 * Losses stay with their policies: a moved policy keeps its years and cells together.
 */
export class CompanyMerge extends Effect.Service<CompanyMerge>()("@kas/core/CompanyMerge", {
  dependencies: [Recalculation.Default],
  effect: Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const recalculation = yield* Recalculation
    /**
     * The merge's own rules (staff-web.md §14, jobs.md §8.14): the target exists and is not among the merged ones, at
     * least one company is merged, and every merged one exists. `lock` takes the rows' locks (inside the merge).
     */
    const validate = (input: MergeInput, lock: boolean) =>
      Effect.gen(function* () {
        const merged = [...new Set(input.toBeMerged)]
        const [target] = lock
          ? yield* sql<{ id: number; name: string | null }>`select id, name from kas.pension_company
              where id = ${input.target} for update`
          : yield* sql<{ id: number; name: string | null }>`select id, name from kas.pension_company
              where id = ${input.target}`
        if (target === undefined) return yield* refuse("merge-target", "Målselskabet findes ikke")
        if (merged.includes(target.id)) {
          return yield* refuse("merge-self", `Du kan ikke flette ${target.name ?? ""} ind i sig selv`)
        }
        if (merged.length === 0) return yield* refuse("merge-empty", "Vælg mindst ét pensionsselskab at flette")
        const found = lock
          ? yield* sql<{ id: number }>`select id from kas.pension_company where id = any(${merged}::int[])
              order by id for update`
          : yield* sql<{ id: number }>`select id from kas.pension_company where id = any(${merged}::int[])`
        const missing = merged.find((id) => !found.some((f) => f.id === id))
        if (missing !== undefined) return yield* Effect.fail(NotFound.of("Pensionsselskab", missing))
        return { target, merged }
      })

    return {
      /** Checks a merge before it is started (the company list's form); changes nothing. */
      check: Effect.fn("CompanyMerge.check")(function* (input: MergeInput) {
        yield* validate(input, false)
      }),
      merge: Effect.fn("CompanyMerge.merge")(function* (
        input: MergeInput,
        author: AuditAuthor,
        onProgress?: (percent: number) => Effect.Effect<void>
      ) {
        return yield* sql.withTransaction(
          Effect.gen(function* () {
            yield* setAuditContextOn(sql, author, Reasons.recalcMerge)
            const { target, merged } = yield* validate(input, true)
            const all = [target.id, ...merged]
            const conflicts = yield* sql<{ cpr: string; year: number; policy_number: string }>`
              select pe.cpr, ty.year, p.policy_number
              from kas.policy_tax_year p join kas.person_tax_year pty on pty.id = p.person_tax_year_id
              join kas.person pe on pe.id = pty.person_id join kas.tax_year ty on ty.id = pty.tax_year_id
              where p.pension_company_id = any(${all}::int[])
              group by pe.cpr, ty.year, p.person_tax_year_id, p.policy_number having count(*) > 1
              order by pe.cpr, ty.year, p.policy_number`
            if (conflicts.length > 0) {
              return yield* Effect.fail(MergeConflict.of(conflicts.map((c) => `${c.cpr} ${c.year} ${c.policy_number}`)))
            }
            if (onProgress) yield* onProgress(50)
            const moved = yield* sql<{ id: number }>`
              with m as (
                update kas.policy_tax_year set pension_company_id = ${target.id}
                where pension_company_id = any(${merged}::int[]) returning id, person_tax_year_id
              )
              select m.id from m join kas.person_tax_year pty on pty.id = m.person_tax_year_id
              join kas.tax_year ty on ty.id = pty.tax_year_id order by ty.year, m.id`
            // Their summary files follow (jobs.md §8.14); their agreement files go with them.
            yield* sql`update kas.company_summary_file set pension_company_id = ${target.id}
              where pension_company_id = any(${merged}::int[])`
            const agreements = yield* sql<{ file_id: string }>`select agreement_file_id as file_id
              from kas.pension_company where id = any(${merged}::int[]) and agreement_file_id is not null`
            yield* sql`delete from kas.pension_company where id = any(${merged}::int[])`
            if (agreements.length > 0) {
              yield* sql`delete from kas.file where id = any(${agreements.map((a) => a.file_id)}::uuid[])`
            }
            yield* recalculation.recalculatePolicies(
              moved.map((m) => m.id),
              Reasons.recalcMerge
            )
            if (onProgress) yield* onProgress(100)
            return {
              movedPolicies: moved.length,
              mergedCompanies: merged.length,
              message: `Flyttede ${moved.length} policer og flettede ${merged.length} pensionsselskaber.`
            } satisfies MergeResult
          })
        )
      })
    }
  })
}) {}
