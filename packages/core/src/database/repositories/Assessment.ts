import { SqlClient } from "@effect/sql"
import { Effect } from "effect"
import { DomainRuleError } from "../../domain/DomainError.js"
import { automaticReasons, importReasons, Reasons } from "../../domain/History.js"
import { baseAmount } from "../../domain/PolicyCalculation.js"
import { type AuditAuthor, setAuditContextOn } from "./Audit.js"
import { Recalculation } from "./Recalculation.js"
import { SystemUsers } from "./SystemUsers.js"
import { TaxYears } from "./TaxYears.js"

/** Progress of a bulk domain operation: items done of total. */
export type OnProgress = (done: number, total: number) => Effect.Effect<void>

/** The title autoligning uses in its period message (jobs.md §3.4, §8.0). */
export const autoligningTitle = "Kør autoligning"

// jobs.md §8.1 step 2: a policy needs follow-up when one of these holds. A change counts when a person made it
// (`changeKind` "person"): $2 holds the reasons of the other kinds (imports and what they cause, autoligning).
const followUpSql = `
select p.id, (
  exists (select 1 from kas.history h where h.entity_type = 'PolicyTaxYear' and h.entity_id = p.id::text
          and h.history_type = '~' and coalesce(h.change_reason, '') <> all($2::text[]))
  or exists (select 1 from kas.history h where h.entity_type = 'PolicyTaxYear' and h.entity_id = p.id::text
          and h.history_type = '+' and h.history_user = 'rest')
  or coalesce(btrim(pty.general_notes, E' \\t\\r\\n'), '') <> ''
  or exists (select 1 from kas.note n where n.person_tax_year_id = pty.id)
  or exists (select 1 from kas.policy_document d where d.person_tax_year_id = pty.id)
) as follow_up
from kas.policy_tax_year p join kas.person_tax_year pty on pty.id = p.person_tax_year_id
where pty.tax_year_id = $1 and p.active
order by p.id
for update of p`

/**
 * The two assessment operations behind the jobs Autoligning (jobs.md §8.1) and ForceFinalize (§8.5), as domain
 * services with a progress callback.
 */
export class Assessment extends Effect.Service<Assessment>()("@kas/core/Assessment", {
  dependencies: [Recalculation.Default, TaxYears.Default, SystemUsers.Default],
  effect: Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const recalculation = yield* Recalculation
    const taxYears = yield* TaxYears
    const systemUsers = yield* SystemUsers
    return {
      /**
       * Autoligning of a tax year in `selvangivelse`, in one transaction: decides slutlignet / efterbehandling of every
       * active policy, snapshots its base amount, recalculates it (cells "Genberegning på grund af autoligning job",
       * policy "autoligning", audit user `author`) and moves the year to `ligning`.
       */
      autoligning: Effect.fn("Assessment.autoligning")(function* (
        taxYearId: number,
        author: AuditAuthor,
        onProgress?: OnProgress
      ) {
        yield* taxYears.requirePeriod(taxYearId, "autoligning", { jobTitle: autoligningTitle })
        if ((yield* systemUsers.find("rest")) === null) {
          return yield* Effect.fail(new DomainRuleError({ rule: "rest-user", message: "Brugeren 'rest' findes ikke" }))
        }
        return yield* sql.withTransaction(
          Effect.gen(function* () {
            yield* setAuditContextOn(sql, author, Reasons.autoligning)
            const notByPeople = [...importReasons, ...automaticReasons]
            const rows = yield* sql.unsafe<{ id: number; follow_up: boolean }>(followUpSql, [taxYearId, notByPeople])
            const followUp = new Map(rows.map((r) => [r.id, r.follow_up]))
            const result = yield* recalculation.recalculateYear(taxYearId, Reasons.recalcAutoligning, {
              policyReason: Reasons.autoligning,
              prepare: (member) => {
                const needs = followUp.get(member.id) ?? false
                member.state.efterbehandling = needs
                member.state.slutlignet = !needs
                member.state.baseCalculationAmount = baseAmount({
                  ...member,
                  baseCalculationAmount: member.state.baseCalculationAmount
                })
                member.reason = Reasons.autoligning
              },
              onProgress
            })
            yield* taxYears.setPeriod(taxYearId, "ligning")
            const postProcessing = rows.filter((r) => r.follow_up).length
            const autolignet = result.policies - postProcessing
            return { autolignet, post_processing: postProcessing, total: autolignet + postProcessing }
          })
        )
      }),
      /**
       * Forced finalization (jobs.md §8.5), any period: every policy of the year with slutlignet = false gets
       * slutlignet = true and efterbehandling = true ("Forced finalization", audit user `author`). Returns the count.
       */
      forceFinalize: Effect.fn("Assessment.forceFinalize")(function* (
        taxYearId: number,
        author: AuditAuthor,
        onProgress?: OnProgress
      ) {
        yield* taxYears.get(taxYearId)
        return yield* sql.withTransaction(
          Effect.gen(function* () {
            yield* setAuditContextOn(sql, author, Reasons.forcedFinalization)
            const ids = (yield* sql<{ id: number }>`select p.id from kas.policy_tax_year p
              join kas.person_tax_year pty on pty.id = p.person_tax_year_id
              where pty.tax_year_id = ${taxYearId} and not p.slutlignet order by p.id for update of p`).map((r) => r.id)
            const chunk = 5000
            for (let i = 0; i < ids.length; i += chunk) {
              yield* sql.unsafe(
                `update kas.policy_tax_year set slutlignet = true, efterbehandling = true where id = any($1::int[])`,
                [ids.slice(i, i + chunk)]
              )
              if (onProgress) yield* onProgress(Math.min(i + chunk, ids.length), ids.length)
            }
            return ids.length
          })
        )
      })
    }
  })
}) {}
