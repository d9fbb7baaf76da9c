// `npm run kas -- <command>` as a developer runs it: the development defaults without ENVIRONMENT set, as `npm start`
// has them; with ENVIRONMENT=production every required variable is still demanded.
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { TestDatabase } from "@kas/core/testing"
import { runNpm } from "../process.js"
import { query } from "../restFixtures.js"

let db: TestDatabase.TestDb
beforeAll(async () => {
  db = await TestDatabase.createTestDatabase()
})
afterAll(() => db?.drop())

const YEAR = String(new Date().getUTCFullYear() - 1)

describe("npm run kas in development", () => {
  it("runs commands on the development defaults when ENVIRONMENT is not set", async () => {
    const mock = runNpm(["run", "kas", "--", "import-eskat-mockup-data", "--years", YEAR], { DATABASE_URL: db.url })
    expect((await mock.exited).code, mock.output()).toBe(0)
    expect(mock.output()).toMatch(/Generated \d+ persons/)
    expect(mock.output()).not.toContain("is required")
    // execute-job --wait runs the job here with the worker's configuration: the mock eSkat source is its default.
    const job = runNpm(["run", "kas", "--", "execute-job", "ImportMandtalJob", "--year", YEAR, "--wait"], {
      DATABASE_URL: db.url
    })
    expect((await job.exited).code, job.output()).toBe(0)
    const rows = await query<{ n: number }>(db.url, "select count(*)::int as n from kas.person")
    expect(rows[0]!.n).toBeGreaterThan(0)
  })

  it("still requires every variable with ENVIRONMENT=production", async () => {
    const p = runNpm(["run", "kas", "--", "execute-job", "ImportMandtalJob", "--year", YEAR], {
      ENVIRONMENT: "production",
      DATABASE_URL: db.url
    })
    expect((await p.exited).code).toBe(78)
    for (const v of ["COMMIT_TAG", "TIMEZONE"]) expect(p.output()).toMatch(new RegExp(`${v}: is required`))
  })
})
