import { SqlClient } from "@effect/sql"
import { Reasons, setAuditContext, type AuditAuthor } from "@kas/core"
import { Effect, Stream } from "effect"
import type { EskatSourceService } from "../EskatSource.js"
import { analyzeAfterBulk, type Col, inPage, stage, stageByKey, tuple } from "../internal/bulk.js"
import type { R75Row } from "../Rows.js"
import type { InvalidRows } from "./ImportResult.js"

const text = (name: keyof R75Row & string): Col<R75Row> => ({ name, type: "text" })
const COLS: ReadonlyArray<Col<R75Row>> = [
  { name: "r75_ctl_sekvens_guid", type: "uuid" },
  { name: "pt_census_guid", type: "uuid" },
  { name: "tax_year", type: "int" },
  text("cpr"),
  { name: "r75_ctl_indeks_guid", type: "uuid" },
  { name: "idx_nr", type: "int" },
  ...(["res", "ktd", "ktt", "kontotype", "ibn", "esk", "ejerstatuskode"] as const).map(text),
  ...(["indestaaende", "renteindtaegt", "r75_dato"] as const).map(text)
]
const NAMES = COLS.map((c) => c.name)
const VALUES = NAMES.slice(1)

/**
 * §7.2: copies the R75 rows of a year into `eskat.imported_r75_row`, page by page, set-based: changed rows are
 * overwritten ("Updated by import"), new ones inserted ("Created by import"); rows that left eSkat are kept.
 */
export const importRawR75 = (o: {
  readonly source: EskatSourceService
  readonly year: number
  readonly author: AuditAuthor
  readonly invalid: InvalidRows
  readonly progress: (fraction: number) => Effect.Effect<void>
}) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const counts = { created: 0, updated: 0 }
    const total = Math.max(1, yield* o.source.countR75({ year: o.year }))
    let done = 0
    yield* o.source.r75({ year: o.year }).pipe(
      // Two pages are written side by side (their keys differ: they never wait for each other); the next one is read
      // meanwhile.
      Stream.buffer({ capacity: 1 }),
      Stream.mapEffect(
        (page) =>
          sql.withTransaction(
            Effect.gen(function* () {
              o.invalid.add(page.invalid)
              yield* o.source.sameDatabase
                ? stageByKey(
                    sql,
                    "raw_page",
                    COLS,
                    o.source.sameDatabase.r75,
                    page.rows.map((r) => r.r75_ctl_sekvens_guid)
                  )
                : stage(sql, "raw_page", COLS, page.rows)
              yield* setAuditContext(o.author, Reasons.updatedByImport)
              const updated = yield* sql.unsafe(
                `update eskat.imported_r75_row t set (${VALUES.join(", ")}) = ${tuple("s", VALUES)}
                 from raw_page s
                 where t.r75_ctl_sekvens_guid = s.r75_ctl_sekvens_guid and ${inPage("r75_ctl_sekvens_guid")}
                   and ${tuple("t", VALUES)} is distinct from ${tuple("s", VALUES)}
                 returning 1`,
                []
              )
              yield* setAuditContext(o.author, Reasons.createdByImport)
              const created = yield* sql.unsafe(
                `insert into eskat.imported_r75_row (${NAMES.join(", ")}) select s.* from raw_page s
                 where not exists (select 1 from eskat.imported_r75_row t
                   where t.r75_ctl_sekvens_guid = s.r75_ctl_sekvens_guid
                   and ${inPage("r75_ctl_sekvens_guid")})
                 on conflict (r75_ctl_sekvens_guid) do nothing returning 1`,
                []
              )
              counts.updated += updated.length
              counts.created += created.length
              done += page.rows.length + page.invalid.length
              yield* o.progress(Math.min(1, done / total))
            })
          ),
        { concurrency: 2 }
      ),
      Stream.runDrain
    )
    yield* analyzeAfterBulk(sql, ["eskat.imported_r75_row"], counts.created + counts.updated)
    return counts
  })
