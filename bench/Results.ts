/**
 * The figures of one `npm run bench` run: each benchmark records its headline figures here (with their goal, when
 * the issue that asked for it names one); `run.ts` prints them as one table at the end and writes the same as JSON to
 * `bench/results/latest.json` (git-ignored), so that runs can be compared.
 */
import { mkdir, writeFile } from "node:fs/promises"
import os from "node:os"
import path from "node:path"
import { fileURLToPath } from "node:url"

/** A goal: the figure must be below (`<`) or at least (`>=`) the target. */
export interface Goal {
  readonly op: "<" | ">="
  readonly target: number
}

/** One figure of one benchmark. */
export interface Figure {
  readonly bench: string
  readonly name: string
  readonly value: number
  readonly unit: string
  readonly goal?: Goal
  /** The machine's 1-minute load average when the figure was recorded. */
  readonly load: number
}

const figures: Array<Figure> = []
let current = ""

/** Sets the benchmark that the following `record` calls belong to (`run.ts` calls it). */
export const startBench = (name: string): void => {
  current = name
}

/** Whether a figure meets its goal; undefined when it has none. */
export const meets = (f: Pick<Figure, "value" | "goal">): boolean | undefined =>
  f.goal === undefined ? undefined : f.goal.op === "<" ? f.value < f.goal.target : f.value >= f.goal.target

/** Records a figure of the running benchmark; returns whether it meets its goal (undefined without one). */
export const record = (name: string, value: number, unit: string, goal?: Goal): boolean | undefined => {
  const figure: Figure = { bench: current, name, value, unit, goal, load: os.loadavg()[0] ?? 0 }
  figures.push(figure)
  return meets(figure)
}

/** `✓`/`✗` for a figure with a goal, `` otherwise. */
export const mark = (ok: boolean | undefined): string => (ok === undefined ? "" : ok ? "✓" : "✗")

const round = (v: number) => (Math.abs(v) >= 100 ? Math.round(v) : Math.round(v * 100) / 100)

/** The recorded figures as table rows (bench, figure, value, goal, ✓/✗). */
export const tableRows = (all: ReadonlyArray<Figure> = figures) =>
  all.map((f) => ({
    bench: f.bench,
    figure: f.name,
    value: `${round(f.value)} ${f.unit}`.trim(),
    goal: f.goal ? `${f.goal.op} ${f.goal.target} ${f.unit}`.trim() : "",
    met: mark(meets(f))
  }))

const resultsDir = path.join(path.dirname(fileURLToPath(import.meta.url)), "results")

/** Prints the table of every recorded figure and writes `bench/results/latest.json`; returns the file's path. */
export const report = async (): Promise<string | undefined> => {
  if (figures.length === 0) return undefined
  console.log("== figures")
  console.table(tableRows())
  await mkdir(resultsDir, { recursive: true })
  const file = path.join(resultsDir, "latest.json")
  const document = {
    at: new Date().toISOString(),
    machine: { cpus: os.cpus().length, loadavg: os.loadavg(), node: process.version },
    argv: process.argv.slice(2),
    figures: figures.map((f) => ({ ...f, met: meets(f) }))
  }
  await writeFile(file, `${JSON.stringify(document, null, 2)}\n`)
  console.log(`figures written to ${path.relative(process.cwd(), file)}`)
  return file
}
