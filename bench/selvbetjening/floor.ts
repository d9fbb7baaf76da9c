/**
 * The floor of the overview's architecture (issue 18: the overview's goal is a share of it): the least any page that
 * goes browser → selvbetjening → REST → PostgreSQL can cost, with none of KAS's work in it. A front Koa process
 * answers each request by one keep-alive undici call to a back Koa process, which runs one prepared statement
 * (`select $1::text`) on a pg pool and returns its text; the front parses the JSON and sends a constant page. No
 * session, no CSP, no templates, no token, no Schema. `npm run bench -- selvbetjening` starts the two processes
 * (`floor.ts back <port>`, `floor.ts front <port> <back port>`) and measures them in the same run as the overview;
 * alone, beside the bare Koa constant page (bare.ts):
 *
 *   npx tsx bench/selvbetjening/floor.ts [--duration S] [--connections C]      (PostgreSQL from DATABASE_URL or :5432)
 */
import autocannon, { type Result } from "autocannon"
import { spawn, type ChildProcess } from "node:child_process"
import path from "node:path"
import { fileURLToPath } from "node:url"
import Koa from "koa"
import pg from "pg"
import { Agent } from "undici"

const here = fileURLToPath(import.meta.url)
const page =
  `<!doctype html><html lang="da"><head><title>Kapitalafkastskat</title></head><body>` +
  `${"<p>Kapitalafkastskat</p>".repeat(200)}</body></html>`
const database = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres"

const back = (port: number) => {
  const pool = new pg.Pool({ connectionString: database, max: 10 })
  const app = new Koa()
  app.use(async (ctx) => {
    const r = await pool.query<{ body: string }>({
      name: "floor",
      text: "select $1::text as body",
      values: [JSON.stringify({ cpr: "0101011234", years: [2024, 2025] })]
    })
    ctx.type = "application/json"
    ctx.body = r.rows[0]!.body
  })
  app.listen(port, "127.0.0.1")
}

const front = (port: number, backPort: number) => {
  const agent = new Agent({ connections: 10, pipelining: 1 })
  const app = new Koa()
  app.use(async (ctx) => {
    const r = await agent.request({ origin: `http://127.0.0.1:${backPort}`, path: "/rest/overview/", method: "GET" })
    const data = JSON.parse(await r.body.text()) as { cpr: string }
    ctx.type = "text/html; charset=utf-8"
    ctx.body = data.cpr.length > 0 ? page : ""
  })
  app.listen(port, "127.0.0.1")
}

const run = async () => {
  const opt = (name: string, fallback: number) => {
    const i = process.argv.indexOf(`--${name}`)
    return i >= 0 ? Number(process.argv[i + 1]) : fallback
  }
  const duration = opt("duration", 15)
  const connections = opt("connections", 100)
  const node = (args: ReadonlyArray<string>): ChildProcess =>
    spawn(process.execPath, ["--import", "tsx", ...args], { stdio: "inherit" })
  const children = [
    node([here, "back", "18182"]),
    node([here, "front", "18181", "18182"]),
    node([path.join(path.dirname(here), "bare.ts"), "18090"])
  ]
  try {
    await new Promise((r) => setTimeout(r, 4000))
    await autocannon({ url: "http://127.0.0.1:18181/", connections, duration: 3 })
    const floor = await autocannon({ url: "http://127.0.0.1:18181/", connections, duration })
    const bare = await autocannon({ url: "http://127.0.0.1:18090/", connections, duration })
    const line = (name: string, r: Result) =>
      `${name.padEnd(34)} ${r.requests.average.toFixed(0).padStart(6)} req/s   ` +
      `p50 ${r.latency.p50} ms   p99 ${r.latency.p99} ms   errors ${r.errors + r.non2xx}`
    console.log(line("floor: front → back → PostgreSQL", floor))
    console.log(line("bare Koa constant page", bare))
    console.log(`floor = ${((floor.requests.average / bare.requests.average) * 100).toFixed(1)} % of bare`)
  } finally {
    for (const c of children) c.kill("SIGTERM")
  }
}

const [mode, a, b] = process.argv.slice(2)
if (mode === "back") back(Number(a))
else if (mode === "front") front(Number(a), Number(b))
else await run()
