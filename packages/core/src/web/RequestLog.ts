import type { Middleware } from "koa"
import { maskCprs } from "../domain/CprMask.js"

/**
 * Lines for stdout, written together once per turn of the event loop: stdout to a file or pipe is a synchronous write
 * on Linux, one system call per request otherwise (~0.1 ms each in bench/selvbetjening). What is pending is written at
 * exit too.
 */
const stdoutLines = (): ((line: string) => void) => {
  let pending: Array<string> = []
  const flush = () => {
    if (pending.length === 0) return
    const text = pending.join("")
    pending = []
    process.stdout.write(text)
  }
  process.once("exit", flush)
  return (line) => {
    if (pending.length === 0) setImmediate(flush)
    pending.push(line + "\n")
  }
}

let shared: ((line: string) => void) | undefined

/** The process's one stdout writer, made on first use. */
const sharedLines = (): ((line: string) => void) => {
  if (shared === undefined) shared = stdoutLines()
  return shared
}

/**
 * One line per request on stdout: method, path (CPR numbers masked), status, duration. Query strings are left out
 * (they may hold ids).
 */
export const requestLog =
  (name: string, write: (line: string) => void = sharedLines()): Middleware =>
  async (ctx, next) => {
    const start = process.hrtime.bigint()
    try {
      await next()
    } finally {
      const ms = Number(process.hrtime.bigint() - start) / 1e6
      if (!ctx.path.startsWith("/static/")) {
        write(
          `${new Date().toISOString()} ${name} ${ctx.method} ${maskCprs(ctx.path)} ${ctx.status} ${ms.toFixed(1)}ms`
        )
      }
    }
  }
