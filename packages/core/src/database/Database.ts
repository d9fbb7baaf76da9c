import { PgClient } from "@effect/sql-pg"
import { Duration, Effect, Layer, Option, Redacted, Schedule } from "effect"
import pg from "pg"
import type { Environment } from "../config/Environment.js"
import { DatabaseError } from "./DatabaseError.js"
import * as Embedded from "./EmbeddedPostgres.js"

/** Where the development server keeps its data, relative to the working directory. */
export const EMBEDDED_DATA_DIR = ".kas/postgres"
/** The port of the development server started by `npm start` and the CLI. */
export const EMBEDDED_PORT = 54329

/** Host and port of a URL, for messages (never the password). */
export const describeUrl = (url: string): string => {
  try {
    const u = new URL(url)
    return `${u.hostname}:${u.port || "5432"}${u.pathname}`
  } catch {
    return "(unparsable DATABASE_URL)"
  }
}

const tryConnect = (url: string) =>
  Effect.tryPromise({
    try: async () => {
      const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 })
      client.on("error", () => undefined)
      try {
        await client.connect()
        await client.query("select 1")
      } finally {
        await client.end().catch(() => undefined)
      }
    },
    catch: (cause) => cause
  })

/**
 * Waits for the database with exponential backoff; after `waitSeconds` fails with a message naming the host.
 */
export const waitFor = (url: string, waitSeconds = 30) =>
  tryConnect(url).pipe(
    Effect.retry(
      Schedule.exponential("200 millis", 1.5).pipe(
        Schedule.either(Schedule.spaced("3 seconds")),
        Schedule.upTo(Duration.seconds(waitSeconds))
      )
    ),
    Effect.mapError(
      (cause) =>
        new DatabaseError({
          reason: "unreachable",
          message: `Could not connect to PostgreSQL at ${describeUrl(url)} within ${waitSeconds} s: ${
            cause instanceof Error ? cause.message : String(cause)
          }`,
          cause
        })
    )
  )

/**
 * The URL of the KAS database: `DATABASE_URL` when set; otherwise (never in production or staging) an embedded
 * PostgreSQL under `.kas/`, started for the lifetime of the scope and stopped with it.
 */
export const resolveUrl = (options: {
  readonly environment: Environment
  readonly databaseUrl: Option.Option<Redacted.Redacted<string>>
  readonly database?: string
}) =>
  Option.match(options.databaseUrl, {
    onSome: (url) => Effect.succeed(Redacted.value(url)),
    onNone: () =>
      options.environment !== "development"
        ? Effect.fail(
            new DatabaseError({ reason: "not-configured", message: "DATABASE_URL must be set outside development" })
          )
        : Embedded.scoped({ dataDir: EMBEDDED_DATA_DIR, port: EMBEDDED_PORT }).pipe(
            Effect.flatMap((server) =>
              Effect.tryPromise({
                try: () => Embedded.ensureDatabase(server.adminUrl, options.database ?? "kas"),
                catch: (cause) =>
                  new DatabaseError({ reason: "embedded", message: "Could not create the database", cause })
              })
            ),
            Effect.mapError((e) =>
              e._tag === "DatabaseError"
                ? e
                : new DatabaseError({ reason: "embedded", message: e.message, cause: e.cause })
            )
          )
  })

/**
 * `url` with the session setting `kas.timezone` (configuration.md `TIMEZONE`) added to its startup options, so that
 * `kas.today()` (new locks, due dates) is "today" in the process's time zone on every pooled connection.
 */
export const withTimeZone = (url: string, timeZone: string): string => {
  const parsed = new URL(url)
  const existing = parsed.searchParams.get("options")
  const setting = `-c kas.timezone=${timeZone}`
  parsed.searchParams.set("options", existing === null || existing === "" ? setting : `${existing} ${setting}`)
  return parsed.toString()
}

/** A `PgClient` (and `SqlClient`) for `url`, after waiting for the server; `timeZone` sets `kas.timezone`. */
export const layerFromUrl = (
  url: string,
  options?: { readonly waitSeconds?: number; readonly maxConnections?: number; readonly timeZone?: string }
) =>
  Layer.unwrapEffect(
    waitFor(url, options?.waitSeconds).pipe(
      Effect.as(
        PgClient.layer({
          url: Redacted.make(options?.timeZone === undefined ? url : withTimeZone(url, options.timeZone)),
          maxConnections: options?.maxConnections ?? 10,
          // bigint and numeric stay strings; repositories decode them with a range check.
          transformJson: false
        })
      )
    )
  ).pipe(
    Layer.catchAll((e) =>
      Layer.fail(
        e._tag === "DatabaseError"
          ? e
          : new DatabaseError({
              reason: "unreachable",
              message: `PostgreSQL at ${describeUrl(url)}: ${String(e)}`,
              cause: e
            })
      )
    )
  )

/** The database layer of a process: resolves the URL (maybe embedded) and builds the client. */
export const layer = (options: {
  readonly environment: Environment
  readonly databaseUrl: Option.Option<Redacted.Redacted<string>>
  /** The embedded server's database to use (default `kas`). */
  readonly database?: string
  readonly databaseWaitSeconds?: number
  readonly maxConnections?: number
  /** `TIMEZONE` (every process's settings carry it): "today" of the database session (`kas.today()`). */
  readonly timezone?: string
}) =>
  Layer.unwrapScoped(
    resolveUrl(options).pipe(
      Effect.map((url) =>
        layerFromUrl(url, {
          ...(options.databaseWaitSeconds !== undefined ? { waitSeconds: options.databaseWaitSeconds } : {}),
          ...(options.maxConnections !== undefined ? { maxConnections: options.maxConnections } : {}),
          ...(options.timezone !== undefined ? { timeZone: options.timezone } : {})
        })
      )
    )
  )
