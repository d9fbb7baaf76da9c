/** @kas/server-selvbetjening: the citizen portal (port 8080). */
export { makeApp } from "./app.js"
export { selvbetjeningMigrations } from "./database/migrations/index.js"
export { startSelvbetjening } from "./main/web.js"
