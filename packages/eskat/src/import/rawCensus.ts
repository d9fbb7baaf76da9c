import { SqlClient } from "@effect/sql"
import { type AuditAuthor, type Cpr, Reasons, setAuditContext } from "@kas/core"
import { Effect, Stream } from "effect"
import type { EskatSourceService } from "../EskatSource.js"
import { analyzeAfterBulk, type Col, inPage, stage, stageByKey, tuple } from "../internal/bulk.js"
import type { CensusRow } from "../Rows.js"
import type { InvalidRows } from "./ImportResult.js"

const COLS: ReadonlyArray<Col<CensusRow>> = [
  { name: "pt_census_guid", type: "uuid" },
  ...(["cpr", "bank_reg_nr", "bank_konto_nr"] as const).map((name) => ({ name, type: "text" })),
  { name: "kommune_no", type: "int" },
  { name: "kommune", type: "text" },
  { name: "skatteaar", type: "int" },
  ...(["navn", "adresselinje1", "adresselinje2", "adresselinje3", "adresselinje4", "adresselinje5"] as const).map(
    (name) => ({ name, type: "text" })
  ),
  ...(["fuld_adresse", "cpr_dashed", "skatteomfang"] as const).map((name) => ({ name, type: "text" })),
  { name: "skattedage", type: "int" }
]
const NAMES = COLS.map((c) => c.name)
const VALUES = NAMES.slice(1)

/** Counts of the raw step (eskat.md §7.1). */
export interface RawCounts {
  created: number
  updated: number
  cleared: number
}

/**
 * §7.1: copies the source rows of a year (and a CPR) into `eskat.imported_census_row`, page by page, set-based:
 * changed rows are overwritten ("Updated by import"), new ones inserted ("Created by import"); rows that left the
 * source are cleared ("Cleared by import"). Every key seen, and whether its raw row changed, goes to
 * `eskat.import_seen` under `runId` for the mapping step.
 */
export const importRawCensus = (o: {
  readonly source: EskatSourceService
  readonly runId: string
  readonly year: number
  readonly cpr: Cpr | undefined
  readonly author: AuditAuthor
  readonly invalid: InvalidRows
  readonly progress: (fraction: number) => Effect.Effect<void>
}) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const counts: RawCounts = { created: 0, updated: 0, cleared: 0 }
    const total = Math.max(1, yield* o.source.countCensus({ year: o.year, cpr: o.cpr }))
    let done = 0
    yield* o.source.census({ year: o.year, cpr: o.cpr }).pipe(
      // Two pages are written side by side (their keys differ: they never wait for each other); the next one is read
      // meanwhile.
      Stream.buffer({ capacity: 1 }),
      Stream.mapEffect(
        (page) =>
          sql.withTransaction(
            Effect.gen(function* () {
              o.invalid.add(page.invalid)
              const rows = page.rows.filter((r) => r.skatteaar === o.year)
              yield* o.source.sameDatabase
                ? stageByKey(
                    sql,
                    "raw_page",
                    COLS,
                    o.source.sameDatabase.census,
                    rows.map((r) => r.pt_census_guid)
                  )
                : stage(sql, "raw_page", COLS, rows)
              yield* setAuditContext(o.author, Reasons.updatedByImport)
              const updated = yield* sql.unsafe<{ k: string }>(
                `update eskat.imported_census_row t set (${VALUES.join(", ")}) = ${tuple("s", VALUES)}
                 from raw_page s
                 where t.pt_census_guid = s.pt_census_guid and ${inPage("pt_census_guid")}
                   and ${tuple("t", VALUES)} is distinct from ${tuple("s", VALUES)}
                 returning t.pt_census_guid as k`,
                []
              )
              yield* setAuditContext(o.author, Reasons.createdByImport)
              const created = yield* sql.unsafe<{ k: string }>(
                `insert into eskat.imported_census_row (${NAMES.join(", ")}) select s.* from raw_page s
                 where not exists (select 1 from eskat.imported_census_row t where t.pt_census_guid = s.pt_census_guid
                   and ${inPage("pt_census_guid")})
                 on conflict (pt_census_guid) do nothing returning pt_census_guid as k`,
                []
              )
              counts.updated += updated.length
              counts.created += created.length
              const changed = new Set([...updated, ...created].map((r) => r.k))
              // Invalid rows with a readable key count as seen: an unreadable row is not a removed person.
              const keys = [
                ...rows.map((r) => r.pt_census_guid),
                ...page.invalid.flatMap((r) => (r.key ? [r.key] : []))
              ]
              const seen = [...new Set(keys.filter(isUuid))]
              yield* sql.unsafe(
                `insert into eskat.import_seen (run_id, key, changed)
                 select $1, k, c from unnest($2::uuid[], $3::bool[]) as u(k, c) on conflict do nothing`,
                [o.runId, seen, seen.map((k) => changed.has(k))]
              )
              done += page.rows.length + page.invalid.length
              yield* o.progress(Math.min(1, done / total))
            })
          ),
        { concurrency: 2 }
      ),
      Stream.runDrain
    )
    // Removed persons (§7.1.3): raw rows of the year (and CPR) the source no longer has; already cleared ones stay.
    yield* sql.withTransaction(
      Effect.gen(function* () {
        yield* setAuditContext(o.author, Reasons.clearedByImport)
        const cleared = yield* sql.unsafe<{ k: string }>(
          `update eskat.imported_census_row t set skattedage = 0, skatteomfang = 'ikke fuld skattepligtig'
           where t.skatteaar = $1 and ($3::text is null or t.cpr = $3)
             and not exists (select 1 from eskat.import_seen s where s.run_id = $2 and s.key = t.pt_census_guid)
             and (t.skattedage is distinct from 0 or lower(coalesce(t.skatteomfang, '')) <> 'ikke fuld skattepligtig')
           returning t.pt_census_guid as k`,
          [o.year, o.runId, o.cpr ?? null]
        )
        counts.cleared = cleared.length
        yield* sql.unsafe(
          `insert into eskat.import_seen (run_id, key, changed) select $1, k, true from unnest($2::uuid[]) as k
           on conflict do nothing`,
          [o.runId, cleared.map((r) => r.k)]
        )
      })
    )
    yield* Effect.all(
      [
        analyzeAfterBulk(sql, ["eskat.import_seen"], done),
        analyzeAfterBulk(sql, ["eskat.imported_census_row"], counts.created + counts.updated + counts.cleared)
      ],
      { concurrency: "unbounded", discard: true }
    )
    return counts
  })

const isUuid = (k: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(k)
