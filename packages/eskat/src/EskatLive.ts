import { Duration, Effect, Layer, Option, Redacted } from "effect"
import type { KasConfig } from "@kas/core"
import { EskatError } from "./EskatError.js"
import { EskatSource, make, type EskatSourceService } from "./EskatSource.js"

/** The part of an `oracledb` connection the live source uses: the driver boundary that tests replace. */
export interface OracleConnection {
  readonly execute: (
    sql: string,
    binds: Array<unknown>,
    options: { readonly outFormat: number; readonly fetchArraySize: number }
  ) => Promise<{ readonly rows?: ReadonlyArray<ReadonlyArray<unknown>> | undefined }>
  readonly close: () => Promise<void>
}

/** The part of an `oracledb` pool the live source uses. */
export interface OraclePool {
  readonly getConnection: () => Promise<OracleConnection>
  readonly close: (drainSeconds: number) => Promise<void>
}

/** The part of the `oracledb` module the live source uses (thin mode, the default). */
export interface OracleDriver {
  readonly OUT_FORMAT_ARRAY: number
  readonly createPool: (config: {
    readonly user: string
    readonly password: string
    readonly connectString: string
    readonly poolMin: number
    readonly poolMax: number
    readonly connectTimeout: number
    readonly queueTimeout: number
  }) => Promise<OraclePool>
}

/** Where and how to reach eSkat; built from `EskatSettings`. */
export interface LiveOptions {
  readonly host: string
  readonly port: number
  readonly service: string
  readonly user: string
  readonly password: Redacted.Redacted<string>
  /** Seconds to wait for a connection (default 10). */
  readonly connectTimeoutSeconds?: number
}

/** The connect descriptor of eskat.md §3. */
export const connectDescriptor = (o: { host: string; port: number; service: string }, timeoutSeconds: number) =>
  `(DESCRIPTION=(CONNECT_TIMEOUT=${timeoutSeconds})(ADDRESS=(PROTOCOL=TCP)(HOST=${o.host})(PORT=${o.port}))` +
  `(CONNECT_DATA=(SERVICE_NAME=${o.service})))`

const realDriver: Effect.Effect<OracleDriver, EskatError> = Effect.tryPromise({
  try: async () => (await import("oracledb")).default as unknown as OracleDriver,
  catch: (cause) =>
    new EskatError({ reason: "not-configured", message: "The oracledb driver could not be loaded", cause })
})

const describe = (cause: unknown): string => (cause instanceof Error ? cause.message : String(cause))

const classify = (o: LiveOptions, cause: unknown): EskatError => {
  const where = `eSkat (Oracle) at ${o.host}:${o.port}/${o.service}`
  const text = describe(cause)
  if (/ORA-01017|ORA-28000|ORA-01005|invalid username|invalid credential/i.test(text)) {
    return new EskatError({
      reason: "login-refused",
      message: `${where} refused the login of ${o.user}: ${text}`,
      cause
    })
  }
  return new EskatError({ reason: "unreachable", message: `${where} is unreachable: ${text}`, cause })
}

/**
 * The live source over an Oracle driver. The pool is created lazily by the first read (eskat.md §3: nothing connects
 * until a job reads a live view) and closed when the scope closes. Connecting fails within the connect timeout with
 * an `EskatError` naming the host.
 */
export const makeLive = (options: LiveOptions, driver: Effect.Effect<OracleDriver, EskatError> = realDriver) =>
  Effect.gen(function* () {
    const timeout = options.connectTimeoutSeconds ?? 10
    const pool = yield* Effect.cached(
      Effect.gen(function* () {
        const oracle = yield* driver
        const created = yield* Effect.tryPromise({
          try: () =>
            oracle.createPool({
              user: options.user,
              password: Redacted.value(options.password),
              connectString: connectDescriptor(options, timeout),
              poolMin: 0,
              poolMax: 2,
              connectTimeout: timeout,
              queueTimeout: timeout * 1000
            }),
          catch: (cause) => classify(options, cause)
        })
        return { oracle, pool: created }
      })
    )
    let opened: Option.Option<OraclePool> = Option.none()
    yield* Effect.addFinalizer(() =>
      Option.match(opened, {
        onNone: () => Effect.void,
        onSome: (p) => Effect.promise(() => p.close(0).catch(() => undefined))
      })
    )
    const withConnection = <A>(f: (c: OracleConnection, outFormat: number) => Promise<A>) =>
      Effect.gen(function* () {
        const { oracle, pool: p } = yield* pool
        opened = Option.some(p)
        const conn = yield* Effect.tryPromise({
          try: () => p.getConnection(),
          catch: (e) => classify(options, e)
        }).pipe(
          Effect.timeoutFail({
            duration: Duration.seconds(timeout + 1),
            onTimeout: () =>
              new EskatError({
                reason: "timeout",
                message: `No connection to eSkat (Oracle) at ${options.host}:${options.port} within ${timeout} s`
              })
          })
        )
        return yield* Effect.tryPromise({
          try: () => f(conn, oracle.OUT_FORMAT_ARRAY),
          catch: (cause) =>
            new EskatError({
              reason: "query",
              message: `eSkat query at ${options.host} failed: ${describe(cause)}`,
              cause
            })
        }).pipe(Effect.ensuring(Effect.promise(() => conn.close().catch(() => undefined))))
      })
    const service: EskatSourceService = make({
      kind: "live",
      bind: (i) => `:${i}`,
      execute: (text, params) =>
        withConnection(async (conn, outFormat) => {
          const result = await conn.execute(text, [...params], { outFormat, fetchArraySize: 1000 })
          return result.rows ?? []
        })
    })
    return service
  })

/** Live options from the worker's `EskatSettings`, or a `not-configured` failure naming what is missing. */
export const optionsFromSettings = (settings: KasConfig.BackOfficeConfig.EskatSettings) =>
  Effect.gen(function* () {
    const missing = (name: string) =>
      new EskatError({ reason: "not-configured", message: `${name} must be set to read eSkat live` })
    return {
      host: yield* Option.match(settings.host, {
        onNone: () => Effect.fail(missing("ESKAT_HOST")),
        onSome: Effect.succeed
      }),
      port: settings.port,
      service: yield* Option.match(settings.database, {
        onNone: () => Effect.fail(missing("ESKAT_DB")),
        onSome: Effect.succeed
      }),
      user: yield* Option.match(settings.user, {
        onNone: () => Effect.fail(missing("ESKAT_USER")),
        onSome: Effect.succeed
      }),
      password: yield* Option.match(settings.password, {
        onNone: () => Effect.fail(missing("ESKAT_PASSWORD")),
        onSome: Effect.succeed
      })
    } satisfies LiveOptions
  })

/** `EskatSource` on the Oracle views of eSkat, from the worker's settings; the pool lives as long as the layer. */
export const layerLive = (
  settings: KasConfig.BackOfficeConfig.EskatSettings,
  driver?: Effect.Effect<OracleDriver, EskatError>
): Layer.Layer<EskatSource, EskatError> =>
  Layer.scoped(EskatSource, optionsFromSettings(settings).pipe(Effect.flatMap((o) => makeLive(o, driver))))
