import * as I18n from "../i18n/index.js"
import type * as Contract from "../rest/Contract.js"
import * as Uploads from "../rest/Uploads.js"
import * as PolicyNumber from "./PolicyNumber.js"
import { companyNameKey } from "./PensionCompany.js"

const t = I18n.translator("da")

/** A file of the submission as the server received it (a multipart part). */
export interface SubmittedFile {
  readonly filename: string
  readonly mimeType: string
  readonly content: Uint8Array
  readonly truncated: boolean
}

/** What the rules need to know about the person-year being changed. */
export interface SubmissionContext {
  readonly policies: ReadonlyArray<{
    readonly id: number
    readonly pensionCompanyId: number
    readonly policyNumber: string
    readonly active: boolean
    readonly documentIds: ReadonlyArray<number>
  }>
  readonly companyIds: ReadonlySet<number>
}

/** Field path → Danish messages (selvbetjening.md §16.5). */
export type Errors = Record<string, Array<string>>

const add = (errors: Errors, path: string, message: string) => {
  ;(errors[path] ??= []).push(message)
}

const checkFiles = (
  errors: Errors,
  path: string,
  refs: ReadonlyArray<{ readonly part: string; readonly description: string }>,
  files: ReadonlyMap<string, SubmittedFile>,
  kept: number
) => {
  refs.forEach((ref, j) => {
    const file = files.get(ref.part)
    if (!file) return add(errors, `${path}.new_files[${j}]`, Uploads.uploadMessages.missing)
    const problem = Uploads.checkUpload({ name: file.filename, content: file.content, truncated: file.truncated })
    if (problem) add(errors, `${path}.new_files[${j}]`, problem)
    if (ref.description.length > Uploads.MAX_DESCRIPTION)
      add(errors, `${path}.new_files[${j}].description`, t("descriptionTooLong"))
  })
  if (kept + refs.length > Uploads.MAX_FILES_PER_POLICY)
    add(errors, `${path}.new_files`, Uploads.uploadMessages.tooMany)
}

/**
 * The field rules of a submission (§7.4, §8, §16.5), checked before anything is written. Unknown policy or document
 * ids are not field errors: the caller answers 404 for them first.
 */
export const validateSubmission = (
  data: Contract.Submission,
  context: SubmissionContext,
  files: ReadonlyMap<string, SubmittedFile>
): Errors => {
  const errors: Errors = {}
  const notes = data.person_tax_year
  if ((notes.general_notes ?? "").length > Uploads.MAX_NOTES)
    add(errors, "person_tax_year.general_notes", t("notesTooLong"))
  if ((notes.foreign_pension_notes ?? "").length > Uploads.MAX_NOTES)
    add(errors, "person_tax_year.foreign_pension_notes", t("notesTooLong"))

  for (const i of Uploads.repeatedPolicies(data.policies))
    add(errors, `policies[${i}].id`, Uploads.uploadMessages.policyRepeated)
  data.policies.forEach((p, i) => {
    const path = `policies[${i}]`
    p.documents.forEach((d, j) => {
      if (d.description.length > Uploads.MAX_DESCRIPTION)
        add(errors, `${path}.documents[${j}].description`, t("descriptionTooLong"))
    })
    const existing = context.policies.find((x) => x.id === p.id)
    const removed = new Set(p.documents.filter((d) => !d.keep).map((d) => d.id))
    const kept = (existing?.documentIds ?? []).filter((id) => !removed.has(id)).length
    checkFiles(errors, path, p.new_files, files, kept)
  })

  const taken = new Set(context.policies.map((p) => `${p.pensionCompanyId}|${p.policyNumber}`))
  data.new_policies.forEach((p, i) => {
    const path = `new_policies[${i}]`
    const number = PolicyNumber.normalize(p.policy_number)
    const numberProblem = PolicyNumber.problemOf(number)
    const name = (p.pension_company_name ?? "").trim()
    if (numberProblem === "required") add(errors, `${path}.policy_number`, t("required"))
    else if (numberProblem === "too-long") add(errors, `${path}.policy_number`, PolicyNumber.messages.tooLong)
    if (p.self_reported_amount === null) add(errors, `${path}.self_reported_amount`, t("required"))
    if (p.pension_company_id === null && name === "") add(errors, `${path}.pension_company_id`, t("required"))
    else if (p.pension_company_id !== null && !context.companyIds.has(p.pension_company_id)) {
      add(errors, `${path}.pension_company_id`, "Ukendt pensionsselskab")
    } else if (p.pension_company_id === null && name.length > 255) {
      add(errors, `${path}.pension_company_name`, "Navnet må højst være 255 tegn")
    }
    const key =
      p.pension_company_id !== null ? `${p.pension_company_id}|${number}` : `name:${companyNameKey(name)}|${number}`
    if (number !== "" && taken.has(key)) add(errors, `${path}.policy_number`, t("duplicatePolicy"))
    taken.add(key)
    checkFiles(errors, path, p.new_files, files, 0)
  })
  return errors
}
