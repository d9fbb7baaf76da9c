import type { Migrations } from "@kas/core"
import m0001 from "./0001_web_users_sessions.js"
import m0002 from "./0002_login_failures.js"

/** The migrations of server-kas (schema `web`), in order. Only ever append. */
export const webMigrations: Migrations.MigrationSet = {
  name: "web",
  migrations: {
    "0001_web_users_sessions": m0001,
    "0002_login_failures": m0002
  }
}
