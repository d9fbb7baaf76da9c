#!/usr/bin/env node
/**
 * `npm start` / `npm run dev`: the whole system on the development defaults, with no setup. Starts an embedded
 * PostgreSQL (unless DATABASE_URL is set), applies migrations, loads mock eSkat data into an empty database and
 * imports it into KAS on the first start (main/firstStart.ts),
 * then runs kas web (8000), selvbetjening (8080), a worker and a scheduler as child processes, printing their
 * output. Ctrl-C (or SIGTERM) stops them all and then the database. `--watch` restarts a process when its source
 * changes.
 */
import { start } from "../main/launcher.js"

await start({ watch: process.argv.includes("--watch") })
