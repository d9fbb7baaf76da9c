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

const EXTENSIONS: Record<AllowedType, ReadonlyArray<string>> = {
  "application/pdf": [".pdf"],
  "image/jpeg": [".jpg", ".jpeg"],
  "image/png": [".png"]
}

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

/**
 * The type of a file judged by its content and its name, or null when either is not PDF, JPEG or PNG (or they
 * disagree).
 */
export const allowedType = (name: string, content: Uint8Array): AllowedType | null => {
  const type = sniffedType(content)
  if (type === null) return null
  const lower = name.toLowerCase()
  return EXTENSIONS[type].some((e) => lower.endsWith(e)) ? type : null
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

/** The first rule a file breaks (§8), in this order: size (or cut by the parser), empty, type; null when acceptable. */
export const uploadProblem = (file: UploadCandidate): UploadProblem | null => {
  if (file.truncated || file.content.byteLength > MAX_FILE_BYTES) return "too-large"
  if (file.content.byteLength === 0) return "empty"
  if (allowedType(file.name, file.content) === null) return "bad-type"
  return null
}

/** The first rule a file breaks (§8), as a Danish message, or null when it is acceptable. */
export const checkUpload = (file: UploadCandidate): string | null => {
  const problem = uploadProblem(file)
  return problem === null ? null : danish(uploadProblemText[problem], { name: file.name })
}
