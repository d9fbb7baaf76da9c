import { accessSync, constants } from "node:fs"
import { Config, ConfigError, Either, Option, Redacted } from "effect"
import type { Environment } from "./Environment.js"

/**
 * Building blocks for reading settings the way configuration.md §2 says: required variables fall back to a
 * development default only in development; optional ones fall back everywhere; values are validated.
 */

/** A required variable: in development it falls back to `devDefault`, elsewhere it must be set. */
export const required = <A>(env: Environment, config: Config.Config<A>, devDefault: A): Config.Config<A> =>
  env === "development" ? Config.withDefault(config, devDefault) : config

/** An optional variable with the same default everywhere. */
export const optional = <A>(config: Config.Config<A>, fallback: A): Config.Config<A> =>
  Config.withDefault(config, fallback)

/** A non-negative whole number of seconds. */
export const seconds = (name: string): Config.Config<number> =>
  Config.integer(name).pipe(
    Config.validate({ message: "must be zero or a positive whole number", validation: (n) => n >= 0 })
  )

/** A whole number that must be at least `min`. */
export const intAtLeast = (name: string, min: number): Config.Config<number> =>
  Config.integer(name).pipe(
    Config.validate({ message: `must be a whole number ≥ ${min}`, validation: (n) => n >= min })
  )

/** A JSON array of strings. */
export const stringList = (name: string): Config.Config<ReadonlyArray<string>> =>
  Config.string(name).pipe(
    Config.mapOrFail((raw) => {
      const parsed = Either.try(() => JSON.parse(raw) as unknown)
      if (Either.isRight(parsed) && Array.isArray(parsed.right) && parsed.right.every((x) => typeof x === "string")) {
        return Either.right(parsed.right as ReadonlyArray<string>)
      }
      return Either.left(invalid(name, "must be a JSON array of strings"))
    })
  )

/** An absolute http(s) URL kept as text. */
export const absoluteUrl = (name: string): Config.Config<string> =>
  Config.string(name).pipe(
    Config.mapOrFail((raw) => {
      try {
        const url = new URL(raw)
        if (url.protocol === "http:" || url.protocol === "https:") return Either.right(raw)
      } catch {
        // fall through
      }
      return Either.left(invalid(name, "must be an absolute http(s) URL"))
    })
  )

/** A PostgreSQL URL, kept secret because it may hold a password. */
export const postgresUrl = (name: string): Config.Config<Redacted.Redacted<string>> =>
  Config.string(name).pipe(
    Config.mapOrFail((raw) => {
      try {
        const url = new URL(raw)
        if ((url.protocol === "postgres:" || url.protocol === "postgresql:") && url.hostname !== "") {
          return Either.right(Redacted.make(raw))
        }
      } catch {
        // fall through
      }
      return Either.left(invalid(name, "must be a URL like postgres://user:password@host:port/db"))
    })
  )

/** An IANA time zone name. */
export const timeZone = (name: string): Config.Config<string> =>
  Config.string(name).pipe(
    Config.mapOrFail((raw) => {
      try {
        new Intl.DateTimeFormat("en", { timeZone: raw })
        return Either.right(raw)
      } catch {
        return Either.left(invalid(name, "must be an IANA time zone such as America/Nuuk"))
      }
    })
  )

/** A path to a PEM file that exists and is readable (configuration.md §2: certificates and keys). */
export const pemFile = (name: string): Config.Config<string> =>
  Config.nonEmptyString(name).pipe(
    Config.mapOrFail((path) => {
      try {
        accessSync(path, constants.R_OK)
        return Either.right(path)
      } catch {
        return Either.left(invalid(name, "must be the path of a readable PEM file"))
      }
    })
  )

/** A variable that may be absent (no default). */
export const maybe = <A>(config: Config.Config<A>): Config.Config<Option.Option<A>> => Config.option(config)

/** A setting that must not be set outside development (login bypass, development users …). */
export const developmentOnly = <A>(
  env: Environment,
  name: string,
  config: Config.Config<A>,
  fallback: A,
  isOff: (a: A) => boolean
): Config.Config<A> =>
  Config.withDefault(config, fallback).pipe(
    Config.mapOrFail((value) =>
      env === "development" || isOff(value)
        ? Either.right(value)
        : Either.left(invalid(name, `is not allowed in ${env}`))
    )
  )

const invalid = (name: string, message: string): ConfigError.ConfigError => ConfigError.InvalidData([name], message)

/**
 * The problems for variables that are required only under a condition: every missing name in `values`
 * (keyed by variable name) is reported, not just the first. Use inside `Config.mapOrFail`.
 */
export const missingWhen = (
  when: boolean,
  values: Record<string, Option.Option<unknown>>
): Either.Either<void, ConfigError.ConfigError> => {
  if (!when) return Either.void
  const missing = Object.keys(values).filter((n) => Option.isNone(values[n]!))
  if (missing.length === 0) return Either.void
  return Either.left(
    missing.map((n) => ConfigError.MissingData([n], "is required")).reduce((a, b) => ConfigError.And(a, b))
  )
}
