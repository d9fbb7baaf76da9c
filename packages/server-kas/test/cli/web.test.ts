import { EmbeddedPostgres } from "@kas/core"
import { TestDatabase } from "@kas/core/testing"
import { readdirSync, readFileSync } from "node:fs"
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest"
import { KAS_BIN, runNode } from "../process.js"

let db: TestDatabase.TestDb
beforeAll(async () => {
  db = await TestDatabase.createTestDatabase()
})
afterAll(() => db.drop())

/** The kas web processes whose parent is `pid` (Linux /proc; not tsx's esbuild service, also a child). */
const childrenOf = (pid: number): Array<number> =>
  readdirSync(`/proc/${pid}/task`)
    .flatMap((t) =>
      readFileSync(`/proc/${pid}/task/${t}/children`, "utf8")
        .split(" ")
        .filter((s) => s.trim() !== "")
        .map(Number)
    )
    .filter((child) => readFileSync(`/proc/${child}/cmdline`, "utf8").includes(KAS_BIN))

const alive = (pid: number) => {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

const start = async (processes: number) => {
  const port = await EmbeddedPostgres.freePort()
  const web = runNode([KAS_BIN, "web", "--processes", String(processes)], {
    ENVIRONMENT: "development",
    DATABASE_URL: db.url,
    PORT: String(port)
  })
  started.push(web)
  await web.waitFor(`kas web: ${processes} processes`, 120_000)
  return { web, url: `http://127.0.0.1:${port}`, pids: childrenOf(web.child.pid!) }
}

const started: Array<ReturnType<typeof runNode>> = []
// A failed assertion must not leave a cluster running: SIGTERM stops the primary and its processes.
afterEach(async () => {
  for (const web of started.splice(0)) {
    if (web.child.exitCode === null && web.child.signalCode === null) {
      web.child.kill("SIGTERM")
      await web.exited
    }
  }
})

describe("kas web --processes", () => {
  it("serves the port from N processes; SIGTERM stops every one and exits 0", async () => {
    const { web, url, pids } = await start(2)
    expect(pids).toHaveLength(2)
    const answers = await Promise.all(Array.from({ length: 8 }, () => fetch(`${url}/health/database`)))
    expect(answers.map((r) => r.status)).toEqual(Array(8).fill(200))
    web.child.kill("SIGTERM")
    expect((await web.exited).code).toBe(0)
    expect(pids.filter(alive)).toEqual([])
  })

  it("stops the others and exits 1 when one process dies, so that kas web is restarted whole", async () => {
    const { web, pids } = await start(2)
    process.kill(pids[0]!, "SIGKILL")
    expect((await web.exited).code).toBe(1)
    expect(web.output()).toContain("stopping the others")
    expect(pids.filter(alive)).toEqual([])
  })

  it("refuses a process count that is not a whole number from 1", async () => {
    const web = runNode([KAS_BIN, "web", "--processes", "0"], { ENVIRONMENT: "development", DATABASE_URL: db.url })
    expect((await web.exited).code).toBe(2)
    expect(web.output()).toContain("--processes must be a whole number")
  })
})
