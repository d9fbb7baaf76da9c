import { Config, ConfigError, Either, Option, Redacted } from "effect"
import * as SelfServicePeriod from "../domain/SelfServicePeriod.js"
import { DEV_REST_TOKEN } from "./BackOfficeConfig.js"
import type { Environment } from "./Environment.js"
import {
  absoluteUrl,
  developmentOnly,
  intAtLeast,
  maybe,
  missingWhen,
  optional,
  postgresUrl,
  required,
  stringList,
  timeZone
} from "./Settings.js"

/** SAML settings, required when `LOGIN_PROVIDER=saml` (selvbetjening.md §3.2). */
export interface SamlSettings {
  readonly spEntityId: string
  readonly idpEntityId: string
  readonly idpMetadata: string
  readonly spLoginCallbackUri: string
  readonly spLogoutCallbackUri: string
  readonly spKey: string
  readonly spCertificate: string
  readonly contactTechnicalName: string
  readonly contactTechnicalEmail: string
  readonly contactSupportName: string
  readonly contactSupportEmail: string
  readonly spName: string
  readonly spDescription: string
  readonly idpMetadataFile: string
  readonly pullIdpMetadata: boolean
}

/** The citizen portal's settings (configuration.md §5). */
export interface SelvbetjeningSettings {
  readonly environment: Environment
  readonly commitTag: string
  readonly secretKey: Redacted.Redacted<string>
  readonly debug: boolean
  readonly timezone: string
  readonly port: number
  readonly hostDomain: string
  readonly allowedHosts: ReadonlyArray<string>
  readonly csrfTrustedOrigins: ReadonlyArray<string>
  readonly restHost: string
  readonly restToken: Redacted.Redacted<string>
  readonly restRequestTimeoutSeconds: number
  readonly restCaCert: Option.Option<string>
  readonly kasRepresentationStop: string
  readonly closeAtMonth: number
  readonly closeAtDate: number
  /** Unset in development: the database `selvbetjening` on the same embedded PostgreSQL. */
  readonly databaseUrl: Option.Option<Redacted.Redacted<string>>
  readonly databaseWaitSeconds: number
  readonly languageCookieDomain: string
  readonly sessionExpireSeconds: number
  readonly loginProvider: Option.Option<"saml">
  readonly defaultCpr: string
  readonly loginBypassEnabled: boolean
  readonly mitidTestEnabled: boolean
  readonly saml: Option.Option<SamlSettings>
  readonly migrate: boolean
}

const DEV_SECRET_KEY = "development-selvbetjening-secret-key-not-for-production"

const closeDate = (env: Environment) =>
  Config.all({
    month: required(env, intAtLeast("CLOSE_AT_MONTH", 0), 0),
    date: required(env, intAtLeast("CLOSE_AT_DATE", 0), 0)
  }).pipe(
    Config.mapOrFail(({ month, date }) =>
      SelfServicePeriod.isValidCloseDate({ closeAtMonth: month, closeAtDate: date })
        ? Either.right({ month, date })
        : Either.left(
            ConfigError.InvalidData(
              ["CLOSE_AT_MONTH"],
              "CLOSE_AT_MONTH and CLOSE_AT_DATE must form a real date (or one of them be 0)"
            )
          )
    )
  )

/** A variable that must be unset outside development. */
const forbiddenOutsideDevelopment = <A>(
  env: Environment,
  name: string,
  config: Config.Config<A>,
  devDefault: A,
  off: A
) =>
  env === "development"
    ? Config.withDefault(config, devDefault)
    : maybe(config).pipe(
        Config.mapOrFail((v) =>
          Option.isNone(v)
            ? Either.right(off)
            : Either.left(ConfigError.InvalidData([name], `is not allowed in ${env}`))
        )
      )

const SAML_REQUIRED = [
  "SAML_SP_ENTITY_ID",
  "SAML_IDP_ENTITY_ID",
  "SAML_IDP_METADATA",
  "SAML_SP_LOGIN_CALLBACK_URI",
  "SAML_SP_LOGOUT_CALLBACK_URI",
  "SAML_SP_KEY",
  "SAML_SP_CERTIFICATE",
  "SAML_CONTACT_TECHNICAL_NAME",
  "SAML_CONTACT_TECHNICAL_EMAIL",
  "SAML_CONTACT_SUPPORT_NAME",
  "SAML_CONTACT_SUPPORT_EMAIL"
] as const
const SAML_URLS = new Set(["SAML_IDP_METADATA", "SAML_SP_LOGIN_CALLBACK_URI", "SAML_SP_LOGOUT_CALLBACK_URI"])

const saml = Config.all({
  required: Config.all(
    Object.fromEntries(
      SAML_REQUIRED.map((n) => [n, maybe(SAML_URLS.has(n) ? absoluteUrl(n) : Config.nonEmptyString(n))])
    ) as Record<(typeof SAML_REQUIRED)[number], Config.Config<Option.Option<string>>>
  ),
  spName: optional(Config.string("SAML_SP_NAME"), "KAS"),
  spDescription: optional(Config.string("SAML_SP_DESCRIPTION"), "Kapitalafkastskat"),
  idpMetadataFile: optional(Config.string("SAML_IDP_METADATA_FILE"), "/var/cache/idp/idp_metadata.xml"),
  pullIdpMetadata: optional(Config.boolean("PULL_IDP_METADATA"), false)
})

export const selvbetjening = (env: Environment): Config.Config<SelvbetjeningSettings> => {
  const loginProvider =
    env === "development"
      ? maybe(Config.literal("saml")("LOGIN_PROVIDER"))
      : Config.literal("saml")("LOGIN_PROVIDER").pipe(Config.map(Option.some))
  return Config.all({
    environment: Config.succeed(env),
    commitTag: required(env, Config.nonEmptyString("COMMIT_TAG"), "dev"),
    secretKey: required(env, Config.redacted("SECRET_KEY"), Redacted.make(DEV_SECRET_KEY)),
    debug: developmentOnly(env, "DEBUG", Config.boolean("DEBUG"), false, (d) => !d || env !== "production"),
    timezone: required(env, timeZone("TIMEZONE"), "America/Nuuk"),
    port: optional(Config.port("PORT"), 8080),
    hostDomain: optional(absoluteUrl("HOST_DOMAIN"), "https://kas.aka.nanoq.gl"),
    allowedHosts: optional(stringList("ALLOWED_HOSTS"), env === "development" ? ["localhost", "127.0.0.1"] : []),
    csrfTrustedOrigins: optional(stringList("CSRF_TRUSTED_ORIGINS"), []),
    restHost: required(env, absoluteUrl("REST_HOST"), "http://localhost:8000"),
    restToken: required(env, Config.redacted("REST_TOKEN"), Redacted.make(DEV_REST_TOKEN)),
    restRequestTimeoutSeconds: optional(intAtLeast("REST_REQUEST_TIMEOUT", 1), 5),
    restCaCert: maybe(Config.nonEmptyString("REST_CA_CERT")),
    kasRepresentationStop: required(
      env,
      absoluteUrl("KAS_REPRESENTATION_STOP"),
      "http://localhost:8000/represent-stop/"
    ),
    close: closeDate(env),
    databaseUrl:
      env === "development"
        ? maybe(postgresUrl("SELVBETJENING_DATABASE_URL"))
        : postgresUrl("SELVBETJENING_DATABASE_URL").pipe(Config.map(Option.some)),
    databaseWaitSeconds: optional(intAtLeast("DATABASE_WAIT_SECONDS", 1), 30),
    languageCookieDomain: required(env, Config.nonEmptyString("LANGUAGE_COOKIE_DOMAIN"), "localhost"),
    sessionExpireSeconds: optional(intAtLeast("SESSION_EXPIRE_SECONDS", 60), 900),
    loginProvider,
    defaultCpr: forbiddenOutsideDevelopment(env, "DEFAULT_CPR", Config.string("DEFAULT_CPR"), "1802602810", ""),
    loginBypassEnabled: developmentOnly(
      env,
      "LOGIN_BYPASS_ENABLED",
      Config.boolean("LOGIN_BYPASS_ENABLED"),
      false,
      (b) => !b
    ),
    mitidTestEnabled: Config.withDefault(Config.boolean("MITID_TEST_ENABLED"), false).pipe(
      Config.mapOrFail((on) =>
        on && env === "production"
          ? Either.left(ConfigError.InvalidData(["MITID_TEST_ENABLED"], "is not allowed in production"))
          : Either.right(on)
      )
    ),
    migrate: developmentOnly(env, "MIGRATE", Config.boolean("MIGRATE"), env === "development", () => true),
    saml
  }).pipe(
    Config.mapOrFail(({ close, saml, ...rest }) => {
      const on = Option.isSome(rest.loginProvider)
      return missingWhen(on, saml.required).pipe(
        Either.map(() => {
          const r = Option.getOrElse(Option.all(saml.required), () => null)
          const settings: Option.Option<SamlSettings> =
            on && r
              ? Option.some({
                  spEntityId: r.SAML_SP_ENTITY_ID,
                  idpEntityId: r.SAML_IDP_ENTITY_ID,
                  idpMetadata: r.SAML_IDP_METADATA,
                  spLoginCallbackUri: r.SAML_SP_LOGIN_CALLBACK_URI,
                  spLogoutCallbackUri: r.SAML_SP_LOGOUT_CALLBACK_URI,
                  spKey: r.SAML_SP_KEY,
                  spCertificate: r.SAML_SP_CERTIFICATE,
                  contactTechnicalName: r.SAML_CONTACT_TECHNICAL_NAME,
                  contactTechnicalEmail: r.SAML_CONTACT_TECHNICAL_EMAIL,
                  contactSupportName: r.SAML_CONTACT_SUPPORT_NAME,
                  contactSupportEmail: r.SAML_CONTACT_SUPPORT_EMAIL,
                  spName: saml.spName,
                  spDescription: saml.spDescription,
                  idpMetadataFile: saml.idpMetadataFile,
                  pullIdpMetadata: saml.pullIdpMetadata
                })
              : Option.none()
          return { ...rest, closeAtMonth: close.month, closeAtDate: close.date, saml: settings }
        })
      )
    })
  )
}
