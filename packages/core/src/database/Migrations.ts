import { Migrator } from "@effect/sql"
import { SqlClient } from "@effect/sql"
import { Effect } from "effect"
import { DatabaseError } from "./DatabaseError.js"

/** One package's ordered migrations: ids are 4-digit, sequential and only ever appended. */
export interface MigrationSet {
  /** Short name; the set's table is `public.kas_migrations_<name>`. */
  readonly name: string
  readonly migrations: Record<string, Effect.Effect<unknown, unknown, SqlClient.SqlClient>>
}

const LOCK_KEY = 7_428_117 // arbitrary, fixed: one advisory lock for all KAS migrations

const tableOf = (set: MigrationSet) => `kas_migrations_${set.name}`

const run = Migrator.make({})

/**
 * Applies every pending migration of every set, in order, under one transaction-scoped advisory lock, so several
 * processes starting at once are safe: the first applies, the others wait and find nothing left to do.
 */
export const migrate = (sets: ReadonlyArray<MigrationSet>) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const applied = yield* sql.withTransaction(
      Effect.gen(function* () {
        yield* sql`select pg_advisory_xact_lock(${LOCK_KEY})`
        const out: Array<string> = []
        for (const set of sets) {
          // Created here, not by the Migrator: its probe would abort our surrounding transaction.
          yield* sql`create table if not exists ${sql(tableOf(set))} (
            migration_id integer primary key,
            created_at timestamp with time zone not null default now(),
            name text not null
          )`
          const done = yield* run({ loader: Migrator.fromRecord(set.migrations), table: tableOf(set) })
          for (const [id, name] of done) out.push(`${set.name}/${String(id).padStart(4, "0")}_${name}`)
        }
        return out
      })
    )
    return applied
  }).pipe(
    Effect.catchAllCause((cause) =>
      Effect.fail(new DatabaseError({ reason: "migration", message: `Migration failed: ${cause.toString()}`, cause }))
    ),
    Effect.withSpan("Migrations.migrate")
  )

/** The migrations of `sets` that the database has not applied yet, as `set/0001_name`. */
export const pending = (sets: ReadonlyArray<MigrationSet>) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const out: Array<string> = []
    for (const set of sets) {
      const exists = yield* sql<{ t: string | null }>`select to_regclass(${"public." + tableOf(set)})::text as t`
      const done = new Set<number>()
      if (exists[0]?.t) {
        const rows = yield* sql<{ migration_id: number }>`select migration_id from ${sql(tableOf(set))}`
        for (const r of rows) done.add(Number(r.migration_id))
      }
      for (const key of Object.keys(set.migrations).sort()) {
        const id = Number(key.split("_")[0])
        if (!done.has(id)) out.push(`${set.name}/${key}`)
      }
    }
    return out
  })

/** Fails with a clear message when the database is behind: servers and workers never migrate it themselves. */
export const ensureCurrent = (sets: ReadonlyArray<MigrationSet>) =>
  pending(sets).pipe(
    Effect.mapError((cause) => new DatabaseError({ reason: "unreachable", message: String(cause), cause })),
    Effect.flatMap((list) =>
      list.length === 0
        ? Effect.void
        : Effect.fail(
            new DatabaseError({
              reason: "behind",
              message:
                `The database is behind: ${list.length} migration(s) not applied ` +
                `(${list.slice(0, 3).join(", ")}${list.length > 3 ? ", …" : ""}). Run \`kas migrate\` first.`
            })
          )
    )
  )
