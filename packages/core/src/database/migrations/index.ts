import type { MigrationSet } from "../Migrations.js"
import m0001 from "./0001_kas_schema.js"

/** The migrations of @kas/core (schema `kas`), in order. Only ever append. */
export const coreMigrations: MigrationSet = {
  name: "core",
  migrations: {
    "0001_kas_schema": m0001
  }
}
