import { Companies, Notes, Persons, Policies, Rest, type StaffFile, TaxYears } from "@kas/core"
import type { UploadedFile } from "@kas/core/web"
import { Effect } from "effect"
import type { Format } from "../web/Format.js"
import { date } from "../web/FormFields.js"
import { companyLabel, type PersonYearData } from "./personYearViewModel.js"

/** Notes and attachments (staff-web.md §7): the add page at person-year or policy level and the note edit page. */

/** Where notes and attachments are added: a person-year, or one of its policies. */
export type NotesTarget =
  | { readonly kind: "person"; readonly id: number }
  | { readonly kind: "policy"; readonly id: number }

/** The person-year (and policy) the page adds to. */
export const loadTarget = (target: NotesTarget) =>
  Effect.gen(function* () {
    const persons = yield* Persons
    const policy = target.kind === "policy" ? yield* Effect.flatMap(Policies, (p) => p.get(target.id)) : null
    const personYear = yield* persons.getPersonTaxYear(policy === null ? target.id : policy.person_tax_year_id)
    const person = yield* persons.get(personYear.person_id)
    const taxYear = yield* Effect.flatMap(TaxYears, (t) => t.get(personYear.tax_year_id))
    const company = policy === null ? null : yield* Effect.flatMap(Companies, (c) => c.get(policy.pension_company_id))
    return { target, policy, personYear, person, taxYear, company }
  })

/** What the add page reads. */
export type TargetData = Effect.Effect.Success<ReturnType<typeof loadTarget>>

/** The person-year's page. */
const personYearHref = (d: { readonly taxYear: { year: number }; readonly person: { id: number } }) =>
  `/tax_year/${d.taxYear.year}/persons/${d.person.id}/`

/** Where the page returns to: the person-year's notes, or the policy's tab. */
export const backOf = (d: TargetData) =>
  d.policy === null
    ? personYearHref(d)
    : `/tax_year/${d.taxYear.year}/persons/${d.person.id}/policies/?tab=notater#policy_${d.policy.id}`

/** The form's values as typed. */
export type NotesForm = Record<"note" | "description" | "next_processing_date", string>

/** The empty form (the date pre-filled with the policy's). */
export const notesForm = (d: TargetData): NotesForm => ({
  note: "",
  description: "",
  next_processing_date: d.policy?.next_processing_date ?? ""
})

/** The messages of the form (staff-web.md §7; the upload texts are `Rest.Uploads`'). */
export const notesMessages = {
  nothing: "Skriv et notat eller vælg en fil",
  nothingPolicy: "Skriv et notat, vælg en fil eller ret næste behandlingsdato",
  descriptionTooLong: `Beskrivelsen må højst være ${Rest.Uploads.MAX_DESCRIPTION} tegn`,
  descriptionWithoutFile: "Vælg en fil til beskrivelsen",
  required: "Dette felt er påkrævet"
} as const

const str = (body: Record<string, unknown>, name: string): string => {
  const value = body[name]
  return typeof value === "string" ? value : ""
}

/**
 * Decodes a posted add form: the note, the file (checked by the one upload rule, `Rest.Uploads.uploadProblem`, with
 * the staff types) with its description, and the date when `withDate` (policy level with policy.change).
 */
export const parseNotesForm = (
  d: TargetData,
  body: Record<string, unknown>,
  uploads: ReadonlyArray<UploadedFile>,
  withDate: boolean
) => {
  const form: NotesForm = {
    note: str(body, "note"),
    description: str(body, "description"),
    next_processing_date: str(body, "next_processing_date")
  }
  const errors: Record<string, string> = {}
  const note = form.note.trim() === "" ? null : form.note.replace(/\r\n/g, "\n")
  const description = form.description.trim()
  const upload = uploads.find((u) => u.field === "file")
  let file: StaffFile | null = null
  if (upload !== undefined) {
    const name = Rest.Uploads.safeFileName(upload.filename)
    const problem = Rest.Uploads.uploadProblem(
      { name, content: upload.content, truncated: upload.truncated },
      Rest.Uploads.staffTypes
    )
    if (problem !== null) errors.file = Rest.Uploads.staffUploadMessages[problem]
    else
      file = {
        name,
        description,
        contentType: Rest.Uploads.staffContentType(name, upload.content),
        content: upload.content
      }
  }
  if (description.length > Rest.Uploads.MAX_DESCRIPTION) errors.description = notesMessages.descriptionTooLong
  else if (description !== "" && upload === undefined) errors.file = notesMessages.descriptionWithoutFile
  let nextProcessingDate: string | null | undefined
  if (withDate) {
    const parsed = date(form.next_processing_date)
    if (parsed.ok) nextProcessingDate = parsed.value
    else errors.next_processing_date = parsed.error
  }
  const dateChanged =
    nextProcessingDate !== undefined && nextProcessingDate !== (d.policy?.next_processing_date ?? null)
  let error: string | undefined
  if (Object.keys(errors).length === 0 && note === null && upload === undefined && !dateChanged)
    error = d.policy === null ? notesMessages.nothing : notesMessages.nothingPolicy
  const valid = Object.keys(errors).length === 0 && error === undefined
  return { form, errors, error, valid, values: { note, file, nextProcessingDate } }
}

/** The add page's view. */
export const addView = (
  d: TargetData,
  fmt: Format,
  withDate: boolean,
  form: NotesForm,
  errors: Record<string, string>,
  error?: string
) => ({
  title: "Tilføj bilag/notater",
  heading: d.policy === null ? "Tilføj bilag/notater" : `Tilføj bilag/notater: police ${d.policy.policy_number}`,
  action:
    d.policy === null
      ? `/person/${d.personYear.id}/add/notes-attachments/`
      : `/policy/${d.policy.id}/add/notes-attachments/`,
  back: backOf(d),
  person: `${fmt.cpr(d.person.cpr)} ${d.person.name ?? ""} · ${d.taxYear.year}`,
  company: d.company === null ? "" : companyLabel(d.company),
  withDate,
  allowed: "PDF, JPEG, PNG, TIFF, DOCX, XLSX, MSG, EML og TXT, højst 10 MB",
  accept: ".pdf,.jpg,.jpeg,.png,.tif,.tiff,.docx,.xlsx,.msg,.eml,.txt",
  form,
  errors,
  error
})

/** The note edit page: the note and its person-year. */
export const loadNote = (id: number) =>
  Effect.gen(function* () {
    const note = yield* Effect.flatMap(Notes, (n) => n.getNote(id))
    const persons = yield* Persons
    const personYear = yield* persons.getPersonTaxYear(note.person_tax_year_id)
    const person = yield* persons.get(personYear.person_id)
    const taxYear = yield* Effect.flatMap(TaxYears, (t) => t.get(personYear.tax_year_id))
    const policy =
      note.policy_tax_year_id === null ? null : yield* Effect.flatMap(Policies, (p) => p.get(note.policy_tax_year_id!))
    return { note, personYear, person, taxYear, policy }
  })

/** What the note edit page reads. */
export type NoteData = Effect.Effect.Success<ReturnType<typeof loadNote>>

/** Decodes a posted note edit: the content is required. */
export const parseNoteEdit = (body: Record<string, unknown>) => {
  const content = str(body, "content")
  return content.trim() === ""
    ? { valid: false as const, content, errors: { content: notesMessages.required } }
    : { valid: true as const, content: content.replace(/\r\n/g, "\n"), errors: {} }
}

/** The note edit page's view. */
export const noteEditView = (d: NoteData, fmt: Format, content: string, errors: Record<string, string>) => ({
  title: "Rediger notat",
  heading: "Rediger notat",
  action: `/note/${d.note.id}/`,
  back: personYearHref(d),
  person: `${fmt.cpr(d.person.cpr)} ${d.person.name ?? ""} · ${d.taxYear.year}`,
  policy: d.policy?.policy_number ?? "",
  content,
  errors
})

/** The rows of a notes tab (staff-web.md §6.5), newest first; only those of one policy when `policyId` is given. */
export const noteRows = (
  data: PersonYearData,
  fmt: Format,
  can: (...permissions: Array<string>) => boolean,
  policyId?: number
) =>
  [...data.notes]
    .reverse()
    .filter((n) => policyId === undefined || n.policy_tax_year_id === policyId)
    .map((n) => {
      const first = data.created.get(String(n.id))
      return {
        id: n.id,
        content: n.content,
        policy: data.policies.find((p) => p.id === n.policy_tax_year_id)?.policy_number ?? "",
        createdBy: first ? `${first.history_user ?? ""} ${fmt.dateTime(first.history_date)}`.trim() : "",
        editedBy: `${data.users.get(n.author_id) ?? ""} ${fmt.dateTime(n.date)}`.trim(),
        canEdit: can("note.change")
      }
    })

/** The rows of an attachments tab (staff-web.md §6.5); only those of one policy when `policyId` is given. */
export const documentRows = (
  data: PersonYearData,
  fmt: Format,
  can: (...permissions: Array<string>) => boolean,
  policyId?: number
) =>
  data.documents
    .filter((d) => policyId === undefined || d.policy_tax_year_id === policyId)
    .map((d) => ({
      href: `/policy_document/${d.id}/`,
      canDownload: can("document.view"),
      name: d.name,
      description: d.description,
      policy: data.policies.find((p) => p.id === d.policy_tax_year_id)?.policy_number ?? "",
      at: fmt.dateTime(d.uploaded_at),
      by: d.uploaded_by_id === null ? "" : (data.users.get(d.uploaded_by_id) ?? "")
    }))
