import { Config, ConfigError, Either, Option, Redacted } from "effect"
import type { Environment } from "./Environment.js"
import {
  absoluteUrl,
  developmentOnly,
  intAtLeast,
  maybe,
  missingWhen,
  optional,
  pemFile,
  postgresUrl,
  required,
  stringList,
  timeZone
} from "./Settings.js"

/** Settings shared by kas web, the worker and the scheduler (configuration.md §4.1). */
export interface CommonSettings {
  readonly environment: Environment
  readonly commitTag: string
  readonly debug: boolean
  readonly timezone: string
  /** Unset outside production: an embedded PostgreSQL under `.kas/`. */
  readonly databaseUrl: Option.Option<Redacted.Redacted<string>>
  /** How long to wait for the database at start before giving up (decision: `DATABASE_WAIT_SECONDS`, 30). */
  readonly databaseWaitSeconds: number
}

const DEV_SECRET_KEY = "development-secret-key-not-for-production-use-0123456789"
/** The development REST token shared by kas web and selvbetjening (configuration.md §4.2, §5). */
export const DEV_REST_TOKEN = "development-rest-token-0123456789abcdef"

const databaseUrl = (env: Environment): Config.Config<Option.Option<Redacted.Redacted<string>>> =>
  env === "development" ? maybe(postgresUrl("DATABASE_URL")) : postgresUrl("DATABASE_URL").pipe(Config.map(Option.some))

/** §4.1 general settings for any back-office process. */
export const common = (env: Environment): Config.Config<CommonSettings> =>
  Config.all({
    environment: Config.succeed(env),
    commitTag: required(env, Config.nonEmptyString("COMMIT_TAG"), "dev"),
    debug: developmentOnly(env, "DEBUG", Config.boolean("DEBUG"), false, (d) => !d || env !== "production"),
    timezone: required(env, timeZone("TIMEZONE"), "America/Nuuk"),
    databaseUrl: databaseUrl(env),
    databaseWaitSeconds: optional(intAtLeast("DATABASE_WAIT_SECONDS", 1), 30)
  })

/** The feature flags of kas web (configuration.md §4.7), by the names staff-web.md §17 shows. */
export interface FeatureFlags {
  /** Shows `/feature_flags/` (default false). */
  readonly enable_feature_flag_list: boolean
  /** For testing the mechanism (default false). */
  readonly test_feature_flag: boolean
  /** The census import also asks Datafordeler (default true). */
  readonly enable_dafo_override_of_address: boolean
}

/** Each feature flag with its variable and default, in the order the flag page lists them. */
export const featureFlagVariables: ReadonlyArray<{
  readonly name: keyof FeatureFlags
  readonly variable: string
  readonly fallback: boolean
}> = [
  { name: "enable_feature_flag_list", variable: "FEATURE_FLAG_ENABLE_FEATURE_FLAG_LIST", fallback: false },
  { name: "test_feature_flag", variable: "FEATURE_FLAG_TEST_FEATURE_FLAG", fallback: false },
  { name: "enable_dafo_override_of_address", variable: "FEATURE_FLAG_ENABLE_DAFO_OVERRIDE_OF_ADDRESS", fallback: true }
]

const flag = (name: keyof FeatureFlags) => {
  const f = featureFlagVariables.find((v) => v.name === name)!
  return optional(Config.boolean(f.variable), f.fallback)
}

/** §4.7: the `FEATURE_FLAG_*` variables (booleans; empty = the default). */
export const featureFlags: Config.Config<FeatureFlags> = Config.all({
  enable_feature_flag_list: flag("enable_feature_flag_list"),
  test_feature_flag: flag("test_feature_flag"),
  enable_dafo_override_of_address: flag("enable_dafo_override_of_address")
})

/** kas web (configuration.md §4). */
export interface KasWebSettings extends CommonSettings {
  readonly secretKey: Redacted.Redacted<string>
  readonly port: number
  readonly hostDomain: string
  readonly allowedHosts: ReadonlyArray<string>
  readonly csrfTrustedOrigins: ReadonlyArray<string>
  readonly sessionIdleSeconds: number
  readonly transactionIndifferenceLimit: number
  readonly restToken: Redacted.Redacted<string>
  readonly representationStart: string
  readonly representationStop: string
  readonly representationTokenMaxAge: number
  readonly adminPassword: Option.Option<Redacted.Redacted<string>>
  readonly migrate: boolean
  /** `TENQ_PROJECT_ID`: the supplier id of every 10Q line (configuration.md §4.5). */
  readonly tenqProjectId: string
  readonly featureFlags: FeatureFlags
}

export const kasWeb = (env: Environment): Config.Config<KasWebSettings> =>
  Config.all({
    common: common(env),
    secretKey: required(env, Config.redacted("SECRET_KEY"), Redacted.make(DEV_SECRET_KEY)),
    port: optional(Config.port("PORT"), 8000),
    hostDomain: optional(absoluteUrl("HOST_DOMAIN"), "https://nokasprod01.dmz70.local"),
    allowedHosts: optional(stringList("ALLOWED_HOSTS"), env === "development" ? ["localhost", "127.0.0.1"] : []),
    csrfTrustedOrigins: optional(stringList("CSRF_TRUSTED_ORIGINS"), []),
    sessionIdleSeconds: optional(intAtLeast("SESSION_IDLE_SECONDS", 60), 28800),
    transactionIndifferenceLimit: optional(intAtLeast("TRANSACTION_INDIFFERENCE_LIMIT", 0), 100),
    restToken: required(env, Config.redacted("REST_TOKEN"), Redacted.make(DEV_REST_TOKEN)),
    representationStart: required(
      env,
      absoluteUrl("SELVBETJENING_REPRESENTATION_START"),
      "http://localhost:8080/represent-start/"
    ),
    representationStop: required(
      env,
      absoluteUrl("SELVBETJENING_REPRESENTATION_STOP"),
      "http://localhost:8080/represent-stop/"
    ),
    representationTokenMaxAge: optional(intAtLeast("SELVBETJENING_REPRESENTATION_TOKEN_MAX_AGE", 1), 60),
    adminPassword:
      env === "development"
        ? Config.redacted("ADMIN_PASSWORD").pipe(Config.withDefault(Redacted.make("admin")), Config.map(Option.some))
        : developmentOnly(
            env,
            "ADMIN_PASSWORD",
            maybe(Config.redacted("ADMIN_PASSWORD")),
            Option.none(),
            Option.isNone
          ),
    migrate: developmentOnly(env, "MIGRATE", Config.boolean("MIGRATE"), env === "development", () => true),
    tenqProjectId: tenqProjectId(env),
    featureFlags
  }).pipe(Config.map(({ common, ...rest }) => ({ ...common, ...rest })))

/** The worker (configuration.md §4.3, §4.8). */
export interface WorkerSettings extends CommonSettings {
  readonly hostDomain: string
  readonly transactionIndifferenceLimit: number
  readonly jobTimeoutSeconds: number
  readonly workerConcurrency: number
  /** No `groenland_job` push to the gateway (jobs.md §11; also off with `debug`). */
  readonly disableMetrics: boolean
  /** The Prometheus push gateway, `host:port` or a URL. */
  readonly metricsPushgateway: string
  readonly eskat: EskatSettings
  /** `TENQ_PROJECT_ID`. */
  readonly tenqProjectId: string
  readonly tenq: TenQSettings
  readonly dafo: DafoSettings
  readonly eboks: EboksSettings
}

/** e-Boks (configuration.md §4.4): mock, or the agency's proxy with mutual TLS. */
export interface EboksSettings {
  /** No network; every recipient is a valid e-Boks user (integrations.md §1.6). */
  readonly mock: boolean
  readonly host: Option.Option<string>
  readonly clientId: Option.Option<string>
  readonly systemId: Option.Option<string>
  readonly contentTypeId: Option.Option<string>
  /** Path of the client certificate (PEM). */
  readonly clientCertificates: Option.Option<string>
  /** Path of the client's private key (PEM). */
  readonly clientPrivateKey: Option.Option<string>
  /** Path of the CA file the proxy's certificate is verified against. */
  readonly verify: Option.Option<string>
}

export const eboks = (env: Environment): Config.Config<EboksSettings> =>
  Config.all({
    mock: optional(Config.boolean("EBOKS_MOCK"), env === "development"),
    EBOKS_HOST: maybe(absoluteUrl("EBOKS_HOST")),
    EBOKS_CLIENT_ID: maybe(Config.nonEmptyString("EBOKS_CLIENT_ID")),
    EBOKS_SYSTEM_ID: maybe(Config.nonEmptyString("EBOKS_SYSTEM_ID")),
    EBOKS_CONTENT_TYPE_ID: maybe(Config.nonEmptyString("EBOKS_CONTENT_TYPE_ID")),
    EBOKS_CLIENT_CERTIFICATES: maybe(pemFile("EBOKS_CLIENT_CERTIFICATES")),
    EBOKS_CLIENT_PRIVATE_KEY: maybe(pemFile("EBOKS_CLIENT_PRIVATE_KEY")),
    EBOKS_VERIFY: maybe(pemFile("EBOKS_VERIFY"))
  }).pipe(
    Config.mapOrFail((c) =>
      missingWhen(!c.mock, {
        EBOKS_HOST: c.EBOKS_HOST,
        EBOKS_CLIENT_ID: c.EBOKS_CLIENT_ID,
        EBOKS_SYSTEM_ID: c.EBOKS_SYSTEM_ID,
        EBOKS_CONTENT_TYPE_ID: c.EBOKS_CONTENT_TYPE_ID,
        EBOKS_CLIENT_CERTIFICATES: c.EBOKS_CLIENT_CERTIFICATES,
        EBOKS_CLIENT_PRIVATE_KEY: c.EBOKS_CLIENT_PRIVATE_KEY,
        EBOKS_VERIFY: c.EBOKS_VERIFY
      }).pipe(
        Either.map(() => ({
          mock: c.mock,
          host: c.EBOKS_HOST,
          clientId: c.EBOKS_CLIENT_ID,
          systemId: c.EBOKS_SYSTEM_ID,
          contentTypeId: c.EBOKS_CONTENT_TYPE_ID,
          clientCertificates: c.EBOKS_CLIENT_CERTIFICATES,
          clientPrivateKey: c.EBOKS_CLIENT_PRIVATE_KEY,
          verify: c.EBOKS_VERIFY
        }))
      )
    )
  )

/**
 * Datafordeler (configuration.md §4.6, §4.7): whether the census import asks it at all
 * (`FEATURE_FLAG_ENABLE_DAFO_OVERRIDE_OF_ADDRESS`, default on), the mock (`PITU_MOCK`, default on only in
 * development), and the client settings (required unless mock or the flag is off). The certificate, key and CA are
 * file paths.
 */
export interface DafoSettings {
  readonly enabled: boolean
  readonly mock: boolean
  readonly url: Option.Option<string>
  readonly uxpClient: Option.Option<string>
  readonly uxpServiceCpr: Option.Option<string>
  readonly certificate: Option.Option<string>
  readonly key: Option.Option<string>
  readonly rootCa: Option.Option<string>
}

export const dafo = (env: Environment): Config.Config<DafoSettings> =>
  Config.all({
    enabled: flag("enable_dafo_override_of_address"),
    mock: optional(Config.boolean("PITU_MOCK"), env === "development"),
    PITU_URL: maybe(absoluteUrl("PITU_URL")),
    PITU_UXP_CLIENT: maybe(Config.nonEmptyString("PITU_UXP_CLIENT")),
    PITU_UXP_SERVICE_CPR: maybe(Config.nonEmptyString("PITU_UXP_SERVICE_CPR")),
    PITU_CERTIFICATE: maybe(Config.nonEmptyString("PITU_CERTIFICATE")),
    PITU_KEY: maybe(Config.nonEmptyString("PITU_KEY")),
    PITU_ROOT_CA: maybe(Config.nonEmptyString("PITU_ROOT_CA"))
  }).pipe(
    Config.mapOrFail((c) =>
      missingWhen(c.enabled && !c.mock, {
        PITU_URL: c.PITU_URL,
        PITU_UXP_CLIENT: c.PITU_UXP_CLIENT,
        PITU_UXP_SERVICE_CPR: c.PITU_UXP_SERVICE_CPR,
        PITU_CERTIFICATE: c.PITU_CERTIFICATE,
        PITU_KEY: c.PITU_KEY,
        PITU_ROOT_CA: c.PITU_ROOT_CA
      }).pipe(
        Either.map(() => ({
          enabled: c.enabled,
          mock: c.mock,
          url: c.PITU_URL,
          uxpClient: c.PITU_UXP_CLIENT,
          uxpServiceCpr: c.PITU_UXP_SERVICE_CPR,
          certificate: c.PITU_CERTIFICATE,
          key: c.PITU_KEY,
          rootCa: c.PITU_ROOT_CA
        }))
      )
    )
  )

/** A pinned SFTP host key (`TENQ_KNOWN_HOSTS`): the key is the base64 public key blob, as in `known_hosts`. */
export interface KnownHost {
  readonly hostname: string
  readonly keytype: string
  readonly key: string
}

/**
 * Prisme's SFTP server (configuration.md §4.5). Empty in development (only the mocking destination works then).
 * Either `TENQ_PASSWORD` or `TENQ_PRIVATE_KEY` (decision: an OpenSSH or PEM private key, for key authentication)
 * must be set outside development.
 */
export interface TenQSettings {
  readonly host: Option.Option<string>
  readonly port: number
  readonly user: Option.Option<string>
  readonly password: Option.Option<Redacted.Redacted<string>>
  readonly privateKey: Option.Option<Redacted.Redacted<string>>
  readonly prodPath: Option.Option<string>
  readonly testPath: Option.Option<string>
  readonly knownHosts: ReadonlyArray<KnownHost>
}

const tenqProjectId = (env: Environment) => required(env, Config.nonEmptyString("TENQ_PROJECT_ID"), "KAS")

const knownHosts = (name: string): Config.Config<ReadonlyArray<KnownHost>> =>
  Config.string(name).pipe(
    Config.mapOrFail((raw) => {
      const parsed = Either.try(() => JSON.parse(raw) as unknown)
      const ok = (x: unknown): x is KnownHost =>
        typeof x === "object" &&
        x !== null &&
        ["hostname", "keytype", "key"].every((k) => typeof (x as Record<string, unknown>)[k] === "string")
      if (Either.isRight(parsed) && Array.isArray(parsed.right) && parsed.right.every(ok)) {
        return Either.right(parsed.right as ReadonlyArray<KnownHost>)
      }
      return Either.left(ConfigError.InvalidData([name], "must be a JSON array of {hostname, keytype, key} objects"))
    })
  )

export const tenq = (env: Environment): Config.Config<TenQSettings> =>
  Config.all({
    TENQ_HOST: maybe(Config.nonEmptyString("TENQ_HOST")),
    port: optional(Config.port("TENQ_PORT"), 22),
    TENQ_USER: maybe(Config.nonEmptyString("TENQ_USER")),
    TENQ_PASSWORD: maybe(Config.redacted("TENQ_PASSWORD")),
    TENQ_PRIVATE_KEY: maybe(Config.redacted("TENQ_PRIVATE_KEY")),
    TENQ_PROD_PATH: maybe(Config.nonEmptyString("TENQ_PROD_PATH")),
    TENQ_TEST_PATH: maybe(Config.nonEmptyString("TENQ_TEST_PATH")),
    knownHosts: optional(knownHosts("TENQ_KNOWN_HOSTS"), [])
  }).pipe(
    Config.mapOrFail((c) =>
      missingWhen(env !== "development", {
        TENQ_HOST: c.TENQ_HOST,
        TENQ_USER: c.TENQ_USER,
        TENQ_PASSWORD: Option.orElse(c.TENQ_PASSWORD, () => c.TENQ_PRIVATE_KEY),
        TENQ_PROD_PATH: c.TENQ_PROD_PATH,
        TENQ_TEST_PATH: c.TENQ_TEST_PATH
      }).pipe(
        Either.map(() => ({
          host: c.TENQ_HOST,
          port: c.port,
          user: c.TENQ_USER,
          password: c.TENQ_PASSWORD,
          privateKey: c.TENQ_PRIVATE_KEY,
          prodPath: c.TENQ_PROD_PATH,
          testPath: c.TENQ_TEST_PATH,
          knownHosts: c.knownHosts
        }))
      )
    )
  )

/** eSkat source and Oracle connection (configuration.md §4.3, eskat.md §3). */
export interface EskatSettings {
  readonly source: "mock" | "live"
  readonly host: Option.Option<string>
  readonly port: number
  readonly database: Option.Option<string>
  readonly user: Option.Option<string>
  readonly password: Option.Option<Redacted.Redacted<string>>
}

export const eskat = (env: Environment): Config.Config<EskatSettings> =>
  Config.all({
    source: optional(Config.literal("mock", "live")("ESKAT_SOURCE"), env === "development" ? "mock" : "live"),
    ESKAT_HOST: maybe(Config.nonEmptyString("ESKAT_HOST")),
    port: optional(Config.port("ESKAT_PORT"), 1521),
    ESKAT_DB: maybe(Config.nonEmptyString("ESKAT_DB")),
    ESKAT_USER: maybe(Config.nonEmptyString("ESKAT_USER")),
    ESKAT_PASSWORD: maybe(Config.redacted("ESKAT_PASSWORD"))
  }).pipe(
    Config.mapOrFail((c) =>
      missingWhen(c.source === "live", {
        ESKAT_HOST: c.ESKAT_HOST,
        ESKAT_DB: c.ESKAT_DB,
        ESKAT_USER: c.ESKAT_USER,
        ESKAT_PASSWORD: c.ESKAT_PASSWORD
      }).pipe(
        Either.map(() => ({
          source: c.source,
          host: c.ESKAT_HOST,
          port: c.port,
          database: c.ESKAT_DB,
          user: c.ESKAT_USER,
          password: c.ESKAT_PASSWORD
        }))
      )
    )
  )

export const worker = (env: Environment): Config.Config<WorkerSettings> =>
  Config.all({
    common: common(env),
    hostDomain: optional(absoluteUrl("HOST_DOMAIN"), "https://nokasprod01.dmz70.local"),
    transactionIndifferenceLimit: optional(intAtLeast("TRANSACTION_INDIFFERENCE_LIMIT", 0), 100),
    jobTimeoutSeconds: optional(intAtLeast("JOB_TIMEOUT_SECONDS", 1), 10800),
    workerConcurrency: optional(intAtLeast("WORKER_CONCURRENCY", 1), 1),
    disableMetrics: optional(Config.boolean("DISABLE_METRICS"), false),
    metricsPushgateway: optional(Config.nonEmptyString("METRICS_PUSHGATEWAY"), "pushgateway:9091"),
    eskat: eskat(env),
    tenqProjectId: tenqProjectId(env),
    tenq: tenq(env),
    dafo: dafo(env),
    eboks: eboks(env)
  }).pipe(Config.map(({ common, ...rest }) => ({ ...common, ...rest })))

/** The scheduler (configuration.md §4). */
export interface SchedulerSettings extends CommonSettings {
  readonly representationTokenMaxAge: number
}

export const scheduler = (env: Environment): Config.Config<SchedulerSettings> =>
  Config.all({
    common: common(env),
    representationTokenMaxAge: optional(intAtLeast("SELVBETJENING_REPRESENTATION_TOKEN_MAX_AGE", 1), 60)
  }).pipe(Config.map(({ common, ...rest }) => ({ ...common, ...rest })))
