import { Effect } from "effect"
import { Database, KasConfig, Migrations } from "@kas/core"
import { allMigrationSets } from "../migrations.js"
import { type Command, parse } from "./Command.js"
import { runMain } from "./runMain.js"

/** `kas migrate`: applies every pending migration (the one owner of migrations, design.md §3). */
export const migrate: Command = {
  run: async (argv) => {
    parse(argv, {})
    const settings = KasConfig.loadOrExit("kas migrate", KasConfig.BackOfficeConfig.common)
    return runMain(
      Effect.gen(function* () {
        const applied = yield* Migrations.migrate(allMigrationSets)
        yield* Effect.sync(() =>
          console.log(
            applied.length === 0
              ? "No migrations to apply."
              : `Applied ${applied.length} migration(s):\n  ${applied.join("\n  ")}`
          )
        )
      }).pipe(Effect.provide(Database.layer(settings)))
    )
  }
}
