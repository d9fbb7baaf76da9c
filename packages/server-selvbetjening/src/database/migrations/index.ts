import type { Migrations } from "@kas/core"
import m0001 from "./0001_sessions.js"
import m0002 from "./0002_saml_requests.js"
import m0003 from "./0003_saml_assertions.js"

/** The migrations of the selvbetjening database (schema `selvbetjening`), in order. Only ever append. */
export const selvbetjeningMigrations: Migrations.MigrationSet = {
  name: "selvbetjening",
  migrations: {
    "0001_sessions": m0001,
    "0002_saml_requests": m0002,
    "0003_saml_assertions": m0003
  }
}
