import { assert, describe, it } from "@effect/vitest"
import { execFile } from "node:child_process"
import path from "node:path"
import { fileURLToPath } from "node:url"
import { beforeAll } from "vitest"

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..")
const run = (args: ReadonlyArray<string>) =>
  new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
    execFile(
      process.execPath,
      ["--conditions=source", "--import", "tsx", "examples/calculate/main.ts", ...args],
      { cwd: root, timeout: 160_000 },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr })
    )
  )

const values = (stdout: string) =>
  new Map(
    stdout
      .trim()
      .split("\n")
      .map((line) => {
        const match = /^(.*?\S)\s{2,}(\S.*)$/.exec(line)
        if (match === null) throw new Error(`unexpected line: ${line}`)
        return [match[1], match[2]] as const
      })
  )

type Run = Awaited<ReturnType<typeof run>>

describe("examples/calculate", () => {
  // The program starts through tsx, which is slow on a busy machine: start every run at once.
  let losses: Run, loss: Run, small: Run, invalid: Run, usage: Run
  beforeAll(async () => {
    ;[losses, loss, small, invalid, usage] = await Promise.all([
      run(["10000", "200", "--loss", "2020=1000", "--loss", "2019=300"]),
      run(["-1000", "100", "--year", "2023"]),
      run(["653"]),
      run(["1000", "400"]),
      run(["abc"])
    ])
  }, 170_000)

  it("prints the tax of 10 000 kr for 200 of 366 days with two earlier losses, oldest first", () => {
    const r = losses
    assert.strictEqual(r.code, 0, r.stderr)
    const v = values(r.stdout)
    assert.strictEqual(v.get("Skattedage"), "200 af 366")
    assert.strictEqual(v.get("Beløb justeret for dage i skatteår"), "5464")
    assert.strictEqual(v.get("Negativt afkast til rådighed"), "1300")
    assert.strictEqual(v.get("Anvendt negativt afkast"), "1300 (2019: 300, 2020: 1000)")
    assert.strictEqual(v.get("Skattepligtigt beløb"), "4164")
    assert.strictEqual(v.get("Beregnet skat uden fradrag"), "637")
    assert.strictEqual(v.get("Skat til betaling"), "637")
  })

  it("a loss over 100 of 365 days is truncated toward zero and carried forward", () => {
    const r = loss
    assert.strictEqual(r.code, 0, r.stderr)
    const v = values(r.stdout)
    assert.strictEqual(v.get("Beløb justeret for dage i skatteår"), "-273")
    assert.strictEqual(v.get("Skat til betaling"), "0")
    assert.strictEqual(v.get("Negativt afkast til fremførsel"), "273")
  })

  it("a tax below 100 kr is computed but not collected", () => {
    const r = small
    assert.strictEqual(r.code, 0, r.stderr)
    assert.strictEqual(values(r.stdout).get("Beregnet resultat"), "99")
    assert.strictEqual(values(r.stdout).get("Skat til betaling"), "0")
  })

  it("refuses invalid input with the spec's message and exit code 1, usage errors with 2", () => {
    assert.strictEqual(invalid.code, 1)
    assert.strictEqual(invalid.stderr.trim(), "More taxable days than days in year")
    assert.strictEqual(usage.code, 2)
    assert.include(usage.stderr, "usage:")
  })
})
