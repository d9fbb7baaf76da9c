import type { SqlClient } from "@effect/sql"
import { Config, Effect } from "effect"
import { purgeRepresentationTokens } from "@kas/core"
import type { Scheduler } from "@kas/jobs"

/**
 * The scheduler's every-minute clean-up of representation tokens (max age SELVBETJENING_REPRESENTATION_TOKEN_MAX_AGE,
 * default 60 s).
 */
export const representationTokenCleanup: Scheduler.ScheduleEntry<SqlClient.SqlClient> = {
  name: "representation-token-cleanup",
  cron: "* * * * *",
  task: () =>
    Config.integer("SELVBETJENING_REPRESENTATION_TOKEN_MAX_AGE").pipe(
      Config.withDefault(60),
      Effect.flatMap(purgeRepresentationTokens),
      Effect.asVoid
    )
}
