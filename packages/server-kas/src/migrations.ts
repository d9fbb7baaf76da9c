import { coreMigrations, type Migrations } from "@kas/core"
import { webMigrations } from "./database/migrations/index.js"
import { jobsMigrations } from "@kas/jobs"
import { eskatMigrations } from "@kas/eskat"

/**
 * Every migration set of the back office, in the order they run: `kas migrate`, `npm start` and the test
 * template apply exactly this list. Add a package's set here when it gets one.
 */
export const allMigrationSets: ReadonlyArray<Migrations.MigrationSet> = [
  coreMigrations,
  jobsMigrations,
  webMigrations,
  eskatMigrations
]
