import { type ConfigError, ConfigProvider } from "effect"

/** One problem with one variable, as printed at start-up. */
export interface ConfigProblem {
  readonly variable: string
  readonly reason: string
}

/** Flattens an Effect ConfigError (which nests And/Or) into one problem per variable. */
export const problems = (error: ConfigError.ConfigError): ReadonlyArray<ConfigProblem> => {
  const out = new Map<string, string>()
  const walk = (e: ConfigError.ConfigError): void => {
    switch (e._op) {
      case "And":
      case "Or":
        walk(e.left)
        walk(e.right)
        return
      case "MissingData":
        add(e.path, "is required but not set")
        return
      case "InvalidData":
        add(e.path, cleanMessage(e.message))
        return
      case "SourceUnavailable":
        add(e.path, cleanMessage(e.message))
        return
      case "Unsupported":
        add(e.path, cleanMessage(e.message))
        return
    }
  }
  const add = (path: ReadonlyArray<string>, reason: string) => {
    const variable = path.join("_") || "(configuration)"
    if (!out.has(variable)) out.set(variable, reason)
  }
  walk(error)
  return [...out.entries()].map(([variable, reason]) => ({ variable, reason }))
}

/** The start-up report: one line per variable, name and reason (never a value). */
export const formatProblems = (processName: string, list: ReadonlyArray<ConfigProblem>): string =>
  [`${processName}: invalid configuration (${list.length} problem${list.length === 1 ? "" : "s"}):`]
    .concat(list.map((p) => `  ${p.variable}: ${p.reason}`))
    .join("\n")

const cleanMessage = (message: string): string =>
  message
    .replace(/^Expected (.*) but received (.*)$/s, "must be $1 (got a value that is not)")
    .replace(/\s+/g, " ")
    .trim()

/**
 * The provider every process reads from: the environment, where an empty value counts as "not set"
 * (configuration.md §2: for optional variables an empty value means "use the default").
 */
export const providerFromEnv = (
  env: Record<string, string | undefined> = process.env
): ConfigProvider.ConfigProvider => {
  const map = new Map<string, string>()
  for (const [k, v] of Object.entries(env)) if (v !== undefined && v.trim() !== "") map.set(k, v)
  return ConfigProvider.fromMap(map)
}
