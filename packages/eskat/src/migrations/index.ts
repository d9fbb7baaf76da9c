import type { Migrations } from "@kas/core"
import m0001 from "./0001_eskat_schemas.js"
import m0002 from "./0002_import_runs.js"

/** The migrations of @kas/eskat (schemas `eskat` and `eskat_mock`), in order. Only ever append. */
export const eskatMigrations: Migrations.MigrationSet = {
  name: "eskat",
  migrations: {
    "0001_eskat_schemas": m0001,
    "0002_import_runs": m0002
  }
}
