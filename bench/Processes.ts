/**
 * Child processes and one-off queries of the benchmarks that run servers (selvbetjening, staff): start a server and
 * wait until it answers, stop it, run one statement on a fresh connection, read the CPU time of a process and of the
 * PostgreSQL backends of some databases.
 */
import { type ChildProcess, spawn } from "node:child_process"
import { readdirSync, readFileSync } from "node:fs"
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

/** CPU time (user + system, ms) a process has used so far, from /proc (Linux); 0 elsewhere. */
export const cpuMs = (pid: number | undefined): number => {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8")
      .replace(/^.*\) /, "")
      .split(" ")
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100 // utime, stime in clock ticks (USER_HZ = 100)
  } catch {
    return 0
  }
}

/** CPU time (ms) of a process and its children (a node:cluster primary and its processes), from /proc. */
export const treeCpuMs = (pid: number | undefined): number => {
  if (pid === undefined) return 0
  let sum = cpuMs(pid)
  for (const child of readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
    try {
      const ppid = Number(
        readFileSync(`/proc/${child}/stat`, "utf8")
          .replace(/^.*\) /, "")
          .split(" ")[1]
      )
      if (ppid === pid) sum += treeCpuMs(Number(child))
    } catch {
      // the process ended meanwhile
    }
  }
  return sum
}

/**
 * CPU time of the PostgreSQL backends serving the given databases (their process titles name the database), including
 * backends that have ended: a pool closes idle connections, and an ended process's time can no longer be read, so
 * each backend's time is sampled every 200 ms while the benchmark runs and its last reading counts.
 */
export const postgresCpu = (databases: ReadonlyArray<string>) => {
  const last = new Map<number, number>()
  const sample = () => {
    for (const pid of readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
      try {
        const cmd = readFileSync(`/proc/${pid}/cmdline`, "utf8")
        if (cmd.startsWith("postgres:") && databases.some((d) => cmd.includes(` ${d} `))) {
          const ms = cpuMs(Number(pid))
          if (ms > 0) last.set(Number(pid), ms)
        }
      } catch {
        // the process ended meanwhile
      }
    }
  }
  const timer = setInterval(sample, 200).unref()
  return {
    /** The total so far (ms): every backend's last reading. */
    total: () => {
      sample()
      let sum = 0
      for (const ms of last.values()) sum += ms
      return sum
    },
    stop: () => clearInterval(timer)
  }
}
