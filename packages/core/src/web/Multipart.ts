import busboy from "busboy"
import type { IncomingMessage } from "node:http"
import { HttpError } from "./HttpError.js"

/** One uploaded file, read into memory; `truncated` when it was cut at `maxFileBytes`. */
export interface UploadedFile {
  readonly field: string
  readonly filename: string
  readonly mimeType: string
  readonly content: Buffer
  readonly truncated: boolean
}

/** A parsed `multipart/form-data` body: every field value (in order) and every non-empty file part. */
export interface MultipartBody {
  readonly fields: Record<string, Array<string>>
  readonly files: Array<UploadedFile>
}

/** The answer to a body busboy cannot read (no boundary, cut off before its end, a broken part header). */
export const MULTIPART_MALFORMED = "Ugyldig multipart-anmodning: formularens data kunne ikke læses"

/** The answer to a body with more than 2 000 fields or file inputs (no form of ours has that many). */
export const MULTIPART_TOO_MANY_PARTS = "Formularen har for mange felter"

/** Whether a request carries `multipart/form-data`. */
export const isMultipart = (req: IncomingMessage): boolean =>
  (req.headers["content-type"] ?? "").toLowerCase().startsWith("multipart/form-data")

/** Parts busboy reads at most, empty file inputs included; `maxFiles` counts only the files that were chosen. */
const MAX_PARTS = 2000

/**
 * Reads a `multipart/form-data` request with busboy. A file larger than `maxFileBytes` is kept cut and marked
 * `truncated` (so the form can say which file was too large); a request larger than `maxTotalBytes` fails with a
 * 413 HttpError before it is read to the end, and so does one with more than `maxFiles` files (default 200; it said
 * nothing and dropped the files past the limit before). File parts without a file name (an empty file input) are
 * skipped and not counted.
 */
export const parseMultipart = (
  req: IncomingMessage,
  options: {
    readonly maxFileBytes: number
    readonly maxTotalBytes: number
    readonly maxFiles?: number
    readonly tooLargeMessage?: string
    readonly tooManyFilesMessage?: string
  }
): Promise<MultipartBody> =>
  new Promise((resolve, reject) => {
    const length = Number(req.headers["content-length"] ?? "0")
    const tooLarge = () => new HttpError(413, options.tooLargeMessage)
    const maxFiles = options.maxFiles ?? 200
    if (length > options.maxTotalBytes) {
      req.resume()
      return reject(tooLarge())
    }
    let bb: busboy.Busboy
    try {
      bb = busboy({
        headers: req.headers,
        // Browsers and undici send file names as UTF-8 (busboy's default, latin1, garbled "æøå" and every non-ASCII
        // name).
        defParamCharset: "utf8",
        limits: {
          fileSize: options.maxFileBytes,
          files: MAX_PARTS,
          fields: MAX_PARTS,
          fieldSize: 2 * 1024 * 1024
        }
      })
    } catch {
      req.resume()
      return reject(new HttpError(400, MULTIPART_MALFORMED))
    }
    // No prototype: a part named "__proto__", "constructor" or "toString" is a field like any other (with `{}`,
    // `fields[name]` found Object.prototype's member and the parser threw inside the stream: the request hung).
    const fields: Record<string, Array<string>> = Object.create(null)
    const files: Array<UploadedFile> = []
    let total = 0
    let chosenFiles = 0
    let failed = false
    const fail = (e: Error) => {
      if (failed) return
      failed = true
      req.unpipe(bb)
      req.resume()
      reject(e)
    }
    /** A handler's own error rejects the promise (a 500) instead of escaping into the stream. */
    const guarded =
      <A extends Array<unknown>>(f: (...args: A) => void) =>
      (...args: A) => {
        try {
          f(...args)
        } catch (e) {
          fail(e instanceof Error ? e : new Error(String(e)))
        }
      }
    req.on("data", (chunk: Buffer) => {
      total += chunk.length
      if (total > options.maxTotalBytes) fail(tooLarge())
    })
    // A client that goes away mid-body settles the promise too (nothing waits on a request that will never end).
    req.on("aborted", () => fail(new HttpError(400, "Anmodningen blev afbrudt")))
    req.on("error", () => fail(new HttpError(400, "Anmodningen blev afbrudt")))
    bb.on(
      "field",
      guarded((name: string, value: string) => {
        if (typeof name !== "string" || name === "") return
        const values = fields[name] ?? []
        values.push(value)
        fields[name] = values
      })
    )
    bb.on("file", (field, stream, info) => {
      if (info.filename && ++chosenFiles > maxFiles) {
        stream.resume()
        return fail(
          new HttpError(413, options.tooManyFilesMessage ?? `For mange filer i én anmodning (højst ${maxFiles})`)
        )
      }
      const chunks: Array<Buffer> = []
      let truncated = false
      stream.on("data", (c: Buffer) => chunks.push(c))
      stream.on("limit", () => {
        truncated = true
      })
      stream.on("close", () => {
        if (info.filename && typeof field === "string" && field !== "")
          files.push({
            field,
            filename: info.filename,
            mimeType: info.mimeType,
            content: Buffer.concat(chunks),
            truncated
          })
      })
    })
    bb.on("error", () => fail(new HttpError(400, MULTIPART_MALFORMED)))
    bb.on("filesLimit", () => fail(new HttpError(413, MULTIPART_TOO_MANY_PARTS)))
    bb.on("fieldsLimit", () => fail(new HttpError(413, MULTIPART_TOO_MANY_PARTS)))
    bb.on("close", () => {
      if (!failed) resolve({ fields, files })
    })
    req.pipe(bb)
  })
