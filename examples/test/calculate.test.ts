import { assert, describe, it } from "@effect/vitest"
import { execFile } from "node:child_process"
import path from "node:path"
import { fileURLToPath } from "node:url"

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..")
const run = (args: ReadonlyArray<string>) =>
  new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
    execFile(
      process.execPath,
      ["--conditions=source", "--import", "tsx", "examples/calculate/main.ts", ...args],
      { cwd: root, timeout: 60_000 },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr })
    )
  )

const values = (stdout: string) =>
  new Map(
    stdout.trim().split("\n").map((line) => {
      const match = /^(.*?\S)\s{2,}(\S.*)$/.exec(line)
      if (match === null) throw new Error(`unexpected line: ${line}`)
      return [match[1], match[2]] as const
    })
  )

describe("examples/calculate", () => {
  it("prints the tax of 10 000 kr for 200 of 366 days with two earlier losses, oldest first", async () => {
    const r = await run(["10000", "200", "--loss", "2020=1000", "--loss", "2019=300"])
    assert.strictEqual(r.code, 0, r.stderr)
    const v = values(r.stdout)
    assert.strictEqual(v.get("Skattedage"), "200 af 366")
    assert.strictEqual(v.get("Beløb justeret for dage i skatteår"), "5464")
    assert.strictEqual(v.get("Negativt afkast til rådighed"), "1300")
    assert.strictEqual(v.get("Anvendt negativt afkast"), "1300 (2019: 300, 2020: 1000)")
    assert.strictEqual(v.get("Skattepligtigt beløb"), "4164")
    assert.strictEqual(v.get("Beregnet skat uden fradrag"), "637")
    assert.strictEqual(v.get("Skat til betaling"), "637")
  }, 60_000)

  it("a loss over 100 of 365 days is truncated toward zero and carried forward", async () => {
    const r = await run(["-1000", "100", "--year", "2023"])
    assert.strictEqual(r.code, 0, r.stderr)
    const v = values(r.stdout)
    assert.strictEqual(v.get("Beløb justeret for dage i skatteår"), "-273")
    assert.strictEqual(v.get("Skat til betaling"), "0")
    assert.strictEqual(v.get("Negativt afkast til fremførsel"), "273")
  }, 60_000)

  it("a tax below 100 kr is computed but not collected", async () => {
    const r = await run(["653"])
    assert.strictEqual(r.code, 0, r.stderr)
    assert.strictEqual(values(r.stdout).get("Beregnet resultat"), "99")
    assert.strictEqual(values(r.stdout).get("Skat til betaling"), "0")
  }, 60_000)

  it("refuses invalid input with the spec's message and exit code 1, usage errors with 2", async () => {
    const invalid = await run(["1000", "400"])
    assert.strictEqual(invalid.code, 1)
    assert.strictEqual(invalid.stderr.trim(), "More taxable days than days in year")
    const usage = await run(["abc"])
    assert.strictEqual(usage.code, 2)
    assert.include(usage.stderr, "usage:")
  }, 60_000)
})
