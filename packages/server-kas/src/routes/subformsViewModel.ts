import { Notes, type PolicyAttachments, Rest, type StaffFile } from "@kas/core"
import type { UploadedFile } from "@kas/core/web"
import { Effect } from "effect"
import { tooManyStaffFiles } from "../web/Uploads.js"
import { notesMessages } from "./notesViewModel.js"

/**
 * The repeatable note and upload sub-forms of the policy edit forms (staff-web.md §7, §8.3): any number of note rows
 * (`note-<i>-content`) and file rows (`file-<i>-file` with its own `file-<i>-description`), numbered like Django's
 * formsets. `views/notes/_subforms.ejs` draws them; `static/formset.js` adds rows in place.
 */

/** Rows of each kind one save takes (the files: the staff forms' file limit, `Rest.Uploads.MAX_STAFF_FILES`). */
export const MAX_ROWS = Rest.Uploads.MAX_STAFF_FILES

/**
 * The sub-forms' messages (decision): a description's are the add page's (`notesMessages`), the upload texts
 * `Rest.Uploads.staffUploadMessages` (staff-web.md §7).
 */
export const subformMessages = {
  descriptionTooLong: notesMessages.descriptionTooLong,
  descriptionWithoutFile: notesMessages.descriptionWithoutFile,
  tooManyNotes: `Højst ${MAX_ROWS} notater ad gangen`,
  tooManyFiles: tooManyStaffFiles,
  chooseAgain: (name: string) => `Vælg filen ${name} igen`
} as const

/** A note row as the page shows it. */
export interface NoteRow {
  readonly index: number
  readonly content: string
}

/** A file row as the page shows it: its description, the file chosen before a refusal, and its messages. */
export interface FileRow {
  readonly index: number
  readonly description: string
  /** A file that was acceptable but must be chosen again, since the form was refused (browsers keep no files). */
  readonly chosen?: string | undefined
  readonly errors: { readonly file?: string; readonly description?: string }
}

/** The sub-forms of a page: its rows (at least one of each) and a message for the whole sub-form. */
export interface SubformsView {
  readonly notes: ReadonlyArray<NoteRow>
  readonly files: ReadonlyArray<FileRow>
  readonly error?: string | undefined
  readonly max: number
  /** Empty rows drawn for browsers without scripts, after the rows above. */
  readonly extraRows: number
}

/** Whether a page's sub-forms carry a message (the page answers 400). */
export const hasErrors = (view: SubformsView): boolean =>
  view.error !== undefined || view.files.some((f) => f.errors.file !== undefined || f.errors.description !== undefined)

const EXTRA_ROWS = 2

/** The empty sub-forms: one note row and one file row. */
export const emptySubforms = (): SubformsView => ({
  notes: [{ index: 0, content: "" }],
  files: [{ index: 0, description: "", errors: {} }],
  max: MAX_ROWS,
  extraRows: EXTRA_ROWS
})

const str = (body: Record<string, unknown>, name: string): string => {
  const value = body[name]
  return typeof value === "string" ? value : ""
}

/** The row numbers that `pattern` (its first group) finds among `names`, in ascending order. */
const rowIndexes = (names: Iterable<string>, pattern: RegExp): Array<number> =>
  [
    ...new Set(
      [...names].flatMap((name) => {
        const m = pattern.exec(name)
        return m ? [Number(m[1])] : []
      })
    )
  ].sort((a, b) => a - b)

const NOTE_FIELD = /^note-(\d{1,6})-content$/
const FILE_FIELD = /^file-(\d{1,6})-(?:file|description)$/

/**
 * Decodes the posted sub-forms. Each file row is checked by the one upload rule (`Rest.Uploads.uploadProblem`, the
 * staff types); a description needs a file and at most `MAX_DESCRIPTION` characters; empty rows are skipped. Valid
 * only when every row is; `values` are the notes and files in row order, `view` the page to show on a refusal (the
 * rows that had content, renumbered).
 */
export const parseSubforms = (body: Record<string, unknown>, uploads: ReadonlyArray<UploadedFile>) => {
  const notes = rowIndexes(Object.keys(body), NOTE_FIELD)
    .map((i) => str(body, `note-${i}-content`))
    .filter((content) => content.trim() !== "")
  const fileRows = rowIndexes([...Object.keys(body), ...uploads.map((u) => u.field)], FILE_FIELD).flatMap((i) => {
    const description = str(body, `file-${i}-description`).trim()
    const rowUploads = uploads.filter((u) => u.field === `file-${i}-file`)
    return description === "" && rowUploads.length === 0 ? [] : [{ description, rowUploads }]
  })
  const files: Array<StaffFile> = []
  const rows: Array<FileRow> = fileRows.map(({ description, rowUploads }, index) => {
    const errors: { file?: string; description?: string } = {}
    const chosen: Array<string> = []
    for (const upload of rowUploads) {
      const name = Rest.Uploads.safeFileName(upload.filename)
      const problem = Rest.Uploads.uploadProblem(
        { name, content: upload.content, truncated: upload.truncated },
        Rest.Uploads.staffTypes
      )
      if (problem !== null) errors.file ??= `${name}: ${Rest.Uploads.staffUploadMessages[problem]}`
      else {
        chosen.push(name)
        files.push({
          name,
          description,
          contentType: Rest.Uploads.staffContentType(name, upload.content),
          content: upload.content
        })
      }
    }
    if (description.length > Rest.Uploads.MAX_DESCRIPTION) errors.description = subformMessages.descriptionTooLong
    else if (rowUploads.length === 0) errors.file = subformMessages.descriptionWithoutFile
    return {
      index,
      description,
      chosen:
        errors.file === undefined && chosen.length > 0 ? subformMessages.chooseAgain(chosen.join(", ")) : undefined,
      errors
    }
  })
  const error =
    notes.length > MAX_ROWS
      ? subformMessages.tooManyNotes
      : rows.length > MAX_ROWS
        ? subformMessages.tooManyFiles
        : undefined
  const view: SubformsView = {
    notes: notes.length === 0 ? [{ index: 0, content: "" }] : notes.map((content, index) => ({ index, content })),
    files: rows.length === 0 ? [{ index: 0, description: "", errors: {} }] : rows,
    error,
    max: MAX_ROWS,
    extraRows: EXTRA_ROWS
  }
  const values: PolicyAttachments = { notes: notes.map((n) => n.replace(/\r\n/g, "\n")), files }
  return { view, valid: !hasErrors(view), values }
}

/** A policy edit with its form's notes and files, in one transaction (`Notes.withAttachments`), by the current user. */
export const withAttachments = <A, E, R>(
  ctx: { readonly state: { readonly user?: { readonly id: number; readonly username: string } } },
  d: { readonly policy: { readonly id: number } },
  values: PolicyAttachments,
  edit: Effect.Effect<A, E, R>
) =>
  Effect.flatMap(Notes, (n) =>
    n.withAttachments(edit, d.policy.id, values, { id: ctx.state.user!.id, username: ctx.state.user!.username })
  )
