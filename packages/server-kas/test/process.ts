import { spawn, type ChildProcess } from "node:child_process"
import path from "node:path"
import { fileURLToPath } from "node:url"

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "..")
/** Entry points of the processes, run from source as `npm start` does. */
export const KAS_BIN = path.join(root, "packages/server-kas/src/bin/kas.ts")
export const SELVBETJENING_BIN = path.join(root, "packages/server-selvbetjening/src/bin/selvbetjening.ts")

/** A started process with its output collected. */
export interface Running {
  readonly child: ChildProcess
  readonly output: () => string
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
  /** Resolves when the output contains `text` (rejects after `ms`). */
  readonly waitFor: (text: string | RegExp, ms?: number) => Promise<void>
}

/** Runs `node --conditions=source --import tsx <args>` with exactly `env` (plus PATH/HOME). */
export const runNode = (args: ReadonlyArray<string>, env: Record<string, string>): Running =>
  run(process.execPath, ["--conditions=source", "--import", "tsx", ...args], env)

/** Runs `npm <args>` in the repository root as a developer would, with exactly `env` (plus PATH/HOME). */
export const runNpm = (args: ReadonlyArray<string>, env: Record<string, string>): Running => run("npm", args, env)

const run = (command: string, args: ReadonlyArray<string>, env: Record<string, string>): Running => {
  const child = spawn(command, args, {
    cwd: root,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/root", ...env },
    stdio: ["pipe", "pipe", "pipe"]
  })
  let out = ""
  const listeners = new Set<() => void>()
  const onData = (b: Buffer) => {
    out += b.toString()
    for (const l of listeners) l()
  }
  child.stdout!.on("data", onData)
  child.stderr!.on("data", onData)
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal }))
  )
  const waitFor = (text: string | RegExp, ms = 60_000) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (typeof text === "string" ? out.includes(text) : text.test(out)) {
          listeners.delete(check)
          clearTimeout(timer)
          resolve()
        }
      }
      const timer = setTimeout(() => {
        listeners.delete(check)
        reject(new Error(`timed out waiting for ${String(text)}; output:\n${out}`))
      }, ms)
      listeners.add(check)
      void exited.then(() =>
        setTimeout(() => {
          listeners.delete(check)
          clearTimeout(timer)
          if (!(typeof text === "string" ? out.includes(text) : text.test(out)))
            reject(new Error(`exited before ${String(text)}; output:\n${out}`))
        }, 50)
      )
      check()
    })
  return { child, output: () => out, exited, waitFor }
}
