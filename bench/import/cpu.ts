import { readdirSync, readFileSync } from "node:fs"
import path from "node:path"

/** Clock ticks per second of /proc/<pid>/stat times (`getconf CLK_TCK`; 100 on Linux). */
const TICKS = 100

const statOf = (pid: number): ReadonlyArray<string> | null => {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8")
    // The command name (field 2) is in parentheses and may contain spaces: split after it.
    return text.slice(text.lastIndexOf(")") + 2).split(" ")
  } catch {
    return null
  }
}

/** CPU seconds (user + system) of a process so far, or NaN when it is gone (Linux only). */
export const cpuSecondsOf = (pid: number): number => {
  const f = statOf(pid)
  return f === null ? NaN : (Number(f[11]) + Number(f[12])) / TICKS
}

/**
 * CPU seconds used so far by the PostgreSQL server whose data directory is `dataDir`: the postmaster, its live
 * children (backends, autovacuum, WAL writer…) and the children that have exited. Wall time on a shared 2-core
 * machine swings with the load of others; the CPU the server spent on an import does much less.
 */
export const serverCpuSeconds = (dataDir: string): number => {
  const postmaster = Number(readFileSync(path.join(dataDir, "postmaster.pid"), "utf8").split("\n")[0])
  const own = statOf(postmaster)
  if (own === null) return NaN
  // utime, stime, cutime, cstime (fields 14–17; index 11–14 after the command name).
  let ticks = Number(own[11]) + Number(own[12]) + Number(own[13]) + Number(own[14])
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue
    const f = statOf(Number(entry))
    // Field 4 (ppid) is index 1 after the command name.
    if (f !== null && Number(f[1]) === postmaster) ticks += Number(f[11]) + Number(f[12])
  }
  return ticks / TICKS
}

/**
 * CPU seconds so far of the live client backends of database `database` on the server in `dataDir` (autovacuum and
 * the other background processes left out), by process id: the work of the statements the connections ran. A
 * backend that ended meanwhile drops out of the sum, so compare sums over the same long-lived connections.
 */
export const backendCpuSeconds = (dataDir: string, database: string): ReadonlyMap<number, number> => {
  const postmaster = Number(readFileSync(path.join(dataDir, "postmaster.pid"), "utf8").split("\n")[0])
  const out = new Map<number, number>()
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue
    const pid = Number(entry)
    const f = statOf(pid)
    if (f === null || Number(f[1]) !== postmaster) continue
    let title = ""
    try {
      title = readFileSync(`/proc/${pid}/cmdline`, "utf8")
    } catch {
      continue
    }
    // A client backend's title: "postgres: <user> <database> <host>(<port>) <state>".
    if (title.split(" ")[2] === database) out.set(pid, (Number(f[11]) + Number(f[12])) / TICKS)
  }
  return out
}

/** The CPU seconds the backends spent between two `backendCpuSeconds` samples (new backends count from 0). */
export const backendCpuBetween = (before: ReadonlyMap<number, number>, after: ReadonlyMap<number, number>): number =>
  [...after].reduce((sum, [pid, cpu]) => sum + cpu - (before.get(pid) ?? 0), 0)
