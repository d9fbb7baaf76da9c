import net from "node:net"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { EmbeddedPostgres } from "@kas/core"
import { TestDatabase } from "@kas/core/testing"
import { KAS_BIN, runNode, SELVBETJENING_BIN } from "../process.js"

const listening = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = net.connect(port, "127.0.0.1")
    s.once("connect", () => {
      s.destroy()
      resolve(true)
    })
    s.once("error", () => resolve(false))
  })

let db: TestDatabase.TestDb
beforeAll(async () => {
  db = await TestDatabase.createTestDatabase()
})
afterAll(() => db.drop())

describe("start-up of the processes", () => {
  it("production with nothing set: exit ≠ 0, every missing variable at once, nothing listening", async () => {
    const port = await EmbeddedPostgres.freePort()
    const p = runNode([KAS_BIN, "web"], { ENVIRONMENT: "production", PORT: String(port) })
    const { code } = await p.exited
    expect(code).not.toBe(0)
    for (const v of ["COMMIT_TAG", "SECRET_KEY", "TIMEZONE", "DATABASE_URL", "REST_TOKEN"])
      expect(p.output()).toContain(v)
    expect(await listening(port)).toBe(false)
  })

  it("selvbetjening in production with nothing set lists its missing variables", async () => {
    const p = runNode([SELVBETJENING_BIN], { ENVIRONMENT: "production" })
    const { code } = await p.exited
    expect(code).not.toBe(0)
    for (const v of ["SECRET_KEY", "REST_HOST", "REST_TOKEN", "SELVBETJENING_DATABASE_URL", "LOGIN_PROVIDER"]) {
      expect(p.output()).toContain(v)
    }
  })

  it("malformed values name the variable and the reason", async () => {
    const p = runNode([KAS_BIN, "web"], { ENVIRONMENT: "development", PORT: "abc", DATABASE_URL: db.url })
    expect((await p.exited).code).not.toBe(0)
    expect(p.output()).toMatch(/PORT: .+/)
    const q = runNode([KAS_BIN, "web"], { ENVIRONMENT: "prod" })
    expect((await q.exited).code).not.toBe(0)
    expect(q.output()).toMatch(/ENVIRONMENT: .*development.*staging.*production/)
  })

  it("an unreachable database: a clear message naming the host after the bounded wait, exit ≠ 0", async () => {
    const port = await EmbeddedPostgres.freePort()
    const p = runNode([KAS_BIN, "web"], {
      ENVIRONMENT: "development",
      DATABASE_URL: `postgres://kas:secret@127.0.0.1:${port}/kas`,
      DATABASE_WAIT_SECONDS: "2",
      PORT: String(await EmbeddedPostgres.freePort())
    })
    expect((await p.exited).code).not.toBe(0)
    expect(p.output()).toContain(`Could not connect to PostgreSQL at 127.0.0.1:${port}/kas within 2 s`)
    expect(p.output()).not.toContain("secret")
  })

  it("a port already in use: a clear message naming the port, exit ≠ 0", async () => {
    const blocker = net.createServer()
    const port = await new Promise<number>((r) =>
      blocker.listen(0, () => r((blocker.address() as net.AddressInfo).port))
    )
    try {
      const p = runNode([KAS_BIN, "web"], { ENVIRONMENT: "development", DATABASE_URL: db.url, PORT: String(port) })
      expect((await p.exited).code).not.toBe(0)
      expect(p.output()).toContain(`Port ${port} is already in use`)
    } finally {
      blocker.close()
    }
  })

  it("kas web serves health on its port and stops gracefully on SIGTERM", async () => {
    const port = await EmbeddedPostgres.freePort()
    const p = runNode([KAS_BIN, "web"], { ENVIRONMENT: "development", DATABASE_URL: db.url, PORT: String(port) })
    await p.waitFor("kas web listening")
    const res = await fetch(`http://127.0.0.1:${port}/health/database`)
    expect(res.status).toBe(200)
    expect(await res.text()).toBe("OK")
    p.child.kill("SIGTERM")
    const { code } = await p.exited
    expect(code).toBe(0)
    expect(p.output()).toContain("stopped")
    expect(await listening(port)).toBe(false)
  })

  it("two `kas migrate` processes at once both succeed and apply each migration once", async () => {
    const empty = await TestDatabase.createEmptyDatabase()
    try {
      const a = runNode([KAS_BIN, "migrate"], { ENVIRONMENT: "development", DATABASE_URL: empty.url })
      const b = runNode([KAS_BIN, "migrate"], { ENVIRONMENT: "development", DATABASE_URL: empty.url })
      const [ra, rb] = await Promise.all([a.exited, b.exited])
      expect([ra.code, rb.code]).toEqual([0, 0])
      const outputs = [a.output(), b.output()]
      expect(outputs.filter((o) => o.includes("Applied")).length).toBe(1)
      expect(outputs.filter((o) => o.includes("No migrations to apply")).length).toBe(1)
      const web = runNode([KAS_BIN, "web"], { ENVIRONMENT: "staging", DATABASE_URL: empty.url })
      await web.exited // staging refuses for missing settings; a migrated database is not the complaint
      expect(web.output()).not.toContain("behind")
    } finally {
      await empty.drop()
    }
  })

  it("a server refuses a database that is behind (when it does not migrate itself)", async () => {
    const empty = await TestDatabase.createEmptyDatabase()
    try {
      const p = runNode([KAS_BIN, "web"], {
        ENVIRONMENT: "development",
        MIGRATE: "false",
        DATABASE_URL: empty.url,
        PORT: String(await EmbeddedPostgres.freePort())
      })
      expect((await p.exited).code).not.toBe(0)
      expect(p.output()).toMatch(/database is behind.*kas migrate/)
    } finally {
      await empty.drop()
    }
  })

  it("the CLI answers an unknown command or option with usage and exit code 2", async () => {
    const a = runNode([KAS_BIN, "frobnicate"], { ENVIRONMENT: "development" })
    expect((await a.exited).code).toBe(2)
    expect(a.output()).toContain("Usage: kas <command>")
    const b = runNode([KAS_BIN, "migrate", "--bogus"], { ENVIRONMENT: "development" })
    expect((await b.exited).code).toBe(2)
    expect(b.output()).toContain("Usage: kas migrate")
  })
})
