/**
 * Attachment limits and checks (selvbetjening.md §8), enforced by selvbetjening and again by the back office: the
 * one copy of the upload rules. The messages are the portal's texts (`I18n`); the back office answers in Danish.
 */
import type { MessageKey } from "../i18n/da.js"
import { translator } from "../i18n/index.js"

const danish = translator("da")

/** At most this many citizen documents per policy after a submission (kept + new). */
export const MAX_FILES_PER_POLICY = 10
/** Bytes per file. */
export const MAX_FILE_BYTES = 10 * 1024 * 1024
/** Files per staff form (one request; the upload rows of a policy edit form, staff-web.md §7; decision). */
export const MAX_STAFF_FILES = 20
/** Bytes per submission request. */
export const MAX_REQUEST_BYTES = 50 * 1024 * 1024
/** Characters of a description. */
export const MAX_DESCRIPTION = 255
/** Characters of a stored file name. */
export const MAX_FILE_NAME = 255
/** Characters of each note of the person-year. */
export const MAX_NOTES = 10_000

/** The file types citizens may upload. */
export type AllowedType = "application/pdf" | "image/jpeg" | "image/png"

/** Every file type an upload may have: the citizens' and the staff's (staff-web.md §7). */
export type FileType =
  | AllowedType
  | "image/tiff"
  | "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
  | "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
  | "application/vnd.ms-outlook"
  | "message/rfc822"
  | "text/plain"

const EXTENSIONS: Record<FileType, ReadonlyArray<string>> = {
  "application/pdf": [".pdf"],
  "image/jpeg": [".jpg", ".jpeg"],
  "image/png": [".png"],
  "image/tiff": [".tif", ".tiff"],
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document": [".docx"],
  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": [".xlsx"],
  "application/vnd.ms-outlook": [".msg"],
  "message/rfc822": [".eml"],
  "text/plain": [".txt"]
}

/** The types a citizen may upload (selvbetjening.md §8). */
export const citizenTypes: ReadonlyArray<FileType> = ["application/pdf", "image/jpeg", "image/png"]

/** The types staff may attach (staff-web.md §7): PDF, JPEG, PNG, TIFF, DOCX, XLSX, MSG, EML and TXT. */
export const staffTypes: ReadonlyArray<FileType> = Object.keys(EXTENSIONS) as Array<FileType>

const startsWith = (content: Uint8Array, magic: ReadonlyArray<number>) =>
  content.length >= magic.length && magic.every((b, i) => content[i] === b)

/** The type the bytes of a file show (PDF, JPEG or PNG), whatever its name or the client says; null otherwise. */
export const sniffedType = (content: Uint8Array): AllowedType | null =>
  startsWith(content, [0x25, 0x50, 0x44, 0x46, 0x2d])
    ? "application/pdf"
    : startsWith(content, [0xff, 0xd8, 0xff])
      ? "image/jpeg"
      : startsWith(content, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
        ? "image/png"
        : null

/**
 * The content type stored with (and served for) an uploaded file: the sniffed type, never the type the client
 * declared (a PDF-looking file declared as text/html is stored as PDF; anything else as an opaque octet stream).
 */
export const storedContentType = (content: Uint8Array): string => sniffedType(content) ?? "application/octet-stream"

const ascii = (s: string) => Array.from(s, (c) => c.charCodeAt(0))
const bytes = (c: Uint8Array) => Buffer.from(c.buffer, c.byteOffset, c.byteLength)
const contains = (content: Uint8Array, s: string) => bytes(content).includes(s, 0, "latin1")
const isZip = (content: Uint8Array) => startsWith(content, [0x50, 0x4b, 0x03, 0x04])

/** Text: no NUL or other control bytes than tab, line feed, form feed, carriage return and escape (any 8-bit text). */
const isText = (content: Uint8Array) =>
  content.every((b) => b >= 0x20 || b === 0x09 || b === 0x0a || b === 0x0c || b === 0x0d || b === 0x1b) &&
  !content.includes(0x7f)

const HEADER_FIELD = /^[\x21-\x39\x3b-\x7e]+:[ \t]/

/** Whether the bytes are what a file of the type starts with (or, for DOCX/XLSX/EML/TXT, consists of). */
const CONTENT: Record<FileType, (content: Uint8Array) => boolean> = {
  "application/pdf": (c) => sniffedType(c) === "application/pdf",
  "image/jpeg": (c) => sniffedType(c) === "image/jpeg",
  "image/png": (c) => sniffedType(c) === "image/png",
  "image/tiff": (c) => startsWith(c, ascii("II*\u0000")) || startsWith(c, ascii("MM\u0000*")),
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document": (c) =>
    isZip(c) && contains(c, "[Content_Types].xml") && contains(c, "word/"),
  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": (c) =>
    isZip(c) && contains(c, "[Content_Types].xml") && contains(c, "xl/"),
  // An Outlook message is an OLE2 compound file.
  "application/vnd.ms-outlook": (c) => startsWith(c, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]),
  // An e-mail is text that starts with a header field ("Received: …", "From: …").
  "message/rfc822": (c) => isText(c) && HEADER_FIELD.test(bytes(c.subarray(0, 200)).toString("latin1")),
  "text/plain": isText
}

/**
 * The type of a file judged by its name and its content, among `types` (the citizens' by default): the type its
 * extension names, when the content is of that type too; null otherwise.
 */
export const allowedType = (
  name: string,
  content: Uint8Array,
  types: ReadonlyArray<FileType> = citizenTypes
): FileType | null => {
  const lower = name.toLowerCase()
  const type = types.find((t) => EXTENSIONS[t].some((e) => lower.endsWith(e)))
  return type !== undefined && CONTENT[type](content) ? type : null
}

/**
 * The `Content-Type` a staff attachment is stored with and served as: its checked type (text as UTF-8 when it is
 * valid UTF-8, else Windows-1252), or an opaque octet stream.
 */
export const staffContentType = (name: string, content: Uint8Array): string => {
  const type = allowedType(name, content, staffTypes)
  if (type === null) return "application/octet-stream"
  if (type !== "text/plain") return type
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(content)
    return "text/plain; charset=utf-8"
  } catch {
    return "text/plain; charset=windows-1252"
  }
}

// C0 and C1 controls and DEL; quotes and backslash; bidirectional marks, embeddings, overrides and isolates (a name
// like "invoice\u202Efdp.exe" shows as "invoiceexe.pdf"); zero-width characters and the BOM.
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it removes
const UNSAFE_IN_NAME = /[\u0000-\u001f\u007f-\u009f"'`\\\u061c\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g

/**
 * The stored name of an uploaded file: path parts dropped; control, quote, backslash, bidi and zero-width characters
 * removed; cut to 255 characters keeping the extension; "fil" when nothing is left.
 */
export const safeFileName = (name: string): string => {
  const base = (name.split(/[\\/]/).pop() ?? name).replace(UNSAFE_IN_NAME, "").trim() || "fil"
  if (base.length <= MAX_FILE_NAME) return base
  const dot = base.lastIndexOf(".")
  const ext = dot > 0 && base.length - dot <= 10 ? base.slice(dot) : ""
  return base.slice(0, MAX_FILE_NAME - ext.length) + ext
}

/** The earlier name of `safeFileName`. */
export const shortenFileName = safeFileName

/**
 * The positions of the entries that repeat an earlier entry's policy id: a policy may appear once in a submission
 * (its documents and the 10-file limit are counted per entry, so a repeat would get around the limit).
 */
export const repeatedPolicies = (policies: ReadonlyArray<{ readonly id: number }>): ReadonlyArray<number> => {
  const seen = new Set<number>()
  return policies.flatMap((p, i) => {
    if (seen.has(p.id)) return [i]
    seen.add(p.id)
    return []
  })
}

/** Danish messages of the upload rules (the back office answers with these). */
export const uploadMessages = {
  tooMany: danish("tooManyFiles"),
  tooLarge: (name: string) => danish("fileTooLarge", { name }),
  requestTooLarge: danish("requestTooLarge"),
  badType: (name: string) => danish("fileBadType", { name }),
  notPdf: (name: string) => danish("fileNotPdf", { name }),
  empty: danish("fileEmpty"),
  missing: danish("fileMissing"),
  policyRepeated: danish("policyRepeated")
} as const

/** A file to check: its name, content and whether the parser cut it at the size limit. */
export interface UploadCandidate {
  readonly name: string
  readonly content: Uint8Array
  readonly truncated?: boolean
}

/** A rule of §8 that a single file breaks. */
export type UploadProblem = "too-large" | "empty" | "bad-type"

/** The portal's text of each problem (`{name}` is the file name). */
export const uploadProblemText: Readonly<Record<UploadProblem, MessageKey>> = {
  "too-large": "fileTooLarge",
  empty: "fileEmpty",
  "bad-type": "fileBadType"
}

/**
 * The first rule a file breaks (§8), in this order: size (or cut by the parser), empty, type (among `types`: the
 * citizens' by default, `staffTypes` for staff attachments); null when acceptable.
 */
export const uploadProblem = (
  file: UploadCandidate,
  types: ReadonlyArray<FileType> = citizenTypes
): UploadProblem | null => {
  if (file.truncated || file.content.byteLength > MAX_FILE_BYTES) return "too-large"
  if (file.content.byteLength === 0) return "empty"
  if (allowedType(file.name, file.content, types) === null) return "bad-type"
  return null
}

/** The staff attachment forms' text of each problem (staff-web.md §7). */
export const staffUploadMessages: Readonly<Record<UploadProblem, string>> = {
  "too-large": "Filen er for stor (højst 10 MB)",
  empty: danish("fileEmpty"),
  "bad-type": "Filtypen er ikke tilladt"
}

/** A pension company's agreement file (staff-web.md §14): PDF only, within the same size limit. */
export const AGREEMENT_TYPES: ReadonlyArray<FileType> = ["application/pdf"]

/** The first rule an agreement file breaks (PDF only, staff-web.md §14), as a Danish message, or null. */
export const checkAgreementUpload = (file: UploadCandidate): string | null => {
  const problem = uploadProblem(file, AGREEMENT_TYPES)
  if (problem === null) return null
  return problem === "bad-type"
    ? uploadMessages.notPdf(file.name)
    : danish(uploadProblemText[problem], { name: file.name })
}

/** The first rule a file breaks (§8), as a Danish message, or null when it is acceptable. */
export const checkUpload = (file: UploadCandidate): string | null => {
  const problem = uploadProblem(file)
  return problem === null ? null : danish(uploadProblemText[problem], { name: file.name })
}
