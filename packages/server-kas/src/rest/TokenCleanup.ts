import { SqlClient } from "@effect/sql"
import { Config, Effect } from "effect"
import type { Scheduler } from "@kas/jobs"

/** Deletes representation tokens older than `maxAgeSeconds`, consumed or not (jobs.md §9); returns how many. */
export const purgeRepresentationTokens = (maxAgeSeconds: number) =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    sql`delete from kas.representation_token where created < now() - make_interval(secs => ${maxAgeSeconds}) returning id`
  ).pipe(Effect.map((rows) => rows.length), Effect.withSpan("purgeRepresentationTokens"))

/** The scheduler's every-minute clean-up of representation tokens (max age SELVBETJENING_REPRESENTATION_TOKEN_MAX_AGE, default 60 s). */
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
