/** Long-running child processes of a check: output prefixed with their name, early exits noticed, timed stops. */
import { type ChildProcess, spawn } from "node:child_process"
import { CheckFailed } from "./run.js"

/** How a process ended. */
export interface Ended {
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
}

/** A started process. */
export interface Started {
  readonly name: string
  readonly child: ChildProcess
  readonly ended: Promise<Ended>
  /** The last lines it printed (for a failure message). */
  readonly tail: () => string
}

/** Starts `node <args>` in `cwd` with exactly `env` (plus PATH), printing its lines prefixed with `name`. */
export const startNode = (
  name: string,
  args: ReadonlyArray<string>,
  cwd: string,
  env: Record<string, string>
): Started => {
  const child = spawn(process.execPath, args, {
    cwd,
    env: { PATH: process.env.PATH ?? "", ...env },
    stdio: ["ignore", "pipe", "pipe"]
  })
  const lines: Array<string> = []
  const print = (chunk: Buffer) => {
    for (const line of chunk
      .toString()
      .split("\n")
      .filter((l) => l !== "")) {
      lines.push(line)
      if (lines.length > 40) lines.shift()
      console.log(`[${name}] ${line}`)
    }
  }
  child.stdout.on("data", print)
  child.stderr.on("data", print)
  const ended = new Promise<Ended>((resolve) => child.on("exit", (code, signal) => resolve({ code, signal })))
  return { name, child, ended, tail: () => lines.join("\n") }
}

/** Fails as soon as one of `processes` exits (while the caller waits for something else). */
export const failOnExit = (processes: ReadonlyArray<Started>): Promise<never> =>
  Promise.race(
    processes.map((p) =>
      p.ended.then((e): never => {
        throw new CheckFailed(`${p.name} exited early (${e.signal ?? `exit ${e.code}`}); its last lines:\n${p.tail()}`)
      })
    )
  )

/** Sends SIGTERM and requires a clean exit (code 0) within `graceSeconds`; returns the seconds it took. */
export const stopWithin = async (p: Started, graceSeconds: number): Promise<number> => {
  const start = Date.now()
  p.child.kill("SIGTERM")
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<"late">((resolve) => (timer = setTimeout(() => resolve("late"), graceSeconds * 1000)))
  const outcome = await Promise.race([p.ended, late])
  clearTimeout(timer)
  if (outcome === "late") {
    p.child.kill("SIGKILL")
    throw new CheckFailed(`${p.name} did not stop within its grace period of ${graceSeconds} s after SIGTERM`)
  }
  if (outcome.code !== 0)
    throw new CheckFailed(`${p.name} stopped with ${outcome.signal ?? `exit ${outcome.code}`} after SIGTERM`)
  return (Date.now() - start) / 1000
}

/** Kills whatever is still running (after a failure). */
export const killAll = (processes: ReadonlyArray<Started>): void => {
  for (const p of processes) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill("SIGKILL")
}

/** Polls `probe` every half second until it returns a value, failing after `seconds` with `what`. */
export const waitFor = async <A>(what: string, seconds: number, probe: () => Promise<A | undefined>): Promise<A> => {
  const deadline = Date.now() + seconds * 1000
  for (;;) {
    const value = await probe().catch(() => undefined)
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new CheckFailed(`timed out after ${seconds} s waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 500))
  }
}
