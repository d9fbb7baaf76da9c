import { SqlClient } from "@effect/sql"
import { Effect } from "effect"
import {
  CitizenData,
  FileStore,
  Reasons,
  Recalculation,
  type Rest,
  SelfAssessmentClosed,
  SubmissionInvalid,
  SubmissionNotFound,
  withAudit
} from "@kas/core"
import type { UploadedFile } from "@kas/core/web"
import { validateSubmission } from "./SubmissionRules.js"

/**
 * Applies a citizen's whole self-assessment (selvbetjening.md §16.5): validates everything first, then writes
 * companies, policies, amounts, recalculations, documents, files and notes in one transaction audited as `rest`
 * with the reason "Selvangivelse indsendt". Files of deleted documents are removed after the commit.
 */
export class SelfAssessment extends Effect.Service<SelfAssessment>()("@kas/server-kas/SelfAssessment", {
  dependencies: [CitizenData.Default, Recalculation.Default, FileStore.layerPostgres],
  effect: Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const data = yield* CitizenData
    const recalculation = yield* Recalculation
    const store = yield* FileStore

    const submit = Effect.fn("SelfAssessment.submit")(function* (
      cpr: string,
      input: Rest.Contract.Submission,
      files: ReadonlyMap<string, UploadedFile>
    ) {
      const [pty] = yield* sql<{ id: number; year_part: string }>`
        select pty.id, ty.year_part from kas.person_tax_year pty join kas.person p on p.id = pty.person_id
        join kas.tax_year ty on ty.id = pty.tax_year_id where p.cpr = ${cpr} and ty.year = ${input.year}`
      if (!pty) return yield* new SubmissionNotFound()
      if (pty.year_part !== "selvangivelse") return yield* new SelfAssessmentClosed({ year: input.year })

      const policyRows = yield* sql<{ id: number; pension_company_id: number; policy_number: string; active: boolean; docs: ReadonlyArray<number> }>`
        select pt.id, pt.pension_company_id, pt.policy_number, pt.active,
          coalesce(array(select d.id from kas.policy_document d where d.policy_tax_year_id = pt.id and d.uploaded_by_id is null order by d.id), '{}') as docs
        from kas.policy_tax_year pt where pt.person_tax_year_id = ${pty.id}`
      const policies = policyRows.map((r) => ({ id: r.id, pensionCompanyId: r.pension_company_id, policyNumber: r.policy_number, active: r.active, documentIds: r.docs }))
      for (const p of input.policies) {
        const own = policies.find((x) => x.id === p.id && x.active)
        if (!own) return yield* new SubmissionNotFound()
        if (p.documents.some((d) => !own.documentIds.includes(d.id))) return yield* new SubmissionNotFound()
      }
      const companyIds = new Set(
        input.new_policies.some((p) => p.pension_company_id !== null)
          ? (yield* sql<{ id: number }>`select id from kas.pension_company where id in ${sql.in(input.new_policies.flatMap((p) => (p.pension_company_id === null ? [] : [p.pension_company_id])))}`).map((r) => r.id)
          : []
      )
      const errors = validateSubmission(input, { policies, companyIds }, files)
      if (Object.keys(errors).length > 0) return yield* new SubmissionInvalid({ errors })

      const removedFiles: Array<string> = []
      yield* withAudit("rest", Reasons.selfServiceSubmitted)(
        Effect.gen(function* () {
          const changed: Array<number> = []
          const addFiles = (policyId: number, refs: ReadonlyArray<{ part: string; description: string }>) =>
            Effect.forEach(refs, (ref) => {
              const file = files.get(ref.part)!
              return store.put({ kind: "policy_document", year: input.year, name: file.filename, contentType: file.mimeType, content: file.content }).pipe(
                Effect.flatMap((fileId) => sql`insert into kas.policy_document (person_tax_year_id, policy_tax_year_id, uploaded_by_id, name, description, file_id)
                  values (${pty.id}, ${policyId}, null, ${file.filename}, ${ref.description}, ${fileId})`)
              )
            }, { discard: true })
          for (const np of input.new_policies) {
            let companyId = np.pension_company_id
            if (companyId === null) {
              const [c] = yield* sql<{ id: number }>`insert into kas.pension_company (name, res) values (${(np.pension_company_name ?? "").trim()}, null) returning id`
              companyId = c!.id
            }
            const [row] = yield* sql<{ id: number }>`
              insert into kas.policy_tax_year (person_tax_year_id, pension_company_id, policy_number, self_reported_amount, active_amount, updated_by)
              values (${pty.id}, ${companyId}, ${np.policy_number.trim()}, ${np.self_reported_amount}, 3, ${input.updated_by}) returning id`
            changed.push(row!.id)
            yield* addFiles(row!.id, np.new_files)
          }
          for (const p of input.policies) {
            if (p.self_reported_amount !== undefined && p.self_reported_amount !== null) {
              yield* sql`update kas.policy_tax_year set self_reported_amount = ${p.self_reported_amount}, active_amount = 3,
                updated_by = ${input.updated_by} where id = ${p.id}`
              changed.push(p.id)
            }
            for (const d of p.documents) {
              if (!d.keep) {
                const [gone] = yield* sql<{ file_id: string }>`delete from kas.policy_document where id = ${d.id} returning file_id`
                if (gone) removedFiles.push(gone.file_id)
              } else {
                yield* sql`update kas.policy_document set description = ${d.description} where id = ${d.id} and description <> ${d.description}`
              }
            }
            yield* addFiles(p.id, p.new_files)
          }
          if (changed.length > 0) yield* recalculation.recalculatePolicies(changed, Reasons.selfServiceSubmitted)
          yield* sql`update kas.person_tax_year set general_notes = ${input.person_tax_year.general_notes},
            foreign_pension_notes = ${input.person_tax_year.foreign_pension_notes}, updated_by = ${input.updated_by}
            where id = ${pty.id}`
        })
      )
      yield* Effect.forEach(removedFiles, (id) => store.remove(id), { discard: true }).pipe(Effect.ignoreLogged)
      const [personTaxYear] = yield* data.personTaxYears(cpr, { year: input.year })
      const updated = yield* data.policies(cpr, { year: input.year, active: true })
      return { person_tax_year: personTaxYear!, policies: updated }
    })

    return { submit } as const
  })
}) {}
