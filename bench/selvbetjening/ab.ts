/**
 * A/B of two selvbetjening builds against one kas web and one PostgreSQL (issue 18 item 1): alternating autocannon
 * rounds on the year overview, with the CPU per overview of each selvbetjening process, of kas web and of the
 * PostgreSQL backends (from /proc), and whether both answer the same page. Figures taken while the machine is loaded
 * are inflated, but both builds meet the same load round by round.
 *
 * A bundle of the current sources with their views, to compare with later (kept inside the repository, as it imports
 * from node_modules), then the comparison (A: the saved build; B: another saved one, or the current sources):
 *
 *   npx tsx --conditions=source bench/selvbetjening/ab.ts --save .kas/sb-before
 *   npx tsx --conditions=source bench/selvbetjening/ab.ts --a .kas/sb-before [--b <dir>] [--persons N] [--rounds R]
 *     [--seconds S] [--connections C] [--profile]
 */
import autocannon from "autocannon"
import type { ChildProcess } from "node:child_process"
import { randomBytes } from "node:crypto"
import { cp, mkdir, rm } from "node:fs/promises"
import path from "node:path"
import { fileURLToPath } from "node:url"
import { EmbeddedPostgres, KasConfig } from "@kas/core"
import { bundleEntry } from "../bundle.js"
import { cpuMs, postgresCpu, sql, start, stop } from "../Processes.js"
import { citizenSessions } from "../Sessions.js"

const here = path.dirname(fileURLToPath(import.meta.url))
const root = path.resolve(here, "../..")
const argv = process.argv.slice(2)
const opt = (name: string, fallback: number) => {
  const i = argv.indexOf(`--${name}`)
  return i >= 0 ? Number(argv[i + 1]) : fallback
}
const str = (name: string) => {
  const i = argv.indexOf(`--${name}`)
  return i >= 0 ? argv[i + 1] : undefined
}
const saved = str("save")
if (saved !== undefined) {
  const pkg = path.join(root, "packages/server-selvbetjening")
  await mkdir(saved, { recursive: true })
  for (const part of ["package.json", "views", "static"]) {
    await cp(path.join(pkg, part), path.join(saved, part), { recursive: true })
  }
  await bundleEntry(path.join(pkg, "src/bin/selvbetjening.ts"), path.resolve(saved, "server.mjs"))
  console.log(`saved the current selvbetjening in ${saved} (keep it inside the repository: it imports node_modules)`)
  process.exit(0)
}
const persons = opt("persons", 5000)
const rounds = opt("rounds", 4)
const seconds = opt("seconds", 5)
const connections = opt("connections", 50)
const year = new Date().getFullYear() - 1

const seed = async (url: string) => {
  await sql(url, `insert into kas.tax_year (year, year_part) values ($1, 'selvangivelse'), ($2, 'ligning')`, [
    year,
    year - 1
  ])
  await sql(
    url,
    `insert into kas.pension_company (name, res) select 'Pensionsselskab ' || g, 1000 + g from generate_series(1, 20) g`
  )
  await sql(
    url,
    `insert into kas.person (cpr, name)
     select lpad(g::text, 10, '0'), 'Borger ' || g from generate_series(1, $1::int) g`,
    [persons]
  )
  await sql(
    url,
    `insert into kas.person_tax_year (tax_year_id, person_id, number_of_days)
    select ty.id, p.id, case when p.id % 7 = 0 then 200 else null end from kas.person p cross join kas.tax_year ty`
  )
  await sql(
    url,
    `insert into kas.policy_tax_year (person_tax_year_id, pension_company_id, policy_number, prefilled_amount,
      year_adjusted_amount, preliminary_paid_amount)
    select pty.id, (select min(id) from kas.pension_company) + (pty.id + k) % 20, 'P-' || pty.id || '-' || k,
      (pty.id * 37 + k) % 100000, (pty.id * 37 + k) % 100000, 0
    from kas.person_tax_year pty cross join generate_series(1, 2) k`
  )
  await sql(url, "vacuum analyze")
}

const server = await EmbeddedPostgres.startEmbedded({ dataDir: `.kas/bench-ab-${process.pid}`, persistent: false })
const suffix = randomBytes(3).toString("hex")
const kasUrl = await EmbeddedPostgres.ensureDatabase(server.adminUrl, `kas_ab_${suffix}`)
const portalUrl = await EmbeddedPostgres.ensureDatabase(server.adminUrl, `sb_ab_${suffix}`)
const children: Array<ChildProcess> = []
const bundles: Array<string> = []
try {
  const common = { ENVIRONMENT: "development", DEBUG: "false" }
  const kasEntry = await bundleEntry(
    path.join(root, "packages/server-kas/src/bin/kas.ts"),
    path.join(root, "packages/server-kas/.kas", `ab-kas-${process.pid}.mjs`)
  )
  bundles.push(kasEntry)
  const kas = await start(
    "kas web",
    [kasEntry, "web"],
    { ...common, DATABASE_URL: kasUrl, PORT: "18000" },
    "http://127.0.0.1:18000/health/database"
  )
  children.push(kas)
  await seed(kasUrl)
  const current = await bundleEntry(
    path.join(root, "packages/server-selvbetjening/src/bin/selvbetjening.ts"),
    path.join(root, "packages/server-selvbetjening/.kas", `ab-sb-${process.pid}.mjs`)
  )
  bundles.push(current)
  const entryOf = (dir: string | undefined) => (dir ? path.resolve(dir, "server.mjs") : current)
  const variants = [
    { name: "A", entry: entryOf(str("a")), port: 18080 },
    { name: "B", entry: entryOf(str("b")), port: 18081 }
  ]
  const procs: Array<ChildProcess> = []
  for (const v of variants) {
    const child = await start(
      `selvbetjening ${v.name}`,
      [v.entry],
      {
        ...common,
        SELVBETJENING_DATABASE_URL: portalUrl,
        REST_HOST: "http://127.0.0.1:18000",
        REST_TOKEN: KasConfig.BackOfficeConfig.DEV_REST_TOKEN,
        PORT: String(v.port)
      },
      `http://127.0.0.1:${v.port}/health/database`,
      argv.includes("--profile") ? ["--cpu-prof", `--cpu-prof-dir=/tmp/ab-prof-${v.name}`] : []
    )
    procs.push(child)
    children.push(child)
  }
  const cookies = await citizenSessions(
    portalUrl,
    Array.from({ length: connections }, (_, i) => String(1 + Math.floor((i * persons) / connections)).padStart(10, "0"))
  )
  const pg = postgresCpu([kasUrl, portalUrl].map((u) => new URL(u).pathname.slice(1)))
  const load = async (port: number, duration: number) => {
    let next = 0
    return autocannon({
      url: `http://127.0.0.1:${port}`,
      connections,
      duration,
      requests: [
        {
          method: "GET",
          path: `/policy/${year}/`,
          setupRequest: (req, context) => {
            context.cookie ??= cookies[next++ % cookies.length]
            return { ...req, headers: { ...req.headers, cookie: String(context.cookie) } }
          }
        }
      ]
    })
  }
  // Same page from both?
  const pages = await Promise.all(
    variants.map(async (v) =>
      (await fetch(`http://127.0.0.1:${v.port}/policy/${year}/`, { headers: { cookie: cookies[0]! } })).text()
    )
  )
  const strip = (s: string) => s.replace(/nonce="[^"]*"/g, "")
  console.log(`pages identical (nonce aside): ${strip(pages[0]!) === strip(pages[1]!)} (${pages[0]!.length} bytes)`)
  for (const v of variants) await load(v.port, 3) // warm-up
  const results: Record<string, Array<{ sb: number; kas: number; pg: number; rps: number; p99: number }>> = {
    A: [],
    B: []
  }
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 === 0 ? [0, 1] : [1, 0]
    for (const i of order) {
      const v = variants[i]!
      const c0 = { sb: cpuMs(procs[i]!.pid), kas: cpuMs(kas.pid), pg: pg.total() }
      const res = await load(v.port, seconds)
      const c1 = { sb: cpuMs(procs[i]!.pid), kas: cpuMs(kas.pid), pg: pg.total() }
      const n = res.requests.total
      const row = {
        sb: ((c1.sb - c0.sb) / n) * 1000,
        kas: ((c1.kas - c0.kas) / n) * 1000,
        pg: ((c1.pg - c0.pg) / n) * 1000,
        rps: res.requests.average,
        p99: res.latency.p99
      }
      results[v.name]!.push(row)
      console.log(
        `round ${r} ${v.name}: ${row.rps.toFixed(0)} req/s p99 ${row.p99} ms, errors ${res.errors + res.non2xx}; ` +
          `CPU µs/req sb ${row.sb.toFixed(0)} kas ${row.kas.toFixed(0)} pg ${row.pg.toFixed(0)}`
      )
    }
  }
  const median = (xs: Array<number>) => {
    const s = [...xs].sort((a, b) => a - b)
    return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2
  }
  for (const name of ["A", "B"]) {
    const rs = results[name]!
    console.log(
      `${name} median: ${median(rs.map((x) => x.rps)).toFixed(0)} req/s, CPU µs/req sb ` +
        `${median(rs.map((x) => x.sb)).toFixed(0)} kas ${median(rs.map((x) => x.kas)).toFixed(0)} ` +
        `pg ${median(rs.map((x) => x.pg)).toFixed(0)}`
    )
  }
  pg.stop()
} finally {
  for (const c of children.reverse()) await stop(c)
  await server.stop()
  for (const f of bundles) await rm(f, { force: true })
}
