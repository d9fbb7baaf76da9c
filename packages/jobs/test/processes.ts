import { type ChildProcess, spawn } from "node:child_process"
import path from "node:path"
import { fileURLToPath } from "node:url"

/** Helpers for tests that start worker and scheduler processes. */

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..")

export interface Proc {
  readonly child: ChildProcess
  /** Everything written to stdout and stderr so far. */
  readonly output: () => string
  /** Resolves with the exit code (or the signal name). */
  readonly exited: Promise<number | string>
  readonly waitFor: (text: string, timeoutMs?: number) => Promise<void>
}

/** Starts `node --conditions=source --import tsx <entry>` from the repository root. */
export const start = (entry: string, env: Record<string, string>, args: ReadonlyArray<string> = []): Proc => {
  const child = spawn(process.execPath, ["--conditions=source", "--import", "tsx", entry, ...args], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"]
  })
  let out = ""
  const listeners = new Set<() => void>()
  const append = (chunk: Buffer) => {
    out += chunk.toString()
    for (const l of listeners) l()
  }
  child.stdout!.on("data", append)
  child.stderr!.on("data", append)
  const exited = new Promise<number | string>((resolve) =>
    child.on("exit", (code, signal) => {
      resolve(code ?? signal ?? -1)
      for (const l of listeners) l()
    })
  )
  const waitFor = (text: string, timeoutMs = 60_000) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (out.includes(text)) {
          listeners.delete(check)
          clearTimeout(timer)
          resolve()
        } else if (child.exitCode !== null || child.signalCode !== null) {
          listeners.delete(check)
          clearTimeout(timer)
          reject(new Error(`process exited before printing '${text}':\n${out}`))
        }
      }
      const timer = setTimeout(() => {
        listeners.delete(check)
        reject(new Error(`timed out waiting for '${text}':\n${out}`))
      }, timeoutMs)
      listeners.add(check)
      check()
    })
  return { child, output: () => out, exited, waitFor }
}

/** Polls `f` every `ms` until it returns a value other than undefined (or times out). */
export const eventually = async <A>(f: () => Promise<A | undefined>, timeoutMs = 60_000, ms = 100): Promise<A> => {
  const end = Date.now() + timeoutMs
  for (;;) {
    const a = await f()
    if (a !== undefined) return a
    if (Date.now() > end) throw new Error("condition not reached in time")
    await new Promise((r) => setTimeout(r, ms))
  }
}
