import { readdirSync, readFileSync } from "node:fs"
import path from "node:path"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"

// design.md §9 "One data layer": only @kas/core reads and writes the `kas` schema; a server keeps SQL only for its own
// tables (sessions, SAML requests, users). This test fails when SQL appears in `packages/server-*/src` elsewhere.

const packages = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "..")

/** The servers' own-table files and folders (relative to `packages/`): the only places a server may hold SQL. */
const OWN_TABLES = [
  "server-kas/src/auth/StaffUsers.ts", // web.users, web.groups, web.rest_tokens
  "server-kas/src/auth/LoginThrottle.ts", // web.login_failures
  "server-kas/src/auth/UserAdmin.ts", // web.users, web.user_groups, web.user_changes (the admin pages)
  "server-kas/src/database/", // the migrations of schema web
  "server-selvbetjening/src/saml/RequestStore.ts", // selvbetjening.saml_requests, saml_assertions
  "server-selvbetjening/src/database/" // the migrations and the storage check of the selvbetjening database
]

/** What counts as SQL: the `sql` template (with or without a row type), raw queries, and `kas.` schema references. */
const PATTERNS: ReadonlyArray<readonly [string, RegExp]> = [
  ["sql template", /\bsql\s*(?:<[^`]*?>)?\s*`/],
  ["sql.unsafe / unsafe(", /\bunsafe\s*\(/],
  [".query(", /\.query\s*(?:<[^(]*?>)?\s*\(/],
  ["kas schema", /\bkas\.(?!(?:ts|js)\b)[a-z_]+/]
]

/** The SQL findings of one source text: `line: kind`. */
export const sqlIn = (source: string): Array<string> =>
  source
    .split("\n")
    .flatMap((line, i) => PATTERNS.filter(([, re]) => re.test(line)).map(([kind]) => `${i + 1}: ${kind}`))

const sourcesOf = (dir: string): Array<string> =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name)
    if (e.isDirectory()) return sourcesOf(full)
    return /\.(ts|mts|js|ejs)$/.test(e.name) ? [full] : []
  })

describe("SQL placement (one data layer)", () => {
  it("finds every kind of SQL it looks for (so that an empty finding means something)", () => {
    const route = [
      "router.get('/x/', async (ctx) => {",
      "  const rows = await app.run(ctx, " +
        "Effect.flatMap(SqlClient.SqlClient, (sql) => sql<{ id: number }>`select id from t`))",
      "  yield* sql`delete from web.x`",
      "  await pool.query<{ a: string }>('select 1')",
      "  yield* sql.unsafe(text)",
      "  const q = 'select * from kas.person'",
      "})"
    ].join("\n")
    expect(sqlIn(route)).toEqual([
      "2: sql template",
      "3: sql template",
      "4: .query(",
      "5: sql.unsafe / unsafe(",
      "6: kas schema"
    ])
    expect(sqlIn('const KAS_BIN = path.resolve(here, "..", "bin", "kas.ts")\nimport { sqlite } from "x"')).toEqual([])
  })

  it("finds SQL in packages/server-*/src only in the servers' own-table files", () => {
    const servers = readdirSync(packages).filter((p) => p.startsWith("server-"))
    expect(servers.length).toBeGreaterThanOrEqual(2)
    const findings = servers.flatMap((server) =>
      sourcesOf(path.join(packages, server, "src")).flatMap((file) => {
        const rel = path.relative(packages, file).split(path.sep).join("/")
        if (OWN_TABLES.some((allowed) => (allowed.endsWith("/") ? rel.startsWith(allowed) : rel === allowed))) return []
        return sqlIn(readFileSync(file, "utf8")).map((f) => `${rel}:${f}`)
      })
    )
    expect(
      findings,
      "SQL belongs in a @kas/core service (or, for a server's own tables, in its own-table module)"
    ).toEqual([])
  })
})
