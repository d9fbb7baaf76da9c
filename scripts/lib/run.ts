/** Helpers the release checks share: failing with a reason, running a command, scratch directories. */
import { spawn, type SpawnOptions } from "node:child_process"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import path from "node:path"

/** A check that did not pass: the script prints the message and exits 1. */
export class CheckFailed extends Error {}

/** Throws `CheckFailed(message)` unless `condition`. */
export function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new CheckFailed(message)
}

/** Runs a command to its end; its output goes to ours (or is returned with `capture`); a non-zero exit fails. */
export const run = (
  command: string,
  args: ReadonlyArray<string>,
  options: SpawnOptions & { readonly capture?: boolean } = {}
): Promise<string> =>
  new Promise((resolve, reject) => {
    console.log(`$ ${[command, ...args].join(" ")}${options.cwd ? `   (in ${String(options.cwd)})` : ""}`)
    const child = spawn(command, args, {
      ...options,
      stdio: options.capture ? ["ignore", "pipe", "inherit"] : "inherit"
    })
    let out = ""
    child.stdout?.on("data", (chunk: Buffer) => (out += chunk.toString()))
    child.on("error", reject)
    child.on("close", (code, signal) =>
      code === 0
        ? resolve(out)
        : reject(new CheckFailed(`${command} ${args.join(" ")} failed (${signal ?? `exit ${code}`})`))
    )
  })

/** A new directory under $TMPDIR (outside the workspace) and its removal. */
export const scratchDir = (name: string): { readonly dir: string; readonly remove: () => void } => {
  const dir = mkdtempSync(path.join(tmpdir(), `${name}-`))
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) }
}

/** The repository root (this file is scripts/lib/run.ts). */
export const repoRoot = path.resolve(import.meta.dirname, "../..")

/** Runs `main`; prints a failed check's reason (or the error) and exits 1, else exits 0. */
export const runCheck = (name: string, main: () => Promise<void>): void => {
  main().then(
    () => {
      console.log(`${name}: passed`)
      process.exit(0)
    },
    (e: unknown) => {
      const reason = e instanceof CheckFailed ? e.message : e instanceof Error ? (e.stack ?? e.message) : String(e)
      console.error(`${name}: FAILED: ${reason}`)
      process.exit(1)
    }
  )
}
