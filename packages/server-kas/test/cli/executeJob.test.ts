import { TestDatabase } from "@kas/core/testing"
import http from "node:http"
import type { AddressInfo } from "node:net"
import pg from "pg"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { KAS_BIN, runNode } from "../process.js"

/** `kas execute-job`, `kas worker` and `kas scheduler` as real processes on a test database. */

let db: TestDatabase.TestDb
let client: pg.Client

const kas = (args: ReadonlyArray<string>, env: Record<string, string> = {}) =>
  runNode([KAS_BIN, ...args], { DATABASE_URL: db.url, ENVIRONMENT: "development", ...env })

const run = async (args: ReadonlyArray<string>) => {
  const p = kas(args)
  const { code } = await p.exited
  return { code, output: p.output() }
}

const jobCount = async () => (await client.query<{ n: number }>("select count(*)::int as n from jobs.job")).rows[0].n

beforeAll(async () => {
  db = await TestDatabase.createTestDatabase()
  client = new pg.Client({ connectionString: db.url })
  await client.connect()
})

afterAll(async () => {
  await client?.end()
  await db?.drop()
})

describe("kas execute-job", () => {
  it("rejects an unknown type and bad params with exit 2 and field errors, creating no row", async () => {
    const [unknown, zero, text, extra] = await Promise.all([
      run(["execute-job", "NoSuchJob"]),
      run(["execute-job", "DemoSlowJob", "--seconds", "0"]),
      run(["execute-job", "DemoSlowJob", "--seconds=abc"]),
      run(["execute-job", "DemoFailingJob", "--bogus", "1"])
    ])
    expect(unknown.code).toBe(2)
    expect(unknown.output).toContain("unknown job type 'NoSuchJob'")
    expect(unknown.output).toContain("DemoSlowJob")
    expect(zero.code).toBe(2)
    expect(zero.output).toContain("--seconds: Antal sekunder skal være et helt tal mellem 1 og 600")
    expect(text.code).toBe(2)
    expect(text.output).toContain("--seconds: Indtast et helt tal")
    expect(extra.code).toBe(2)
    expect(extra.output).toContain("--bogus: Ukendt parameter")
    expect(await jobCount()).toBe(0)
  }, 120_000)

  it("--wait runs the job here, printing progress and the result; a failing job exits 1 with its cause", async () => {
    const [ok, bad] = await Promise.all([
      run(["execute-job", "DemoSlowJob", "--seconds", "1", "--wait", "--created-by", "admin"]),
      run(["execute-job", "DemoFailingJob", "--wait"])
    ])
    expect(ok.code, ok.output).toBe(0)
    expect(ok.output).toMatch(/\[#+\s*\]\s+\d+% running/)
    expect(ok.output).toContain("100% finished")
    expect(ok.output).toContain('"message": "Langsomt job færdigt"')
    expect(bad.code, bad.output).toBe(1)
    expect(bad.output).toContain("20% running")
    expect(bad.output).toContain("RangeError: Division by zero")
    expect(bad.output).toMatch(/at .*demoJobs\.ts/)
    const rows = (
      await client.query<{ type: string; status: string; created_by: string; ended_at: Date | null }>(
        "select type, status, created_by, ended_at from jobs.job order by type"
      )
    ).rows
    expect(rows.map((r) => [r.type, r.status, r.created_by])).toEqual([
      ["DemoFailingJob", "failed", "cli"],
      ["DemoSlowJob", "finished", "admin"]
    ])
    expect(rows.every((r) => r.ended_at !== null)).toBe(true)
  }, 120_000)
})

describe("kas worker", () => {
  it("runs enqueued jobs (children too), pushes groenland_job per finished job, stops on SIGTERM: exit 0", async () => {
    // A stand-in push gateway (jobs.md §11): records every push.
    const pushes: Array<{ method: string; url: string; body: string }> = []
    const gateway = http.createServer((req, res) => {
      let body = ""
      req.on("data", (c) => (body += c))
      req.on("end", () => {
        pushes.push({ method: req.method ?? "", url: req.url ?? "", body })
        res.writeHead(200).end()
      })
    })
    await new Promise<void>((r) => gateway.listen(0, "127.0.0.1", r))
    const port = (gateway.address() as AddressInfo).port
    const enqueued = await run(["execute-job", "DemoJobWithChildren"])
    expect(enqueued.code).toBe(0)
    const id = enqueued.output.trim().split("\n").pop()!
    expect(id).toMatch(/^[0-9a-f-]{36}$/)
    const before = Date.now() / 1000
    const worker = kas(["worker", "--concurrency", "3", "--grace", "5"], { METRICS_PUSHGATEWAY: `127.0.0.1:${port}` })
    await worker.waitFor("worker started")
    for (;;) {
      const { rows } = await client.query<{ status: string }>("select status from jobs.job where id = $1", [id])
      if (rows[0].status === "finished" || rows[0].status === "failed") break
      await new Promise((r) => setTimeout(r, 200))
    }
    const { rows } = await client.query<{ status: string; children: number; result: unknown }>(
      `select status, result,
         (select count(*)::int from jobs.job c where c.parent_id = j.id and c.status = 'finished') as children
       from jobs.job j where id = $1`,
      [id]
    )
    expect(rows[0]).toEqual({
      status: "finished",
      children: 2,
      result: { status: "Færdig", message: "2 af 2 underjob er færdige" }
    })
    // The pushes follow the results without delaying them: wait for the third.
    while (pushes.length < 3) await new Promise((r) => setTimeout(r, 100))
    worker.child.kill("SIGTERM")
    expect((await worker.exited).code).toBe(0)
    expect(worker.output()).toContain("kas worker: stopped")
    gateway.close()
    // The parent and its two children finished: one push each, grouped by the job type.
    expect(pushes.map((p) => `${p.method} ${p.url}`).sort()).toEqual([
      "PUT /metrics/job/DemoJobWithChildren",
      "PUT /metrics/job/DemoSlowJob",
      "PUT /metrics/job/DemoSlowJob"
    ])
    for (const p of pushes) {
      const m = p.body.match(/^# TYPE groenland_job gauge\ngroenland_job (\d+(\.\d+)?)\n$/)
      expect(m, p.body).not.toBeNull()
      expect(Number(m![1])).toBeGreaterThanOrEqual(Math.floor(before))
    }
  }, 120_000)
})

describe("kas cancel-job", () => {
  it("cancels a queued job (exit 0); an ended job exits 1, an unknown id 2; no id: usage error", async () => {
    const id = (
      await client.query<{ id: string }>(
        "insert into jobs.job (type, created_by) values ('DemoSlowJob', 'admin') returning id"
      )
    ).rows[0].id
    const [ok, unknown, usage] = await Promise.all([
      run(["cancel-job", id, "--by", "admin"]),
      run(["cancel-job", "00000000-0000-0000-0000-000000000000"]),
      run(["cancel-job"])
    ])
    expect(ok.code, ok.output).toBe(0)
    expect(ok.output).toContain(`Job ${id} cancelled`)
    const { rows } = await client.query<{ status: string; failure: string }>(
      "select status, failure from jobs.job where id = $1",
      [id]
    )
    expect(rows[0]).toEqual({ status: "cancelled", failure: "Annulleret af admin" })
    expect(unknown.code).toBe(2)
    expect(unknown.output).toContain("no job with id '00000000-0000-0000-0000-000000000000'")
    expect(usage.code).toBe(2)
    expect(usage.output).toContain("give exactly one job id")
    const again = await run(["cancel-job", id])
    expect(again.code).toBe(1)
    expect(again.output).toContain("has already ended (cancelled)")
  }, 120_000)
})
