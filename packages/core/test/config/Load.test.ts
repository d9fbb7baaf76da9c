import { describe, expect, it } from "@effect/vitest"
import { Effect, Either, Option, Redacted } from "effect"
import { KasConfig } from "../../src/index.js"

const read = <A>(make: Parameters<typeof KasConfig.load<A>>[1], env: Record<string, string>) =>
  Effect.runSync(Effect.either(KasConfig.load("test", make, KasConfig.ConfigReport.providerFromEnv(env))))

describe("configuration", () => {
  it("development needs nothing but ENVIRONMENT", () => {
    const result = read(KasConfig.BackOfficeConfig.kasWeb, { ENVIRONMENT: "development" })
    const settings = Either.getOrThrow(result)
    expect(settings.port).toBe(8000)
    expect(settings.timezone).toBe("America/Nuuk")
    expect(Option.isNone(settings.databaseUrl)).toBe(true)
    expect(settings.allowedHosts).toEqual(["localhost", "127.0.0.1"])
  })

  it("the feature flags of configuration.md §4.7: defaults, set values, and a value that is not a boolean", () => {
    const defaults = Either.getOrThrow(read(KasConfig.BackOfficeConfig.kasWeb, { ENVIRONMENT: "development" }))
    expect(defaults.featureFlags).toEqual({
      enable_feature_flag_list: false,
      test_feature_flag: false,
      enable_dafo_override_of_address: true
    })
    const set = read(KasConfig.BackOfficeConfig.kasWeb, {
      ENVIRONMENT: "development",
      FEATURE_FLAG_ENABLE_FEATURE_FLAG_LIST: "true",
      FEATURE_FLAG_TEST_FEATURE_FLAG: "1",
      FEATURE_FLAG_ENABLE_DAFO_OVERRIDE_OF_ADDRESS: "false"
    })
    expect(Either.getOrThrow(set).featureFlags).toEqual({
      enable_feature_flag_list: true,
      test_feature_flag: true,
      enable_dafo_override_of_address: false
    })
    const bad = read(KasConfig.BackOfficeConfig.kasWeb, {
      ENVIRONMENT: "development",
      FEATURE_FLAG_TEST_FEATURE_FLAG: "maybe"
    })
    expect(Either.isLeft(bad) ? bad.left.report : "").toContain("FEATURE_FLAG_TEST_FEATURE_FLAG")
  })

  it("production with nothing set reports every missing variable at once", () => {
    const result = read(KasConfig.BackOfficeConfig.kasWeb, { ENVIRONMENT: "production" })
    expect(Either.isLeft(result)).toBe(true)
    const report = Either.isLeft(result) ? result.left.report : ""
    for (const name of [
      "COMMIT_TAG",
      "SECRET_KEY",
      "TIMEZONE",
      "DATABASE_URL",
      "REST_TOKEN",
      "SELVBETJENING_REPRESENTATION_START"
    ]) {
      expect(report).toContain(`${name}: is required`)
    }
  })

  it("no ENVIRONMENT is refused, with the rest of what production would need", () => {
    const result = read(KasConfig.BackOfficeConfig.kasWeb, {})
    const report = Either.isLeft(result) ? result.left.report : ""
    expect(report).toContain("ENVIRONMENT: is required")
    expect(report).toContain("SECRET_KEY: is required")
  })

  it("malformed values name the variable and the reason, never a secret", () => {
    const result = read(KasConfig.BackOfficeConfig.kasWeb, {
      ENVIRONMENT: "development",
      PORT: "abc",
      ALLOWED_HOSTS: "not json",
      TIMEZONE: "Mars/Olympus",
      DATABASE_URL: "mysql://secretpassword@x/y"
    })
    const report = Either.isLeft(result) ? result.left.report : ""
    expect(report).toMatch(/PORT: /)
    expect(report).toContain("ALLOWED_HOSTS: must be a JSON array of strings")
    expect(report).toContain("TIMEZONE: must be an IANA time zone")
    expect(report).toContain("DATABASE_URL: must be a URL")
    expect(report).not.toContain("secretpassword")
  })

  it("ENVIRONMENT=prod is refused", () => {
    const result = read(KasConfig.BackOfficeConfig.kasWeb, { ENVIRONMENT: "prod" })
    const report = Either.isLeft(result) ? result.left.report : ""
    expect(report).toMatch(/ENVIRONMENT: .*development.*staging.*production/s)
  })

  it("empty optional values use the default", () => {
    const settings = Either.getOrThrow(
      read(KasConfig.BackOfficeConfig.kasWeb, { ENVIRONMENT: "development", PORT: "" })
    )
    expect(settings.port).toBe(8000)
  })

  it("live eSkat requires its connection settings", () => {
    const result = read(KasConfig.BackOfficeConfig.worker, { ENVIRONMENT: "development", ESKAT_SOURCE: "live" })
    const report = Either.isLeft(result) ? result.left.report : ""
    for (const n of ["ESKAT_HOST", "ESKAT_DB", "ESKAT_USER", "ESKAT_PASSWORD"])
      expect(report).toContain(`${n}: is required`)
  })

  it("e-Boks: mock in development; otherwise every setting of configuration.md §4.4, PEM paths that exist", () => {
    const dev = Either.getOrThrow(read(KasConfig.BackOfficeConfig.worker, { ENVIRONMENT: "development" }))
    expect(dev.eboks.mock).toBe(true)
    const bad = read(KasConfig.BackOfficeConfig.worker, {
      ENVIRONMENT: "development",
      EBOKS_MOCK: "false",
      EBOKS_HOST: "not a url",
      EBOKS_CLIENT_CERTIFICATES: "/no/such/file.pem"
    })
    const badReport = Either.isLeft(bad) ? bad.left.report : ""
    expect(badReport).toContain("EBOKS_HOST: must be an absolute http(s) URL")
    expect(badReport).toContain("EBOKS_CLIENT_CERTIFICATES: must be the path of a readable PEM file")
    const missing = read(KasConfig.BackOfficeConfig.worker, { ENVIRONMENT: "staging", EBOKS_MOCK: "" })
    const report = Either.isLeft(missing) ? missing.left.report : ""
    for (const n of [
      "EBOKS_HOST",
      "EBOKS_CLIENT_ID",
      "EBOKS_SYSTEM_ID",
      "EBOKS_CONTENT_TYPE_ID",
      "EBOKS_CLIENT_CERTIFICATES",
      "EBOKS_CLIENT_PRIVATE_KEY",
      "EBOKS_VERIFY"
    ])
      expect(report).toContain(`${n}: is required`)
    const file = new URL(import.meta.url).pathname
    const ok = Either.getOrThrow(
      read(KasConfig.BackOfficeConfig.worker, {
        ENVIRONMENT: "development",
        EBOKS_MOCK: "false",
        EBOKS_HOST: "https://eboks.example",
        EBOKS_CLIENT_ID: "99",
        EBOKS_SYSTEM_ID: "42",
        EBOKS_CONTENT_TYPE_ID: "1",
        EBOKS_CLIENT_CERTIFICATES: file,
        EBOKS_CLIENT_PRIVATE_KEY: file,
        EBOKS_VERIFY: file
      })
    )
    expect([ok.eboks.mock, Option.getOrNull(ok.eboks.host), Option.getOrNull(ok.eboks.verify)]).toEqual([
      false,
      "https://eboks.example",
      file
    ])
  })

  it("secrets are redacted", () => {
    const s = Either.getOrThrow(
      read(KasConfig.BackOfficeConfig.kasWeb, { ENVIRONMENT: "development", SECRET_KEY: "topsecret" })
    )
    expect(String(s.secretKey)).not.toContain("topsecret")
    expect(JSON.stringify(s)).not.toContain("topsecret")
    expect(Redacted.value(s.secretKey)).toBe("topsecret")
  })

  it("selvbetjening: close date must be a real date, development-only settings refused in production", () => {
    const bad = read(KasConfig.SelvbetjeningConfig.selvbetjening, {
      ENVIRONMENT: "development",
      CLOSE_AT_MONTH: "2",
      CLOSE_AT_DATE: "30"
    })
    expect(Either.isLeft(bad) ? bad.left.report : "").toContain("CLOSE_AT_MONTH")
    const prod = read(KasConfig.SelvbetjeningConfig.selvbetjening, {
      ENVIRONMENT: "production",
      LOGIN_BYPASS_ENABLED: "true",
      DEFAULT_CPR: "1111111111"
    })
    const report = Either.isLeft(prod) ? prod.left.report : ""
    expect(report).toContain("LOGIN_BYPASS_ENABLED: is not allowed in production")
    expect(report).toContain("DEFAULT_CPR: is not allowed in production")
    expect(report).toContain("LOGIN_PROVIDER")
  })
})
