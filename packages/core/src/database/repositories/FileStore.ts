import { SqlClient } from "@effect/sql"
import type { SqlError } from "@effect/sql/SqlError"
import { Context, Data, Effect, Layer } from "effect"
import { NotFound } from "../../domain/DomainError.js"

/** A file to store: its kind and year give the folder (e.g. `policy_document/2024`). */
export interface NewFile {
  readonly kind: string
  readonly year?: number | undefined
  readonly name: string
  readonly contentType?: string | undefined
  readonly content: Uint8Array
}

/** A stored file. */
export interface StoredFile {
  readonly id: string
  readonly name: string
  readonly folder: string
  readonly contentType: string
  readonly content: Uint8Array
}

/**
 * The file store could not do what it was asked: `InvalidInput` (the store refused the id, name or content, e.g. an
 * id that is not a UUID or a name with a NUL byte), `Unavailable` (the storage could not be reached or is shutting
 * down: trying again later may help), `Unknown` (anything else). `cause` is the storage's own error.
 */
export class FileStoreError extends Data.TaggedError("FileStoreError")<{
  readonly reason: "InvalidInput" | "Unavailable" | "Unknown"
  readonly method: "put" | "get" | "remove"
  readonly cause: unknown
}> {
  override get message() {
    return `FileStore.${this.method} failed (${this.reason})`
  }
}

/**
 * Where file contents live (domain.md §2 "Files"). The default layer keeps them as `bytea` in `kas.file`, so a file
 * commits in the same transaction as the record that references it.
 */
export class FileStore extends Context.Tag("@kas/core/FileStore")<
  FileStore,
  {
    /** Stores a file under a random UUID; returns the id. */
    readonly put: (file: NewFile) => Effect.Effect<string, FileStoreError>
    /** Reads a file. */
    readonly get: (id: string) => Effect.Effect<StoredFile, FileStoreError | NotFound>
    /** Deletes a file (nothing happens when it does not exist). */
    readonly remove: (id: string) => Effect.Effect<void, FileStoreError>
  }
>() {
  /** The PostgreSQL implementation (`kas.file`). */
  static readonly layerPostgres = Layer.effect(
    FileStore,
    Effect.gen(function* () {
      const sql = yield* SqlClient.SqlClient
      return {
        put: (file) =>
          sql<{ id: string }>`insert into kas.file (kind, folder, name, content_type, size, content)
            values (${file.kind}, ${file.year === undefined ? file.kind : `${file.kind}/${file.year}`}, ${file.name},
              ${file.contentType ?? "application/octet-stream"}, ${file.content.byteLength},
              ${Buffer.from(file.content.buffer, file.content.byteOffset, file.content.byteLength)})
            returning id`.pipe(
            Effect.map((rows) => rows[0]!.id),
            Effect.mapError(fileStoreError("put")),
            Effect.withSpan("FileStore.put")
          ),
        get: (id) =>
          sql<{ id: string; name: string; folder: string; content_type: string; content: Buffer }>`
            select id, name, folder, content_type, content from kas.file where id = ${id}`.pipe(
            Effect.mapError(fileStoreError("get")),
            Effect.flatMap((rows) =>
              rows[0] === undefined
                ? Effect.fail(NotFound.of("Fil", id))
                : Effect.succeed({
                    id: rows[0].id,
                    name: rows[0].name,
                    folder: rows[0].folder,
                    contentType: rows[0].content_type,
                    content: new Uint8Array(rows[0].content)
                  })
            ),
            Effect.withSpan("FileStore.get")
          ),
        remove: (id) =>
          sql`delete from kas.file where id = ${id}`.pipe(
            Effect.asVoid,
            Effect.mapError(fileStoreError("remove")),
            Effect.withSpan("FileStore.remove")
          )
      }
    })
  )
}

/**
 * The reason of a PostgreSQL error by its SQLSTATE class: data (22) and constraint (23) errors are the input's;
 * connection (08), resource (53) and shutdown (57P) errors and Node's socket errors (`ECONNREFUSED`, …) the storage's.
 */
const reasonOf = (error: SqlError): FileStoreError["reason"] => {
  const cause: unknown = error.cause
  const code = typeof cause === "object" && cause !== null && "code" in cause ? String(cause.code) : ""
  if (code.startsWith("22") || code.startsWith("23")) return "InvalidInput"
  if (/^(08|53|57P)/.test(code) || /^E[A-Z]+$/.test(code)) return "Unavailable"
  return "Unknown"
}

const fileStoreError = (method: FileStoreError["method"]) => (error: SqlError) =>
  new FileStoreError({ reason: reasonOf(error), method, cause: error })
