import { TestDatabase } from "@kas/core/testing"
import { allMigrationSets } from "../packages/server-kas/src/migrations.js"
import { selvbetjeningMigrations } from "../packages/server-selvbetjening/src/database/migrations/index.js"

/**
 * Starts the test PostgreSQL (embedded unless DATABASE_URL is set) and builds the migrated template: every back-office
 * set plus the selvbetjening set (its own schema), so one clone serves either server.
 */
export default async function setup() {
  process.env.ENVIRONMENT ??= "development"
  return TestDatabase.setupTestServer([...allMigrationSets, selvbetjeningMigrations])
}
