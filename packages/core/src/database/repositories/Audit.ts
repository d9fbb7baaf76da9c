import { SqlClient } from "@effect/sql"
import type { SqlError } from "@effect/sql/SqlError"
import { Effect, Schema } from "effect"
import { NotFound } from "../../domain/DomainError.js"
import { FinalStatement, Transaction } from "../../domain/FinalStatement.js"
import { HistoryEntry } from "../../domain/History.js"
import { asRow } from "../internal/JsonRow.js"
import type { EntityType } from "../../domain/History.js"

/**
 * Who made a change, for the audit history (domain.md §8): a staff username, a citizen's CPR, `rest`, `scheduler`,
 * a job's creator, or null for unattended system work.
 */
export type AuditAuthor = string | null

/**
 * Sets the author and reason that the audit triggers of the current transaction write (`kas.audit_user`,
 * `kas.audit_reason`, transaction-local). Call it inside a transaction, before each group of writes whose reason
 * differs.
 */
export const setAuditContext = (author: AuditAuthor, reason: string | null) =>
  Effect.flatMap(SqlClient.SqlClient, (sql) => setAuditContextOn(sql, author, reason))

/** `setAuditContext` on a given client (inside services, so that their methods need nothing). */
export const setAuditContextOn = (sql: SqlClient.SqlClient, author: AuditAuthor, reason: string | null) =>
  sql`select set_config('kas.audit_user', ${author ?? ""}, true),
    set_config('kas.audit_reason', ${reason ?? ""}, true)`.pipe(Effect.asVoid)

/** Runs `effect` in a transaction (or savepoint) whose writes are audited with `author` and `reason`. */
export const withAudit =
  (author: AuditAuthor, reason: string | null) =>
  <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E | SqlError, R | SqlClient.SqlClient> =>
    Effect.flatMap(SqlClient.SqlClient, (sql) =>
      sql.withTransaction(Effect.zipRight(setAuditContext(author, reason), effect))
    )

const decodeEntries = Schema.decodeUnknown(Schema.Array(HistoryEntry))

/** An entry of a history page: the version and the one before it of the same row (null for the first). */
export class TimelineEntry extends HistoryEntry.extend<TimelineEntry>("TimelineEntry")({
  previous: Schema.NullOr(Schema.Record({ key: Schema.String, value: Schema.Unknown }))
}) {}

const decodeTimeline = Schema.decodeUnknown(Schema.Array(TimelineEntry))

/** A final statement's or tax slip's two moments on the person-year's history page: generated and sent. */
export interface StatementEvent {
  readonly id: string
  readonly created_at: Date
  readonly send_at: Date | null
}

const decodeStatementSnapshots = Schema.decodeUnknown(Schema.Array(FinalStatement))
const decodeTransactionSnapshots = Schema.decodeUnknown(Schema.Array(Transaction))

/** Reads the audit history: all versions of a row, and the row as it was at a given time. */
export class History extends Effect.Service<History>()("@kas/core/History", {
  effect: Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const select = sql`select h.history_id::text as history_id, entity_type, entity_id, history_date, history_user,
      history_type, change_reason, snapshot from kas.history h`
    return {
      /** Every audit entry of a row, oldest first. */
      historyOf: Effect.fn("History.historyOf")(function* (entityType: EntityType, id: number | string) {
        const rows = yield* sql`${select} where entity_type = ${entityType} and entity_id = ${String(id)}
          order by h.history_id`
        return yield* decodeEntries(rows).pipe(Effect.orDie)
      }),
      /**
       * The newest entry at or before `at`, compared in milliseconds (its snapshot is the row's state then), or null
       * before its creation or after its deletion.
       */
      stateAt: Effect.fn("History.stateAt")(function* (entityType: EntityType, id: number | string, at: Date) {
        const rows = yield* sql`${select} where entity_type = ${entityType} and entity_id = ${String(id)}
          and date_trunc('milliseconds', history_date) <= ${at} order by history_date desc, h.history_id desc limit 1`
        const entries = yield* decodeEntries(rows).pipe(Effect.orDie)
        const entry = entries[0]
        return entry === undefined || entry.history_type === "-" ? null : entry
      }),
      /** The first entry (the creation) of each of some rows, by entity id (the "Oprettet af" of notes). */
      firstEntries: Effect.fn("History.firstEntries")(function* (
        entityType: EntityType,
        ids: ReadonlyArray<number | string>
      ) {
        if (ids.length === 0) return new Map<string, HistoryEntry>()
        const rows = yield* sql`select distinct on (entity_id) h.history_id::text as history_id, entity_type, entity_id,
            history_date, history_user, history_type, change_reason, snapshot
          from kas.history h where entity_type = ${entityType} and entity_id = any(${ids.map(String)}::text[])
          order by entity_id, h.history_id`
        const entries = yield* decodeEntries(rows).pipe(Effect.orDie)
        return new Map(entries.map((e) => [e.entity_id, e]))
      }),
      /**
       * The history page of a person-year (staff-web.md §10), newest first: its versions, its person's, its policies',
       * and those of its notes and documents (deleted ones too), each with the version before it; and its final
       * statements and tax slips (generated and sent).
       */
      personTaxYearTimeline: Effect.fn("History.personTaxYearTimeline")(function* (personTaxYearId: number) {
        const [pty] = yield* sql<{ person_id: number }>`select person_id from kas.person_tax_year
          where id = ${personTaxYearId}`
        if (pty === undefined) return yield* Effect.fail(NotFound.of("Personskatteår", personTaxYearId))
        const policies = yield* sql<{ id: number }>`select id from kas.policy_tax_year
          where person_tax_year_id = ${personTaxYearId}`
        const key = String(personTaxYearId)
        const rows = yield* sql`select h.history_id::text as history_id, entity_type, entity_id, history_date,
            history_user, history_type, change_reason, snapshot,
            lag(snapshot) over (partition by entity_type, entity_id order by h.history_id) as previous
          from kas.history h
          where (entity_type = 'PersonTaxYear' and entity_id = ${key})
            or (entity_type = 'Person' and entity_id = ${String(pty.person_id)})
            or (entity_type = 'PolicyTaxYear' and entity_id = any(${policies.map((p) => String(p.id))}::text[]))
            or (entity_type in ('Note', 'PolicyDocument') and snapshot ->> 'person_tax_year_id' = ${key})
          order by history_date desc, h.history_id desc`
        const entries = yield* decodeTimeline(rows).pipe(Effect.orDie)
        const statements = yield* sql<StatementEvent>`select uuid::text as id, created_at, send_at
          from kas.final_statement where person_tax_year_id = ${personTaxYearId} order by created_at desc`
        const taxSlips = yield* sql<StatementEvent>`select id::text as id, created_at, send_at
          from kas.tax_slip where person_tax_year_id = ${personTaxYearId} order by created_at desc`
        return { entries, statements, taxSlips }
      }),
      /** The history page of a policy-year: its versions and those of its notes and documents, newest first. */
      policyTimeline: Effect.fn("History.policyTimeline")(function* (policyTaxYearId: number) {
        const key = String(policyTaxYearId)
        const rows = yield* sql`select h.history_id::text as history_id, entity_type, entity_id, history_date,
            history_user, history_type, change_reason, snapshot,
            lag(snapshot) over (partition by entity_type, entity_id order by h.history_id) as previous
          from kas.history h
          where (entity_type = 'PolicyTaxYear' and entity_id = ${key})
            or (entity_type in ('Note', 'PolicyDocument') and snapshot ->> 'policy_tax_year_id' = ${key})
          order by history_date desc, h.history_id desc`
        return yield* decodeTimeline(rows).pipe(Effect.orDie)
      }),
      /**
       * The state of some rows at a time: for each id the newest entry at or before `at` (milliseconds), left out
       * when the row did not exist then (or was deleted).
       */
      statesAt: Effect.fn("History.statesAt")(function* (
        entityType: EntityType,
        ids: ReadonlyArray<number | string>,
        at: Date
      ) {
        if (ids.length === 0) return new Map<string, HistoryEntry>()
        const rows = yield* sql`select distinct on (entity_id) h.history_id::text as history_id, entity_type,
            entity_id, history_date, history_user, history_type, change_reason, snapshot
          from kas.history h where entity_type = ${entityType} and entity_id = any(${ids.map(String)}::text[])
            and date_trunc('milliseconds', history_date) <= ${at}
          order by entity_id, history_date desc, h.history_id desc`
        const entries = yield* decodeEntries(rows).pipe(Effect.orDie)
        return new Map(entries.filter((e) => e.history_type !== "-").map((e) => [e.entity_id, e]))
      }),
      /**
       * The notes and documents of a person-year as they were at a time (newest entry of each at or before `at`,
       * milliseconds), oldest first; those created later or deleted by then are left out.
       */
      attachmentsAt: Effect.fn("History.attachmentsAt")(function* (personTaxYearId: number, at: Date) {
        const rows = yield* sql`select * from (
            select distinct on (entity_type, entity_id) h.history_id::text as history_id, entity_type, entity_id,
              history_date, history_user, history_type, change_reason, snapshot
            from kas.history h
            where entity_type in ('Note', 'PolicyDocument')
              and snapshot ->> 'person_tax_year_id' = ${String(personTaxYearId)}
              and date_trunc('milliseconds', history_date) <= ${at}
            order by entity_type, entity_id, history_date desc, h.history_id desc
          ) s where history_type <> '-' order by history_date, history_id::bigint`
        const entries = yield* decodeEntries(rows).pipe(Effect.orDie)
        return {
          notes: entries.filter((e) => e.entity_type === "Note"),
          documents: entries.filter((e) => e.entity_type === "PolicyDocument")
        }
      }),
      /**
       * The final statements (newest first) and transactions (oldest first) of a person-year as they were at a time:
       * the newest entry of each at or before `at` (milliseconds); those created later or deleted by then are left
       * out (staff-web.md §10, the tabs "Slutopgørelser" and "Transaktioner" of a version).
       */
      statementsAt: Effect.fn("History.statementsAt")(function* (personTaxYearId: number, at: Date) {
        const rows = yield* sql<{ entity_type: string; history_type: string; snapshot: Record<string, unknown> }>`
          select entity_type, snapshot from (
            select distinct on (entity_type, entity_id) entity_type, history_type, snapshot
            from kas.history h
            where entity_type in ('FinalStatement', 'Transaction')
              and snapshot ->> 'person_tax_year_id' = ${String(personTaxYearId)}
              and date_trunc('milliseconds', history_date) <= ${at}
            order by entity_type, entity_id, history_date desc, h.history_id desc
          ) s where history_type <> '-'`
        const of = (type: string, numerics: ReadonlyArray<string>) =>
          rows.filter((r) => r.entity_type === type).map((r) => asRow(r.snapshot, ["created_at", "send_at"], numerics))
        const statements = yield* decodeStatementSnapshots(of("FinalStatement", ["interest_on_remainder"])).pipe(
          Effect.orDie
        )
        const transactions = yield* decodeTransactionSnapshots(of("Transaction", [])).pipe(Effect.orDie)
        const uuids = (a: { uuid: string }, b: { uuid: string }) => (a.uuid < b.uuid ? -1 : a.uuid > b.uuid ? 1 : 0)
        return {
          // As FinalStatements.listByPersonTaxYear and Transactions.listByPersonTaxYear order them.
          statements: [...statements].sort((a, b) => b.created_at.getTime() - a.created_at.getTime() || uuids(a, b)),
          transactions: [...transactions].sort((a, b) => a.created_at.getTime() - b.created_at.getTime() || uuids(a, b))
        }
      }),
      /** One version by its history id (historic views). */
      version: Effect.fn("History.version")(function* (historyId: number) {
        const rows = yield* sql`${select} where h.history_id = ${historyId}`
        const entries = yield* decodeEntries(rows).pipe(Effect.orDie)
        return entries[0] ?? null
      })
    }
  })
}) {}
