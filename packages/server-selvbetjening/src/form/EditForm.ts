import { type I18n, PolicyNumber, Rest, SubmissionRules } from "@kas/core"
import type { UploadedFile } from "@kas/core/web"

const { Uploads } = Rest
type Policy = Rest.Contract.PolicyTaxYearOut

/** Field id → messages shown at that field. `__form` holds messages without a field. */
export type FormErrors = Record<string, Array<string>>

/** What the citizen typed, kept to show the form again after errors (chosen files must be chosen again). */
export type FormValues = Record<string, string>

/** The result of reading a posted form. */
export interface ReadForm {
  readonly submission: Rest.Contract.Submission
  readonly files: ReadonlyArray<Rest.SubmissionFile>
  readonly errors: FormErrors
  /** Back-office field path → form field id, to show the back office's messages at the right field. */
  readonly pathToField: Readonly<Record<string, string>>
}

const NEW = "new-"
const add = (errors: FormErrors, field: string, message: string) => {
  errors[field] = [...(errors[field] ?? []), message]
}

/** Whole number check: "Indtast et heltal" unless empty or an integer. */
const amountOf = (raw: string | undefined): number | null | "invalid" => {
  const v = (raw ?? "").replace(/\s/g, "")
  if (v === "") return null
  if (!/^-?\d+$/.test(v)) return "invalid"
  const n = Number(v)
  return Number.isSafeInteger(n) ? n : "invalid"
}

/**
 * Reads the self-assessment form (selvbetjening.md §7.3–§7.4, §8) against the policies loaded for the session's CPR:
 * existing policies are matched by the ids the server loaded (anything else in the form is ignored), the rules give
 * per-field messages, and the result is the one submission of §16.5 with its files.
 */
export const readEditForm = (options: {
  readonly t: I18n.Translate
  readonly fields: FormValues
  readonly uploads: ReadonlyArray<UploadedFile>
  readonly policies: ReadonlyArray<Policy>
  readonly companyIds: ReadonlySet<number>
  readonly year: number
  readonly updatedBy: string
}): ReadForm => {
  const { t, fields } = options
  const errors: FormErrors = {}
  const pathToField: Record<string, string> = {}
  const files: Array<Rest.SubmissionFile> = []
  const received = new Map<string, SubmissionRules.SubmittedFile>()
  const filesOf = (prefix: string, path: string) => {
    const refs: Array<{ part: string; description: string }> = []
    const chosen = options.uploads.filter((u) => new RegExp(`^${prefix}file\\d+$`).test(u.field))
    chosen.forEach((u, j) => {
      const description = fields[`${u.field}-description`] ?? ""
      const part = `file_${files.length}`
      const name = Uploads.safeFileName(u.filename)
      files.push({ part, name, contentType: Uploads.storedContentType(u.content), content: u.content })
      received.set(part, { filename: name, content: u.content, truncated: u.truncated })
      refs.push({ part, description })
      pathToField[`${path}.new_files[${j}]`] = u.field
      pathToField[`${path}.new_files[${j}].description`] = `${u.field}-description`
    })
    pathToField[`${path}.new_files`] = chosen[0]?.field ?? `${prefix}file0`
    return refs
  }

  const policies = options.policies.map((p, i) => {
    const prefix = `p${p.id}-`
    const path = `policies[${i}]`
    const amount = amountOf(fields[`${prefix}amount`])
    pathToField[`${path}.self_reported_amount`] = `${prefix}amount`
    if (amount === "invalid") add(errors, `${prefix}amount`, t("wholeNumber"))
    const documents = p.documents.map((d, j) => {
      const id = `${prefix}doc${d.id}`
      pathToField[`${path}.documents[${j}].description`] = `${id}-description`
      if (fields[`${id}-present`] === undefined) return { id: d.id, keep: true, description: d.description }
      const description = fields[`${id}-description`] ?? d.description
      return { id: d.id, keep: fields[`${id}-keep`] === "on", description }
    })
    const newFiles = filesOf(prefix, path)
    return {
      id: p.id,
      self_reported_amount: typeof amount === "number" ? amount : null,
      documents,
      new_files: newFiles
    }
  })

  const companyRaw = (fields[`${NEW}pension_company_id`] ?? "").trim()
  const companyName = (fields[`${NEW}pension_company_name`] ?? "").trim()
  const number = PolicyNumber.normalize(fields[`${NEW}policy_number_new`] ?? "")
  const newAmount = amountOf(fields[`${NEW}self_reported_amount`])
  const newUploads = options.uploads.some((u) => u.field.startsWith(`${NEW}file`))
  const touched = companyRaw !== "" || companyName !== "" || number !== "" || newAmount !== null || newUploads
  const newPolicies: Array<Rest.Contract.Submission["new_policies"][number]> = []
  if (touched) {
    const path = "new_policies[0]"
    Object.assign(pathToField, {
      [`${path}.policy_number`]: `${NEW}policy_number_new`,
      [`${path}.self_reported_amount`]: `${NEW}self_reported_amount`,
      [`${path}.pension_company_id`]: `${NEW}pension_company_id`,
      [`${path}.pension_company_name`]: `${NEW}pension_company_name`
    })
    const companyId = /^\d+$/.test(companyRaw) ? Number(companyRaw) : null
    if (newAmount === "invalid") add(errors, `${NEW}self_reported_amount`, t("wholeNumber"))
    const refs = filesOf(NEW, path)
    newPolicies.push({
      pension_company_id: companyId,
      pension_company_name: companyId === null ? companyName : null,
      policy_number: number,
      self_reported_amount: typeof newAmount === "number" ? newAmount : null,
      new_files: refs
    })
  }

  const notes = (name: "general_notes" | "foreign_pension_notes") => {
    const v = fields[name] ?? ""
    pathToField[`person_tax_year.${name}`] = name
    return v.trim() === "" ? null : v
  }
  const submission: Rest.Contract.Submission = {
    year: options.year,
    updated_by: options.updatedBy,
    person_tax_year: { general_notes: notes("general_notes"), foreign_pension_notes: notes("foreign_pension_notes") },
    policies,
    new_policies: newPolicies
  }
  const context = {
    companyIds: options.companyIds,
    policies: options.policies.map((p) => ({
      id: p.id,
      pensionCompanyId: p.pension_company,
      policyNumber: p.policy_number,
      documentIds: p.documents.map((d) => d.id)
    }))
  }
  // A field that could not be read (not a whole number) shows only that message.
  const unreadable = new Set(Object.keys(errors))
  for (const problem of SubmissionRules.validateSubmission(submission, context, received)) {
    const field = pathToField[problem.path] ?? "__form"
    if (!unreadable.has(field)) add(errors, field, SubmissionRules.messageOf(t, problem))
  }
  return { submission, files, errors, pathToField }
}

/** Puts the back office's field messages (§16.5 paths) on the form's fields. */
export const mapBackOfficeErrors = (
  errors: Rest.Contract.FieldErrors,
  pathToField: Readonly<Record<string, string>>
): FormErrors => {
  const out: FormErrors = {}
  for (const [path, messages] of Object.entries(errors)) {
    const field = pathToField[path] ?? "__form"
    for (const m of messages) add(out, field, m)
  }
  return out
}
