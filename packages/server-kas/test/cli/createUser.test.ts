import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { TestDatabase } from "@kas/core/testing"
import { KAS_BIN, runNode } from "../process.js"
import { query } from "../restFixtures.js"
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

  it("logs its users in the user-change log, by the system; a run without a change logs nothing", async () => {
    const log = () =>
      query<{ by: number | null; old_values: unknown; new_values: unknown }>(
        db.url,
        `select c.changed_by_id as by, c.old_values, c.new_values from web.user_changes c
         join web.users u on u.id = c.user_id where u.username = 'lars' order by c.id`
      )
    const values = (groups: ReadonlyArray<string>) => ({
      username: "lars",
      is_active: true,
      is_superuser: false,
      groups
    })
    // Created, then the same again: one entry.
    expect((await createUser(["--username", "lars", "--group", "sagsbehandler"], "kodeord-1").exited).code).toBe(0)
    expect((await createUser(["--username", "lars", "--group", "sagsbehandler"], "kodeord-1").exited).code).toBe(0)
    expect(await log()).toEqual([
      { by: null, old_values: null, new_values: { ...values(["Sagsbehandler"]), password_changed: true } }
    ])
    expect((await createUser(["--username", "lars", "--group", "regnskab"], "kodeord-1").exited).code).toBe(0)
    expect((await createUser(["--username", "lars", "--group", "regnskab"], "kodeord-2").exited).code).toBe(0)
    expect((await log()).slice(1)).toEqual([
      { by: null, old_values: values(["Sagsbehandler"]), new_values: values(["Regnskab"]) },
      { by: null, old_values: values(["Regnskab"]), new_values: { ...values(["Regnskab"]), password_changed: true } }
    ])
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
