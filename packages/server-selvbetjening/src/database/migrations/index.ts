import type { Migrations } from "@kas/core"
import m0001 from "./0001_sessions.js"
import m0002 from "./0002_saml_requests.js"
import m0003 from "./0003_saml_assertions.js"
import m0004 from "./0004_sessions_notify.js"

/** The migrations of the selvbetjening database (schema `selvbetjening`), in order. Only ever append. */
export const selvbetjeningMigrations: Migrations.MigrationSet = {
  name: "selvbetjening",
  migrations: {
    "0001_sessions": m0001,
    "0002_saml_requests": m0002,
    "0003_saml_assertions": m0003,
    "0004_sessions_notify": m0004
  }
}
