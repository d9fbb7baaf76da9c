import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { TestDatabase } from "@kas/core/testing"
import { KAS_BIN, runNode } from "../process.js"
import { Browser, startKasWeb } from "../support.js"

let db: TestDatabase.TestDb
beforeAll(async () => {
  db = await TestDatabase.createTestDatabase()
})
afterAll(() => db.drop())

const createUser = (args: ReadonlyArray<string>, password: string) => {
  const p = runNode([KAS_BIN, "create-user", ...args], { ENVIRONMENT: "development", DATABASE_URL: db.url })
  p.child.stdin!.end(password + "\n")
  return p
}

describe("kas create-user", () => {
  it("creates a user with the password from stdin who can then log in with that group's permissions", async () => {
    const p = createUser(["--username", "karen", "--group", "sagsbehandler"], "hemmeligt-kodeord")
    expect((await p.exited).code).toBe(0)
    expect(p.output()).toContain("User karen saved (Sagsbehandler)")
    const web = await startKasWeb({ DATABASE_URL: db.url })
    try {
      const b = new Browser(web.url)
      expect((await b.post("/accounts/login/", { username: "karen", password: "wrong-password" })).status).toBe(200)
      await b.login("karen", "hemmeligt-kodeord")
      expect((await b.get("/")).status).toBe(200)
    } finally {
      await web.stop()
    }
  })

  it("refuses an unknown group, a missing username and a short password", async () => {
    const a = createUser(["--username", "x", "--group", "nobody"], "longenough")
    expect((await a.exited).code).toBe(2)
    expect(a.output()).toContain("unknown group 'nobody'")
    const b = createUser(["--group", "Regnskab"], "longenough")
    expect((await b.exited).code).toBe(2)
    expect(b.output()).toContain("--username is required")
    const c = createUser(["--username", "y", "--group", "Regnskab"], "short")
    expect((await c.exited).code).toBe(2)
    expect(c.output()).toContain("at least 8 characters")
  })
})
