import { SqlClient } from "@effect/sql"
import { Effect, Schema } from "effect"
import { NotFound } from "../../domain/DomainError.js"
import { Note, PolicyDocument } from "../../domain/Note.js"
import { type AuditAuthor, setAuditContextOn } from "./Audit.js"
import { FileStore } from "./FileStore.js"

const decodeNotes = Schema.decodeUnknown(Schema.Array(Note))
const decodeDocuments = Schema.decodeUnknown(Schema.Array(PolicyDocument))

/** A note or document to add: to the person-year, or to one of its policies. */
export interface Attachment {
  readonly person_tax_year_id: number
  readonly policy_tax_year_id?: number | null | undefined
}

/**
 * Notes and attachments (domain.md §2.9, §2.10, §7.3): audited, and one without a policy marks its person-year as
 * not handled. Document contents go through the `FileStore` in the same transaction.
 */
export class Notes extends Effect.Service<Notes>()("@kas/core/Notes", {
  dependencies: [FileStore.layerPostgres],
  effect: Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const files = yield* FileStore

    const personTaxYearOf = (target: Attachment) =>
      target.policy_tax_year_id == null
        ? Effect.succeed(target.person_tax_year_id)
        : sql<{ id: number }>`select person_tax_year_id as id from kas.policy_tax_year
            where id = ${target.policy_tax_year_id}`.pipe(
            Effect.flatMap((r) =>
              r[0] ? Effect.succeed(r[0].id) : Effect.fail(NotFound.of("Police", target.policy_tax_year_id!))
            )
          )

    const markUnhandled = (target: Attachment, personTaxYearId: number) =>
      target.policy_tax_year_id == null
        ? sql`update kas.person_tax_year set all_documents_and_notes_handled = false
            where id = ${personTaxYearId} and all_documents_and_notes_handled`
        : Effect.void

    return {
      /** The notes of a person-year, oldest first. */
      listNotes: Effect.fn("Notes.listNotes")(function* (personTaxYearId: number) {
        return yield* decodeNotes(
          yield* sql`select * from kas.note where person_tax_year_id = ${personTaxYearId}
          order by date, id`
        ).pipe(Effect.orDie)
      }),
      /** Adds a note by staff user `authorId`. */
      addNote: Effect.fn("Notes.addNote")(function* (
        target: Attachment,
        authorId: number,
        content: string,
        author: AuditAuthor
      ) {
        return yield* sql.withTransaction(
          Effect.gen(function* () {
            yield* setAuditContextOn(sql, author, null)
            const pty = yield* personTaxYearOf(target)
            const rows = yield* sql`insert into kas.note (person_tax_year_id, policy_tax_year_id, author_id, content)
              values (${pty}, ${target.policy_tax_year_id ?? null}, ${authorId}, ${content}) returning *`
            yield* markUnhandled(target, pty)
            return (yield* decodeNotes(rows).pipe(Effect.orDie))[0]!
          })
        )
      }),
      /** Edits a note: the editor becomes the author and the date is now; nothing is written when the text is equal. */
      editNote: Effect.fn("Notes.editNote")(function* (
        id: number,
        editorId: number,
        content: string,
        author: AuditAuthor
      ) {
        return yield* sql.withTransaction(
          Effect.gen(function* () {
            yield* setAuditContextOn(sql, author, null)
            yield* sql`update kas.note set content = ${content}, author_id = ${editorId}, date = now()
              where id = ${id} and content <> ${content}`
            const rows = yield* decodeNotes(yield* sql`select * from kas.note where id = ${id}`).pipe(Effect.orDie)
            return rows[0] ?? (yield* Effect.fail(NotFound.of("Notat", id)))
          })
        )
      }),
      /** The documents of a person-year. */
      listDocuments: Effect.fn("Notes.listDocuments")(function* (personTaxYearId: number) {
        return yield* decodeDocuments(
          yield* sql`select * from kas.policy_document where person_tax_year_id = ${personTaxYearId}
          order by uploaded_at, id`
        ).pipe(Effect.orDie)
      }),
      /** Stores a file and its document row in one transaction; `uploadedById` null = the citizen. */
      addDocument: Effect.fn("Notes.addDocument")(function* (
        target: Attachment,
        file: {
          readonly name: string
          readonly description: string
          readonly content: Uint8Array
          readonly year?: number
        },
        uploadedById: number | null,
        author: AuditAuthor
      ) {
        return yield* sql.withTransaction(
          Effect.gen(function* () {
            yield* setAuditContextOn(sql, author, null)
            const pty = yield* personTaxYearOf(target)
            const fileId = yield* files.put({
              kind: "policy_document",
              year: file.year,
              name: file.name,
              content: file.content
            })
            const rows = yield* sql`insert into kas.policy_document
              (person_tax_year_id, policy_tax_year_id, uploaded_by_id, name, description, file_id)
              values (${pty}, ${target.policy_tax_year_id ?? null}, ${uploadedById}, ${file.name}, ${file.description},
                ${fileId}) returning *`
            yield* markUnhandled(target, pty)
            return (yield* decodeDocuments(rows).pipe(Effect.orDie))[0]!
          })
        )
      }),
      /**
       * Stores a citizen's file and its document on a policy, in the caller's transaction and audit context (the
       * self-assessment submission); the document's id.
       */
      attachCitizenFile: Effect.fn("Notes.attachCitizenFile")(function* (
        target: { readonly person_tax_year_id: number; readonly policy_tax_year_id: number },
        file: {
          readonly name: string
          readonly description: string
          readonly contentType: string
          readonly content: Uint8Array
          readonly year: number
        }
      ) {
        const fileId = yield* files.put({
          kind: "policy_document",
          year: file.year,
          name: file.name,
          contentType: file.contentType,
          content: file.content
        })
        const [row] = yield* sql<{ id: number }>`insert into kas.policy_document
            (person_tax_year_id, policy_tax_year_id, uploaded_by_id, name, description, file_id)
          values (${target.person_tax_year_id}, ${target.policy_tax_year_id}, null, ${file.name}, ${file.description},
            ${fileId}) returning id`
        return row!.id
      }),
      /** A document's new description (nothing written when equal), in the caller's transaction. */
      describeDocument: Effect.fn("Notes.describeDocument")(function* (id: number, description: string) {
        yield* sql`update kas.policy_document set description = ${description}
          where id = ${id} and description <> ${description}`
      }),
      /**
       * Deletes a document row in the caller's transaction and returns its file's id, for the caller to remove the
       * file once the transaction has committed; null when there was none.
       */
      detachDocument: Effect.fn("Notes.detachDocument")(function* (id: number) {
        const rows = yield* sql<{ file_id: string }>`delete from kas.policy_document where id = ${id} returning file_id`
        return rows[0]?.file_id ?? null
      }),
      /** Deletes a document and its stored file (citizen documents, domain.md §2.10). */
      removeDocument: Effect.fn("Notes.removeDocument")(function* (id: number, author: AuditAuthor) {
        return yield* sql.withTransaction(
          Effect.gen(function* () {
            yield* setAuditContextOn(sql, author, null)
            const rows = yield* sql<{
              file_id: string
            }>`delete from kas.policy_document where id = ${id} returning file_id`
            if (rows[0] === undefined) return yield* Effect.fail(NotFound.of("Bilag", id))
            yield* files.remove(rows[0].file_id)
          })
        )
      }),
      /** Sets the person-year's "all documents and notes handled" flag back to true (the staff button). */
      markHandled: Effect.fn("Notes.markHandled")(function* (personTaxYearId: number, author: AuditAuthor) {
        return yield* sql.withTransaction(
          Effect.zipRight(
            setAuditContextOn(sql, author, null),
            sql`update kas.person_tax_year set all_documents_and_notes_handled = true
              where id = ${personTaxYearId} and not all_documents_and_notes_handled`
          )
        )
      })
    }
  })
}) {}
