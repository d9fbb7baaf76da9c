/**
 * The field rules of a citizen's submission (selvbetjening.md §7.4, §8, §16.5): the one copy, used by the back
 * office's `POST /rest/submission/` and by the citizen form before it sends. The rules answer reason codes; each side
 * turns them into its own texts with `messageOf` (the back office in Danish, the form in the citizen's language).
 */
import { Schema } from "effect"
import type { MessageKey } from "../i18n/da.js"
import type { Translate } from "../i18n/index.js"
import type * as Contract from "../rest/Contract.js"
import * as Uploads from "../rest/Uploads.js"
import * as PolicyNumber from "./PolicyNumber.js"
import { companyNameKey } from "./PensionCompany.js"

/** The most characters of a new pension company's name. */
export const MAX_COMPANY_NAME = 255

/** Every rule a submission can break. */
export const reasons = [
  "notesTooLong",
  "policyRepeated",
  "descriptionTooLong",
  "fileMissing",
  "fileTooLarge",
  "fileEmpty",
  "fileBadType",
  "tooManyFiles",
  "policyNumberRequired",
  "policyNumberTooLong",
  "amountRequired",
  "companyRequired",
  "companyUnknown",
  "companyNameTooLong",
  "companyCapReached",
  "duplicatePolicy"
] as const

/** A rule a submission breaks. */
export const Reason = Schema.Literal(...reasons)
export type Reason = typeof Reason.Type

/** A broken rule at a field path of §16.5 (like `new_policies[0].policy_number`); `file` names the file it is about. */
export const Problem = Schema.Struct({ path: Schema.String, reason: Reason, file: Schema.optional(Schema.String) })
export type Problem = typeof Problem.Type

/** A file of the submission as the server received it (a multipart part). */
export interface SubmittedFile {
  readonly filename: string
  readonly content: Uint8Array
  readonly truncated: boolean
}

/** What the rules need to know about the person-year being changed. */
export interface SubmissionContext {
  readonly policies: ReadonlyArray<{
    readonly id: number
    readonly pensionCompanyId: number
    readonly policyNumber: string
    readonly documentIds: ReadonlyArray<number>
  }>
  /** The existing pension companies among those the new policies name. */
  readonly companyIds: ReadonlySet<number>
}

const uploadReason: Readonly<Record<Uploads.UploadProblem, Reason>> = {
  "too-large": "fileTooLarge",
  empty: "fileEmpty",
  "bad-type": "fileBadType"
}

/**
 * The rules the submission breaks (all but `companyCapReached`, which the back office finds under the person-year's
 * lock while it creates the named companies), in field order; empty when it may be applied. Unknown policy or
 * document ids are not field problems: the back office answers 404 for them first.
 */
export const validateSubmission = (
  data: Contract.Submission,
  context: SubmissionContext,
  files: ReadonlyMap<string, SubmittedFile>
): ReadonlyArray<Problem> => {
  const problems: Array<Problem> = []
  const add = (path: string, reason: Reason, file?: string) => {
    problems.push(file === undefined ? { path, reason } : { path, reason, file })
  }

  const checkFiles = (path: string, refs: Contract.Submission["policies"][number]["new_files"], kept: number) => {
    refs.forEach((ref, j) => {
      const file = files.get(ref.part)
      const problem = file
        ? Uploads.uploadProblem({ name: file.filename, content: file.content, truncated: file.truncated })
        : null
      if (!file) add(`${path}.new_files[${j}]`, "fileMissing")
      else if (problem) add(`${path}.new_files[${j}]`, uploadReason[problem], file.filename)
      if (ref.description.length > Uploads.MAX_DESCRIPTION)
        add(`${path}.new_files[${j}].description`, "descriptionTooLong")
    })
    if (kept + refs.length > Uploads.MAX_FILES_PER_POLICY) add(`${path}.new_files`, "tooManyFiles")
  }

  for (const name of ["general_notes", "foreign_pension_notes"] as const)
    if ((data.person_tax_year[name] ?? "").length > Uploads.MAX_NOTES) add(`person_tax_year.${name}`, "notesTooLong")

  for (const i of Uploads.repeatedPolicies(data.policies)) add(`policies[${i}].id`, "policyRepeated")
  data.policies.forEach((p, i) => {
    const path = `policies[${i}]`
    p.documents.forEach((d, j) => {
      if (d.description.length > Uploads.MAX_DESCRIPTION)
        add(`${path}.documents[${j}].description`, "descriptionTooLong")
    })
    const existing = context.policies.find((x) => x.id === p.id)
    const removed = new Set(p.documents.filter((d) => !d.keep).map((d) => d.id))
    checkFiles(path, p.new_files, (existing?.documentIds ?? []).filter((id) => !removed.has(id)).length)
  })

  const taken = new Set(context.policies.map((p) => `${p.pensionCompanyId}|${p.policyNumber}`))
  data.new_policies.forEach((p, i) => {
    const path = `new_policies[${i}]`
    const number = PolicyNumber.normalize(p.policy_number)
    const numberProblem = PolicyNumber.problemOf(number)
    const name = (p.pension_company_name ?? "").trim()
    if (numberProblem === "required") add(`${path}.policy_number`, "policyNumberRequired")
    else if (numberProblem === "too-long") add(`${path}.policy_number`, "policyNumberTooLong")
    if (p.self_reported_amount === null) add(`${path}.self_reported_amount`, "amountRequired")
    if (p.pension_company_id === null && name === "") add(`${path}.pension_company_id`, "companyRequired")
    else if (p.pension_company_id !== null && !context.companyIds.has(p.pension_company_id))
      add(`${path}.pension_company_id`, "companyUnknown")
    else if (p.pension_company_id === null && name.length > MAX_COMPANY_NAME)
      add(`${path}.pension_company_name`, "companyNameTooLong")
    const key =
      p.pension_company_id !== null ? `${p.pension_company_id}|${number}` : `name:${companyNameKey(name)}|${number}`
    if (numberProblem === null && taken.has(key)) add(`${path}.policy_number`, "duplicatePolicy")
    taken.add(key)
    checkFiles(path, p.new_files, 0)
  })
  return problems
}

/** The catalogue text of each reason (`{name}` is the file's name). */
export const reasonText: Readonly<Record<Reason, MessageKey>> = {
  notesTooLong: "notesTooLong",
  policyRepeated: "policyRepeated",
  descriptionTooLong: "descriptionTooLong",
  fileMissing: "fileMissing",
  fileTooLarge: "fileTooLarge",
  fileEmpty: "fileEmpty",
  fileBadType: "fileBadType",
  tooManyFiles: "tooManyFiles",
  policyNumberRequired: "required",
  policyNumberTooLong: "policyNumberTooLong",
  amountRequired: "required",
  companyRequired: "required",
  companyUnknown: "companyUnknown",
  companyNameTooLong: "companyNameTooLong",
  companyCapReached: "companyCapReached",
  duplicatePolicy: "duplicatePolicy"
}

/** The text of a problem in the translator's language. */
export const messageOf = (t: Translate, problem: Problem): string =>
  t(reasonText[problem.reason], { name: problem.file ?? "" })

/** Field path → texts of the problems at it (the `errors` body of §16.5 when `t` is Danish). */
export const fieldMessages = (t: Translate, problems: ReadonlyArray<Problem>): Record<string, Array<string>> => {
  const out: Record<string, Array<string>> = {}
  for (const p of problems) out[p.path] = [...(out[p.path] ?? []), messageOf(t, p)]
  return out
}
