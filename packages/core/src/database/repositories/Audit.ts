import { SqlClient } from "@effect/sql"
import type { SqlError } from "@effect/sql/SqlError"
import { Effect, Schema } from "effect"
import { HistoryEntry } from "../../domain/History.js"
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
      /** One version by its history id (historic views). */
      version: Effect.fn("History.version")(function* (historyId: number) {
        const rows = yield* sql`${select} where h.history_id = ${historyId}`
        const entries = yield* decodeEntries(rows).pipe(Effect.orDie)
        return entries[0] ?? null
      })
    }
  })
}) {}
