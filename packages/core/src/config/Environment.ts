import { Config } from "effect"

/** The three environments of configuration.md §3. */
export type Environment = "development" | "staging" | "production"

/** `ENVIRONMENT`: required in every environment, one of development | staging | production. */
export const environment: Config.Config<Environment> = Config.literal(
  "development",
  "staging",
  "production"
)("ENVIRONMENT")

/** True where the strict rules apply (staging is as strict as production). */
export const isStrict = (env: Environment): boolean => env !== "development"

/**
 * For the development entry points (`npm start`, `npm run kas`): an unset or empty `ENVIRONMENT` becomes
 * `development`, so they run on the development defaults; an explicit value is kept, so production still requires
 * every variable.
 */
export const defaultToDevelopment = (env: Record<string, string | undefined> = process.env): void => {
  if (!env.ENVIRONMENT?.trim()) env.ENVIRONMENT = "development"
}
