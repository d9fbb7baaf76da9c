/**
 * Runs the development embedded PostgreSQL for `npm start` in its own process group (the launcher spawns this file
 * detached), so the terminal's Ctrl-C reaches the servers and the worker but not the database: the launcher stops
 * them first and the database last. Prints the admin URL as one JSON line; stops the server when its stdin closes
 * (the launcher exited or asked it to stop).
 */
import { Database, EmbeddedPostgres } from "@kas/core"

const server = await EmbeddedPostgres.startEmbedded({
  dataDir: Database.EMBEDDED_DATA_DIR,
  port: Database.EMBEDDED_PORT
})
process.stdout.write(JSON.stringify({ adminUrl: server.adminUrl }) + "\n")
const stop = async () => {
  await server.stop().catch(() => undefined)
  process.exit(0)
}
process.stdin.on("end", () => void stop())
process.stdin.on("close", () => void stop())
process.stdin.resume()
process.on("SIGTERM", () => void stop())
process.on("SIGINT", () => undefined) // not ours: the launcher decides when the database stops
