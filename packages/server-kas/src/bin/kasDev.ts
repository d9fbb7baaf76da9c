#!/usr/bin/env node
/**
 * `npm run kas -- <command>`: the `kas` command run from source on the development defaults, as `npm start` runs
 * (ENVIRONMENT defaults to development; an explicit ENVIRONMENT is kept). The image runs `dist/bin/kas.js`, which
 * requires ENVIRONMENT like every process.
 */
import { KasConfig } from "@kas/core"
import { main } from "../cli/main.js"

KasConfig.defaultToDevelopment()
process.exitCode = await main(process.argv.slice(2))
