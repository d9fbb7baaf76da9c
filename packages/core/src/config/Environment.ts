import { Config } from "effect"

/** The three environments of configuration.md §3. */
export type Environment = "development" | "staging" | "production"

/** `ENVIRONMENT`: required in every environment, one of development | staging | production. */
export const environment: Config.Config<Environment> = Config.literal("development", "staging", "production")(
  "ENVIRONMENT"
)

/** True where the strict rules apply (staging is as strict as production). */
export const isStrict = (env: Environment): boolean => env !== "development"
