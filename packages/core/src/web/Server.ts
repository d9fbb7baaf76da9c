import type Koa from "koa"
import http from "node:http"

/** The port is taken, or the server could not listen. */
export class ListenError extends Error {
  readonly _tag = "ListenError"
}

/** Starts listening; rejects with a message naming the port when it is in use. */
export const listen = (app: Koa, port: number, host = "0.0.0.0"): Promise<http.Server> =>
  new Promise((resolve, reject) => {
    const server = http.createServer(app.callback())
    server.keepAliveTimeout = 5000
    server.once("error", (e: NodeJS.ErrnoException) =>
      reject(
        new ListenError(
          e.code === "EADDRINUSE"
            ? `Port ${port} is already in use: stop the other process or set PORT`
            : `Could not listen on ${host}:${port}: ${e.message}`
        )
      )
    )
    server.listen(port, host, () => resolve(server))
  })

/**
 * Graceful shutdown on SIGTERM/SIGINT: stop accepting, let in-flight requests finish (up to `graceMs`), then run
 * `cleanup` (dispose the runtime: pool, embedded PostgreSQL) and exit.
 */
export const shutdownOnSignals = (
  server: http.Server,
  cleanup: () => Promise<void>,
  options: { readonly graceMs?: number; readonly log?: (m: string) => void } = {}
) => {
  const log = options.log ?? ((m: string) => process.stdout.write(m + "\n"))
  let stopping = false
  const stop = async (signal: string) => {
    if (stopping) return
    stopping = true
    log(`${signal} received: shutting down`)
    const closed = new Promise<void>((resolve) => server.close(() => resolve()))
    server.closeIdleConnections()
    const timer = setTimeout(() => server.closeAllConnections(), options.graceMs ?? 10_000)
    await closed
    clearTimeout(timer)
    await cleanup().catch((e) => log(`cleanup failed: ${String(e)}`))
    log("stopped")
    process.exit(0)
  }
  process.once("SIGTERM", () => void stop("SIGTERM"))
  process.once("SIGINT", () => void stop("SIGINT"))
}
