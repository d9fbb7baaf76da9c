import { assert, describe, it } from "@effect/vitest"
import { TestDatabase } from "@kas/core/testing"
import { execFile } from "node:child_process"
import path from "node:path"
import { fileURLToPath } from "node:url"
import { afterAll, beforeAll } from "vitest"

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..")
const run = (file: string, args: ReadonlyArray<string>, databaseUrl: string) =>
  new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
    execFile(
      process.execPath,
      ["--conditions=source", "--import", "tsx", file, ...args],
      { cwd: root, env: { ...process.env, ENVIRONMENT: "development", DATABASE_URL: databaseUrl }, timeout: 120_000 },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr })
    )
  )

describe("examples/read-eskat", () => {
  let db: TestDatabase.TestDb
  beforeAll(async () => {
    db = await TestDatabase.createTestDatabase()
    const filled = await run(
      "packages/server-kas/src/bin/kas.ts",
      ["import-eskat-mockup-data", "--persons", "200", "--years", "2024"],
      db.url
    )
    if (filled.code !== 0) throw new Error(filled.stderr)
  }, 120_000)
  afterAll(() => db.drop())

  it("prints the census rows of a year per municipality", async () => {
    const r = await run("examples/read-eskat/main.ts", ["2024"], db.url)
    assert.strictEqual(r.code, 0, r.stderr)
    const counts = new Map(
      r.stdout
        .trim()
        .split("\n")
        .map((line) => {
          const m = /^(.*\S)\s+(\d+)$/.exec(line)!
          return [m[1], Number(m[2])] as const
        })
    )
    // Every one of the 18 scenario persons has a census row in the last year, plus the 200 generated persons.
    assert.strictEqual(counts.get("I alt"), 218)
    assert.strictEqual(
      [...counts.entries()].filter(([k]) => k !== "I alt").reduce((s, [, n]) => s + n, 0),
      218
    )
    assert.isTrue(counts.get("956 Sermersooq")! > 18)
    assert.isTrue([...counts.keys()].some((k) => k.startsWith("960 Avannaata")))
  }, 120_000)
})
