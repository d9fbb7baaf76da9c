import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { TestDatabase } from "@kas/core/testing"
import { KAS_BIN, runNode } from "../process.js"
import { startKasWeb } from "../support.js"

let db: TestDatabase.TestDb
beforeAll(async () => {
  db = await TestDatabase.createTestDatabase()
})
afterAll(() => db.drop())

const run = (args: ReadonlyArray<string>) =>
  runNode([KAS_BIN, "create-rest-token", ...args], { ENVIRONMENT: "development", DATABASE_URL: db.url })

describe("kas create-rest-token", () => {
  it("prints a new API key that the REST API accepts, and the next key replaces it", async () => {
    const first = run(["statistik"])
    expect((await first.exited).code).toBe(0)
    const key = first.output().trim().split("\n").pop()!
    const second = run(["statistik"])
    expect((await second.exited).code).toBe(0)
    const newer = second.output().trim().split("\n").pop()!
    const web = await startKasWeb({ DATABASE_URL: db.url })
    try {
      const get = (k: string) => fetch(`${web.url}/rest/tax_year/`, { headers: { Authorization: `Token ${k}` } })
      expect((await get(newer)).status).toBe(200)
      expect((await get(key)).status).toBe(401)
    } finally {
      await web.stop()
    }
  })

  it("refuses a missing username and the `rest` user (its key is REST_TOKEN)", async () => {
    const a = run([])
    expect((await a.exited).code).toBe(2)
    const b = run(["rest"])
    expect((await b.exited).code).toBe(2)
    expect(b.output()).toContain("REST_TOKEN")
  })
})
