import type { Migrations } from "@kas/core"
import m0001 from "./0001_eskat_schemas.js"

/** The migrations of @kas/eskat (schemas `eskat` and `eskat_mock`), in order. Only ever append. */
export const eskatMigrations: Migrations.MigrationSet = {
  name: "eskat",
  migrations: {
    "0001_eskat_schemas": m0001
  }
}
