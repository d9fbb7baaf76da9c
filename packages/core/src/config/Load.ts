import { type Config, type ConfigProvider, Effect, Either } from "effect"
import { environment, type Environment } from "./Environment.js"
import { formatProblems, problems, providerFromEnv } from "./ConfigReport.js"

/** A configuration that could not be read; `report` lists every problem, one line per variable. */
export class InvalidConfiguration extends Error {
  readonly _tag = "InvalidConfiguration"
  constructor(readonly report: string) {
    super(report)
  }
}

/**
 * Reads `ENVIRONMENT`, then the process's whole configuration, and returns it — or fails with every problem at
 * once. Used by every process before it listens or connects.
 */
export const load = <A>(
  processName: string,
  make: (env: Environment) => Config.Config<A>,
  provider: ConfigProvider.ConfigProvider = providerFromEnv()
): Effect.Effect<A, InvalidConfiguration> =>
  Effect.gen(function* () {
    const env = yield* Effect.either(Effect.withConfigProvider(environment, provider))
    if (Either.isLeft(env)) {
      // Without a valid ENVIRONMENT we still report what production would miss, so one run shows everything.
      const rest = yield* Effect.either(Effect.withConfigProvider(make("production"), provider))
      const list = [...problems(env.left), ...(Either.isLeft(rest) ? problems(rest.left) : [])]
      return yield* Effect.fail(new InvalidConfiguration(formatProblems(processName, dedupe(list))))
    }
    const settings = yield* Effect.either(Effect.withConfigProvider(make(env.right), provider))
    if (Either.isLeft(settings)) {
      return yield* Effect.fail(new InvalidConfiguration(formatProblems(processName, problems(settings.left))))
    }
    return settings.right
  })

/** Reads the configuration synchronously, printing the report and exiting with status 78 when it is invalid. */
export const loadOrExit = <A>(processName: string, make: (env: Environment) => Config.Config<A>): A => {
  const result = Effect.runSync(Effect.either(load(processName, make)))
  if (Either.isLeft(result)) {
    process.stderr.write(result.left.report + "\n")
    process.exit(78)
  }
  return result.right
}

const dedupe = <T extends { variable: string }>(list: ReadonlyArray<T>): ReadonlyArray<T> => {
  const seen = new Set<string>()
  return list.filter((p) => {
    if (seen.has(p.variable)) return false
    seen.add(p.variable)
    return true
  })
}
