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

/** A file a staff user attaches: its (safe) name, description, checked content type and content. */
export interface StaffFile {
  readonly name: string
  readonly description: string
  readonly contentType: string
  readonly content: Uint8Array
}

/** What the staff page "Tilføj bilag/notater" adds (staff-web.md §7); at least one of them. */
export interface NotesAttachments {
  readonly note: string | null
  readonly file: StaffFile | null
  /**
   * Policy level only (the field needs policy.change): the new next processing date, `YYYY-MM-DD` or null; undefined
   * when the field was not offered.
   */
  readonly nextProcessingDate?: string | null | undefined
}

/** The notes and files of a policy edit form's sub-forms (staff-web.md §7), saved with the edit. */
export interface PolicyAttachments {
  readonly notes: ReadonlyArray<string>
  readonly files: ReadonlyArray<StaffFile>
}

/** The staff user who adds or edits: the `web.users` id (author) and the username (audit). */
export interface StaffAuthor {
  readonly id: number
  readonly username: string
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

    /** Writes notes and files on a person-year (and policy) in the caller's transaction, in order; their ids. */
    const write = (
      pty: number,
      policyId: number | null,
      contents: ReadonlyArray<string>,
      staffFiles: ReadonlyArray<StaffFile>,
      author: StaffAuthor
    ) =>
      Effect.gen(function* () {
        const notes: Array<number> = []
        for (const content of contents) {
          notes.push(
            (yield* sql<{ id: number }>`insert into kas.note
                (person_tax_year_id, policy_tax_year_id, author_id, content)
              values (${pty}, ${policyId}, ${author.id}, ${content}) returning id`)[0]!.id
          )
        }
        const documents: Array<number> = []
        if (staffFiles.length > 0) {
          const [year] = yield* sql<{ year: number }>`select ty.year from kas.person_tax_year pty
            join kas.tax_year ty on ty.id = pty.tax_year_id where pty.id = ${pty}`
          for (const file of staffFiles) {
            const fileId = yield* files.put({
              kind: "policy_document",
              year: year?.year,
              name: file.name,
              contentType: file.contentType,
              content: file.content
            })
            documents.push(
              (yield* sql<{ id: number }>`insert into kas.policy_document
                  (person_tax_year_id, policy_tax_year_id, uploaded_by_id, name, description, file_id)
                values (${pty}, ${policyId}, ${author.id}, ${file.name}, ${file.description}, ${fileId})
                returning id`)[0]!.id
            )
          }
        }
        return { notes, documents }
      })

    const getNote = Effect.fn("Notes.getNote")(function* (id: number) {
      const rows = yield* decodeNotes(yield* sql`select * from kas.note where id = ${id}`).pipe(Effect.orDie)
      return rows[0] ?? (yield* Effect.fail(NotFound.of("Notat", id)))
    })

    const getDocument = Effect.fn("Notes.getDocument")(function* (id: number) {
      const rows = yield* decodeDocuments(yield* sql`select * from kas.policy_document where id = ${id}`).pipe(
        Effect.orDie
      )
      return rows[0] ?? (yield* Effect.fail(NotFound.of("Bilag", id)))
    })

    return {
      getNote,
      getDocument,
      /** A document with its stored file (the download: the original name and the stored content type). */
      documentFile: Effect.fn("Notes.documentFile")(function* (id: number) {
        const document = yield* getDocument(id)
        const file = yield* files.get(document.file_id)
        return { document, file }
      }),
      /** The notes of a policy-year, oldest first. */
      listNotesOfPolicy: Effect.fn("Notes.listNotesOfPolicy")(function* (policyTaxYearId: number) {
        return yield* decodeNotes(
          yield* sql`select * from kas.note where policy_tax_year_id = ${policyTaxYearId} order by date, id`
        ).pipe(Effect.orDie)
      }),
      /** The documents of a policy-year, oldest first. */
      listDocumentsOfPolicy: Effect.fn("Notes.listDocumentsOfPolicy")(function* (policyTaxYearId: number) {
        return yield* decodeDocuments(
          yield* sql`select * from kas.policy_document where policy_tax_year_id = ${policyTaxYearId}
            order by uploaded_at, id`
        ).pipe(Effect.orDie)
      }),
      /**
       * "Tilføj bilag/notater" (staff-web.md §7, domain.md §7.3–§7.4), in one audited transaction: the note and the
       * file (stored through the `FileStore`) on the person-year, or on the policy and its person-year. Without a
       * policy each sets "all documents and notes handled" to false; with one, a note, a file or a changed next
       * processing date sets the policy to efterbehandling and not slutlignet.
       */
      addNotesAttachments: Effect.fn("Notes.addNotesAttachments")(function* (
        target: Attachment,
        input: NotesAttachments,
        author: StaffAuthor
      ) {
        return yield* sql.withTransaction(
          Effect.gen(function* () {
            yield* setAuditContextOn(sql, author.username, null)
            const pty = yield* personTaxYearOf(target)
            const policyId = target.policy_tax_year_id ?? null
            const written = yield* write(
              pty,
              policyId,
              input.note === null ? [] : [input.note],
              input.file === null ? [] : [input.file],
              author
            )
            const note = written.notes.at(0) ?? null
            const document = written.documents.at(0) ?? null
            const added = note !== null || document !== null
            if (added) yield* markUnhandled(target, pty)
            let dateChanged = false
            if (policyId !== null && input.nextProcessingDate !== undefined) {
              const changed = yield* sql`update kas.policy_tax_year
                set next_processing_date = ${input.nextProcessingDate}::date
                where id = ${policyId} and next_processing_date is distinct from ${input.nextProcessingDate}::date
                returning id`
              dateChanged = changed.length > 0
            }
            if (policyId !== null && (added || dateChanged)) {
              yield* sql`update kas.policy_tax_year set efterbehandling = true, slutlignet = false
                where id = ${policyId} and (not efterbehandling or slutlignet)`
            }
            return { note, document, dateChanged }
          })
        )
      }),
      /**
       * A policy edit with the notes and files of its form (staff-web.md §7: every §8.3 edit form carries repeatable
       * note and upload sub-forms), in one transaction: `edit` first (its own audit reason), then the notes and files,
       * in order, on the policy and its person-year, audited with the staff user. Nothing else changes: the edit
       * decides the flags. Any failure (the edit's refusal, the file store) writes nothing.
       */
      withAttachments: <A, E, R>(
        edit: Effect.Effect<A, E, R>,
        policyId: number,
        input: PolicyAttachments,
        author: StaffAuthor
      ) =>
        sql
          .withTransaction(
            Effect.gen(function* () {
              const result = yield* edit
              if (input.notes.length === 0 && input.files.length === 0) return result
              yield* setAuditContextOn(sql, author.username, null)
              const pty = yield* personTaxYearOf({ person_tax_year_id: 0, policy_tax_year_id: policyId })
              yield* write(pty, policyId, input.notes, input.files, author)
              return result
            })
          )
          .pipe(Effect.withSpan("Notes.withAttachments")),
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
