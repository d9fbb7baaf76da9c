import { spawn, type ChildProcess } from "node:child_process"
import path from "node:path"
import { fileURLToPath } from "node:url"
import { Cause, Effect } from "effect"
import { Database, EmbeddedPostgres, KasConfig, Migrations } from "@kas/core"
import { packageDir } from "@kas/core/web"
import { commands } from "../cli/commands.js"
import { workerLayer } from "../jobs/layer.js"
import { firstStartYears, importOnFirstStart } from "./firstStart.js"
import { allMigrationSets } from "../migrations.js"

const here = path.dirname(fileURLToPath(import.meta.url))
const KAS_BIN = path.resolve(here, "..", "bin", "kas.ts")
const SELVBETJENING_BIN = path.resolve(here, "..", "..", "..", "server-selvbetjening", "src", "bin", "selvbetjening.ts")

interface ProcessSpec {
  readonly name: string
  readonly args: ReadonlyArray<string>
  readonly env?: Record<string, string>
}

// src/main/databaseHolder.ts when run from source (npm start), dist/main/databaseHolder.js when built
const HOLDER = import.meta.url.endsWith(".ts")
  ? path.resolve(here, "databaseHolder.ts")
  : path.join(packageDir(import.meta.url), "dist", "main", "databaseHolder.js")

/** Starts the embedded database in its own process group (see databaseHolder.ts); `stop` ends it. */
const startDatabaseHolder = () =>
  new Promise<{ adminUrl: string; stop: () => Promise<void> }>((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", "--conditions=source", HOLDER], {
      detached: true,
      stdio: ["pipe", "pipe", "inherit"]
    })
    let buffer = ""
    const onData = (chunk: Buffer) => {
      buffer += chunk.toString()
      const line = buffer.split("\n")[0]
      if (buffer.includes("\n")) {
        child.stdout!.off("data", onData)
        try {
          const { adminUrl } = JSON.parse(line!) as { adminUrl: string }
          resolve({
            adminUrl,
            stop: () =>
              new Promise<void>((done) => {
                if (child.exitCode !== null) return done()
                child.once("exit", () => done())
                child.stdin!.end()
              })
          })
        } catch (e) {
          reject(e)
        }
      }
    }
    child.stdout!.on("data", onData)
    child.once("exit", (code) => reject(new Error(`the embedded PostgreSQL did not start (exit ${code})`)))
  })

const log = (line: string) => process.stdout.write(`[start] ${line}\n`)

const migrate = (url: string, sets: ReadonlyArray<Migrations.MigrationSet>) =>
  Effect.runPromise(Migrations.migrate(sets).pipe(Effect.provide(Database.layerFromUrl(url)), Effect.scoped))

/** Prefixes every line a child prints with its name. */
const pipeLines = (name: string, stream: NodeJS.ReadableStream | null, out: NodeJS.WriteStream) => {
  let buffer = ""
  stream?.on("data", (chunk: Buffer) => {
    buffer += chunk.toString()
    const lines = buffer.split("\n")
    buffer = lines.pop() ?? ""
    for (const l of lines) out.write(`[${name}] ${l}\n`)
  })
}

const run = (spec: ProcessSpec, env: NodeJS.ProcessEnv, watch: boolean): ChildProcess => {
  const nodeArgs = watch
    ? ["--import", "tsx", "--conditions=source", "--watch", ...spec.args]
    : ["--import", "tsx", "--conditions=source", ...spec.args]
  const child = spawn(process.execPath, nodeArgs, { env: { ...env, ...spec.env }, stdio: ["ignore", "pipe", "pipe"] })
  pipeLines(spec.name, child.stdout, process.stdout)
  pipeLines(spec.name, child.stderr, process.stderr)
  return child
}

/** On an empty database, imports the mock data into KAS before the servers start (firstStart.ts). */
const firstStartImport = async (env: NodeJS.ProcessEnv) => {
  const program = Effect.gen(function* () {
    const provider = KasConfig.ConfigReport.providerFromEnv(env)
    const settings = yield* KasConfig.load("npm start", KasConfig.BackOfficeConfig.worker, provider)
    const outcome = yield* importOnFirstStart({
      years: firstStartYears(new Date()),
      environment: settings.environment,
      jobTimeoutSeconds: settings.jobTimeoutSeconds,
      log
    }).pipe(Effect.provide(workerLayer(settings, 4)))
    if (outcome._tag === "Imported") log("first start: the mock data is in KAS (the jobs are listed on /worker/)")
  })
  const exit = await Effect.runPromiseExit(program)
  if (exit._tag === "Failure") {
    log(`first start: the import failed; continuing without it:\n${Cause.pretty(exit.cause)}`)
  }
}

/** Runs the whole development system until Ctrl-C. */
export const start = async (options: { readonly watch: boolean }) => {
  KasConfig.defaultToDevelopment()
  const env: NodeJS.ProcessEnv = { ...process.env }
  let stopDatabase = async () => {}
  if (!env.DATABASE_URL) {
    if (env.ENVIRONMENT !== "development") {
      process.stderr.write("npm start runs the development system; set DATABASE_URL to use another server\n")
      process.exit(78)
    }
    log("starting the embedded PostgreSQL (data in .kas/postgres) …")
    const holder = await startDatabaseHolder()
    stopDatabase = holder.stop
    env.DATABASE_URL = await EmbeddedPostgres.ensureDatabase(holder.adminUrl, "kas")
    env.SELVBETJENING_DATABASE_URL ??= await EmbeddedPostgres.ensureDatabase(holder.adminUrl, "selvbetjening")
  }
  env.SELVBETJENING_DATABASE_URL ??= env.DATABASE_URL
  log("applying migrations …")
  try {
    await migrate(env.DATABASE_URL!, allMigrationSets)
  } catch (e) {
    process.stderr.write(`[start] migrations failed: ${String((e as Error)?.message ?? e)}\n`)
    await stopDatabase()
    process.exit(1)
  }
  env.MIGRATE = "false"
  // No push gateway runs beside `npm start`: the worker would warn every 10 minutes that it cannot reach one.
  env.DISABLE_METRICS ??= "true"

  const has = (name: string) => commands.some((c) => c.name === name)
  if (has("import-eskat-mockup-data") && !env.KAS_SKIP_MOCK_DATA) {
    log("loading mock eSkat data if the database is empty …")
    const code = await new Promise<number>((resolve) => {
      const c = run(
        { name: "mock-data", args: [KAS_BIN, "import-eskat-mockup-data", "--if-empty", "--persons", "3000"] },
        env,
        false
      )
      c.on("exit", (status) => resolve(status ?? 1))
    })
    if (code !== 0) log(`mock data import exited with ${code}; continuing`)
    else await firstStartImport(env)
  }

  const specs: Array<ProcessSpec> = [
    { name: "kas-web", args: [KAS_BIN, "web"] },
    // selvbetjening applies its own (small) migrations at start in development (MIGRATE defaults to true there)
    { name: "selvbetjening", args: [SELVBETJENING_BIN], env: { MIGRATE: "true" } }
  ]
  if (has("worker")) specs.push({ name: "worker", args: [KAS_BIN, "worker"] })
  if (has("scheduler")) specs.push({ name: "scheduler", args: [KAS_BIN, "scheduler"] })

  const children = new Map<string, ChildProcess>()
  let stopping = false
  const stopAll = async (signal: NodeJS.Signals) => {
    if (stopping) return
    stopping = true
    log(`${signal}: stopping ${[...children.keys()].join(", ")} …`)
    await Promise.all(
      [...children.values()].map(
        (c) =>
          new Promise<void>((resolve) => {
            if (c.exitCode !== null || c.signalCode !== null) return resolve()
            const timer = setTimeout(() => c.kill("SIGKILL"), 15_000)
            c.once("exit", () => {
              clearTimeout(timer)
              resolve()
            })
            c.kill("SIGTERM")
          })
      )
    )
    await stopDatabase()
    log("stopped")
    process.exit(0)
  }
  process.on("SIGINT", () => void stopAll("SIGINT"))
  process.on("SIGTERM", () => void stopAll("SIGTERM"))

  for (const spec of specs) {
    const child = run(spec, env, options.watch)
    children.set(spec.name, child)
    child.on("exit", (code, signal) => {
      if (stopping) return
      log(`${spec.name} exited (${signal ?? code}); stopping the rest`)
      void stopAll("SIGTERM")
    })
  }
  log("KAS is starting:")
  log("  staff (kas web):   http://localhost:8000/   login admin / admin")
  log("  citizens:          http://localhost:8080/")
  log("  jobs:              http://localhost:8000/worker/")
  log("Ctrl-C stops everything.")
}
