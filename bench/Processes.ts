/**
 * Child processes and one-off queries of the benchmarks that run servers (selvbetjening, staff): start a server and
 * wait until it answers, stop it, run one statement on a fresh connection.
 */
import { type ChildProcess, spawn } from "node:child_process"
import path from "node:path"
import { fileURLToPath } from "node:url"
import pg from "pg"

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..")

/** Starts a process and waits until `probe` answers over HTTP; stdout (the request log) is discarded. */
export const start = async (
  name: string,
  args: ReadonlyArray<string>,
  env: Record<string, string>,
  probe: string,
  node: ReadonlyArray<string> = []
): Promise<ChildProcess> => {
  const loader = args[0]?.endsWith(".mjs") ? [] : ["--conditions=source", "--import", "tsx"]
  const child = spawn(process.execPath, [...node, ...loader, ...args], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ["ignore", "ignore", "pipe"]
  })
  let err = ""
  child.stderr!.on("data", (d: Buffer) => {
    if (err.length < 20_000) err += d.toString()
  })
  for (let i = 0; i < 600; i++) {
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}:\n${err}`)
    const up = await fetch(probe, { signal: AbortSignal.timeout(2000) }).then(
      () => true,
      () => false
    )
    if (up) return child
    await new Promise((r) => setTimeout(r, 300))
  }
  throw new Error(`${name} did not start:\n${err}`)
}

export const stop = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    if (child.exitCode !== null) return resolve()
    child.once("exit", () => resolve())
    child.kill("SIGTERM")
  })

export const sql = async (url: string, text: string, values: ReadonlyArray<unknown> = []) => {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    return (await client.query(text, [...values])).rows
  } finally {
    await client.end()
  }
}
