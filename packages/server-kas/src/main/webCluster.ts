import cluster, { type Worker } from "node:cluster"

/**
 * The primary of `kas web --processes N` (node:cluster): forks N processes that each run kas web (`startWeb`) on the
 * same port; the primary accepts the connections and hands them round-robin to the processes, and does nothing else.
 * The first process starts alone (it migrates when MIGRATE and seeds the users), the others once it listens. On
 * SIGTERM/SIGINT every process shuts down gracefully and the primary exits 0 when they have; if a process dies
 * otherwise, the primary stops the others and exits 1, so that the container (or the launcher) restarts kas web
 * whole. Every process holds its own connection pools, so a process count multiplies kas web's connections.
 */
export const runWebCluster = (processes: number, log: (m: string) => void = (m) => console.log(m)): Promise<number> =>
  new Promise<number>((resolve) => {
    const workers = new Set<Worker>()
    let stopping = false
    const stopAll = (code: number) => {
      if (stopping) return
      stopping = true
      if (workers.size === 0) return resolve(code)
      for (const w of workers) w.process.kill("SIGTERM")
      const waiting = setInterval(() => {
        if (workers.size === 0) {
          clearInterval(waiting)
          resolve(code)
        }
      }, 50)
    }
    const fork = () =>
      new Promise<void>((started) => {
        const w = cluster.fork()
        workers.add(w)
        w.once("listening", () => started())
        w.once("exit", (code, signal) => {
          workers.delete(w)
          started()
          if (!stopping) {
            log(`kas web: process ${w.process.pid} exited (${signal ?? code}); stopping the others`)
            stopAll(1)
          }
        })
      })
    process.once("SIGTERM", () => stopAll(0))
    process.once("SIGINT", () => stopAll(0))
    void (async () => {
      await fork()
      for (let i = 1; i < processes && !stopping; i++) await fork()
      if (!stopping) log(`kas web: ${processes} processes`)
    })()
  })

/** Whether this process is one of the processes `runWebCluster` forked. */
export const isClusterWorker = (): boolean => cluster.isWorker
