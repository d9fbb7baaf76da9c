import { execFileSync } from "node:child_process"
import path from "node:path"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../..")

// The request log batches its stdout lines per event-loop turn: every line still arrives, in order, even when the
// process exits in the same turn that logged them.
describe("requestLog", () => {
  it("writes one line per request, in order, also when the process exits right away", () => {
    const script = `
      import { requestLog } from "@kas/core/web"
      const log = requestLog("test")
      const ctx = (p, status) => ({ path: p, method: "GET", status })
      await log(ctx("/a/", 200), async () => undefined)
      await log(ctx("/static/x.css", 200), async () => undefined)
      await new Promise((r) => setTimeout(r, 5))
      await log(ctx("/b/", 404), async () => undefined)
      await log(ctx("/c/", 500), async () => undefined)
      process.exit(0)
    `
    const out = execFileSync(
      process.execPath,
      ["--conditions=source", "--import", "tsx", "--input-type=module", "-e", script],
      { cwd: root, encoding: "utf8" }
    )
    const lines = out.trim().split("\n")
    expect(lines.map((l) => l.split(" ").slice(1, 5).join(" "))).toEqual([
      "test GET /a/ 200",
      "test GET /b/ 404",
      "test GET /c/ 500"
    ])
    expect(lines.every((l) => /^\d{4}-\d\d-\d\dT[\d:.]+Z test GET \/\w\/ \d{3} \d+\.\dms$/.test(l))).toBe(true)
  })

  it("masks CPR numbers in the logged path (issue 13 item 6)", () => {
    const script = `
      import { requestLog } from "@kas/core/web"
      const log = requestLog("test")
      await log({ path: "/final_settlement/2024/0101901234/", method: "GET", status: 404 }, async () => undefined)
      await log({ path: "/person/010190-1234/", method: "GET", status: 200 }, async () => undefined)
    `
    const out = execFileSync(
      process.execPath,
      ["--conditions=source", "--import", "tsx", "--input-type=module", "-e", script],
      { cwd: root, encoding: "utf8" }
    )
    expect(
      out
        .trim()
        .split("\n")
        .map((l) => l.split(" ")[3])
    ).toEqual(["/final_settlement/2024/010190xxxx/", "/person/010190xxxx/"])
  })
})
