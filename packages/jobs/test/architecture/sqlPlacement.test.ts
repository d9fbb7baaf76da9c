import { readdirSync, readFileSync } from "node:fs"
import path from "node:path"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"

/** All job SQL lives in `src/internal/sql.ts` (and the migrations): no statement text anywhere else in `src/`. */

const src = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../src")
const allowed = new Set(["internal/sql.ts"])
const statement = /["'`]\s*(select|insert\s+into|update\s+jobs\.|delete\s+from|with\s+\w+\s+as)\b/i

const files = (dir: string): Array<string> =>
  readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? files(path.join(dir, d.name)) : d.name.endsWith(".ts") ? [path.join(dir, d.name)] : []
  )

describe("job SQL placement", () => {
  it("no source file outside internal/sql.ts and migrations/ holds a SQL statement", () => {
    const offenders = files(src)
      .map((f) => path.relative(src, f).split(path.sep).join("/"))
      .filter((f) => !allowed.has(f) && !f.startsWith("migrations/"))
      .filter((f) => statement.test(readFileSync(path.join(src, f), "utf8")))
    expect(offenders).toEqual([])
  })
})
