import { SqlClient } from "@effect/sql"
import { Effect } from "effect"
import type { Cpr } from "../../domain/Cpr.js"
import { Reasons } from "../../domain/History.js"
import * as PolicyNumber from "../../domain/PolicyNumber.js"
import { SelfAssessmentClosed, SubmissionInvalid, SubmissionNotFound } from "../../domain/SubmissionError.js"
import { type SubmittedFile, validateSubmission } from "../../domain/SubmissionRules.js"
import type * as Contract from "../../rest/Contract.js"
import { storedContentType } from "../../rest/Uploads.js"
import { withAudit } from "./Audit.js"
import { CitizenData } from "./CitizenData.js"
import { Companies } from "./Companies.js"
import { FileStore } from "./FileStore.js"
import { Notes } from "./Notes.js"
import { Policies } from "./Policies.js"
import { Recalculation } from "./Recalculation.js"

/**
 * Applies a citizen's whole self-assessment (selvbetjening.md §16.5): checks the period, the ownership of every
 * policy and document, and every field rule first; then writes companies, policies, amounts, recalculations,
 * documents, files and notes through their services in one transaction audited as `rest` with the reason
 * "Selvangivelse indsendt". Files of deleted documents are removed after the commit. Answers the person-year and its
 * active policies as the resources show them.
 */
export class SelfAssessmentSubmission extends Effect.Service<SelfAssessmentSubmission>()(
  "@kas/core/SelfAssessmentSubmission",
  {
    dependencies: [
      CitizenData.Default,
      Companies.Default,
      Policies.Default,
      Notes.Default,
      Recalculation.Default,
      FileStore.layerPostgres
    ],
    effect: Effect.gen(function* () {
      const sql = yield* SqlClient.SqlClient
      const data = yield* CitizenData
      const companies = yield* Companies
      const policyService = yield* Policies
      const notes = yield* Notes
      const recalculation = yield* Recalculation
      const store = yield* FileStore

      /** The person-year of the CPR and year with its period, and its policies with their citizen documents. */
      const load = Effect.fn("SelfAssessmentSubmission.load")(function* (cpr: Cpr, year: number) {
        const [pty] = yield* sql<{ id: number; year_part: string }>`
          select pty.id, ty.year_part from kas.person_tax_year pty join kas.person p on p.id = pty.person_id
          join kas.tax_year ty on ty.id = pty.tax_year_id where p.cpr = ${cpr} and ty.year = ${year}`
        if (!pty) return null
        const rows = yield* sql<{
          id: number
          pension_company_id: number
          policy_number: string
          active: boolean
          docs: ReadonlyArray<number>
        }>`
          select pt.id, pt.pension_company_id, pt.policy_number, pt.active,
            coalesce(array(select d.id from kas.citizen_document d where d.policy_tax_year = pt.id order by d.id),
              '{}') as docs
          from kas.policy_tax_year pt where pt.person_tax_year_id = ${pty.id}`
        const policies = rows.map((r) => ({
          id: r.id,
          pensionCompanyId: r.pension_company_id,
          policyNumber: r.policy_number,
          active: r.active,
          documentIds: r.docs
        }))
        return { personTaxYearId: pty.id, yearPart: pty.year_part, policies }
      })

      const submit = Effect.fn("SelfAssessmentSubmission.submit")(function* (
        cpr: Cpr,
        input: Contract.Submission,
        files: ReadonlyMap<string, SubmittedFile>
      ) {
        const loaded = yield* load(cpr, input.year)
        if (loaded === null) return yield* new SubmissionNotFound()
        if (loaded.yearPart !== "selvangivelse") return yield* new SelfAssessmentClosed({ year: input.year })
        const { personTaxYearId, policies } = loaded
        for (const p of input.policies) {
          const own = policies.find((x) => x.id === p.id && x.active)
          if (!own) return yield* new SubmissionNotFound()
          if (p.documents.some((d) => !own.documentIds.includes(d.id))) return yield* new SubmissionNotFound()
        }
        const companyIds = yield* companies.visibleTo(
          cpr,
          input.new_policies.flatMap((p) => (p.pension_company_id === null ? [] : [p.pension_company_id]))
        )
        const problems = validateSubmission(input, { policies, companyIds }, files)
        if (problems.length > 0) return yield* new SubmissionInvalid({ problems })

        const attach = (
          policyId: number,
          refs: ReadonlyArray<{ readonly part: string; readonly description: string }>
        ) =>
          Effect.forEach(
            refs,
            (ref) => {
              const file = files.get(ref.part)!
              return notes.attachCitizenFile(
                { person_tax_year_id: personTaxYearId, policy_tax_year_id: policyId },
                {
                  name: file.filename,
                  description: ref.description,
                  contentType: storedContentType(file.content),
                  content: file.content,
                  year: input.year
                }
              )
            },
            { discard: true }
          )
        const removedFiles: Array<string> = []
        yield* withAudit(
          "rest",
          Reasons.selfServiceSubmitted
        )(
          Effect.gen(function* () {
            const changed: Array<number> = []
            // The person-year's row lock serialises its submissions, so the cap on created companies holds.
            yield* sql`select id from kas.person_tax_year where id = ${personTaxYearId} for update`
            const companyIds: Array<number> = []
            for (const [i, np] of input.new_policies.entries()) {
              companyIds.push(
                np.pension_company_id ??
                  (yield* companies.forSubmittedName(cpr, personTaxYearId, (np.pension_company_name ?? "").trim()).pipe(
                    Effect.catchTag("CompanyCapReached", () =>
                      Effect.fail(
                        new SubmissionInvalid({
                          problems: [{ path: `new_policies[${i}].pension_company_name`, reason: "companyCapReached" }]
                        })
                      )
                    )
                  ))
              )
            }
            for (const [i, np] of input.new_policies.entries()) {
              const companyId = companyIds[i]!
              const id = yield* policyService.createSelfReported({
                person_tax_year_id: personTaxYearId,
                pension_company_id: companyId,
                policy_number: PolicyNumber.normalize(np.policy_number),
                self_reported_amount: np.self_reported_amount,
                updated_by: input.updated_by
              })
              changed.push(id)
              yield* attach(id, np.new_files)
            }
            for (const p of input.policies) {
              if (p.self_reported_amount !== undefined && p.self_reported_amount !== null) {
                yield* policyService.setSelfReported(p.id, p.self_reported_amount, input.updated_by)
                changed.push(p.id)
              }
              for (const d of p.documents) {
                if (d.keep) yield* notes.describeDocument(d.id, d.description)
                else {
                  const fileId = yield* notes.detachDocument(d.id)
                  if (fileId !== null) removedFiles.push(fileId)
                }
              }
              yield* attach(p.id, p.new_files)
            }
            if (changed.length > 0) yield* recalculation.recalculatePolicies(changed, Reasons.selfServiceSubmitted)
            yield* sql`update kas.person_tax_year set general_notes = ${input.person_tax_year.general_notes},
              foreign_pension_notes = ${input.person_tax_year.foreign_pension_notes}, updated_by = ${input.updated_by}
              where id = ${personTaxYearId}`
          })
        )
        yield* Effect.forEach(removedFiles, (id) => store.remove(id), { discard: true }).pipe(Effect.ignoreLogged)
        const [personTaxYear] = yield* data.personTaxYears(cpr, { year: input.year })
        const updated = yield* data.policies(cpr, { year: input.year, active: true })
        return { person_tax_year: personTaxYear!, policies: updated }
      })

      return { submit } as const
    })
  }
) {}
