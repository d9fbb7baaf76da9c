import { TestDatabase } from "@kas/core/testing"
import { allMigrationSets } from "../packages/server-kas/src/migrations.js"

/** Starts the test PostgreSQL (embedded unless DATABASE_URL is set) and builds the migrated template. */
export default async function setup() {
  process.env.ENVIRONMENT ??= "development"
  return TestDatabase.setupTestServer(allMigrationSets)
}
