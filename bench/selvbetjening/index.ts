/**
 * bench/selvbetjening (issues 6, 18): 100 concurrent logged-in citizens load their year overview through selvbetjening
 * → REST → PostgreSQL for 30 s, against the floor of that architecture in the same run (floor.ts: front Koa → one
 * undici call → back Koa → one prepared select → constant page, none of KAS's work) and a bare Koa endpoint with a
 * constant page. kas web, selvbetjening, the floor's two processes and the bare server run as their own processes (as
 * in production), the floor's back on the same PostgreSQL server; data: 60 000 persons with two person-years each and
 * two policies per person-year, written set-based into the domain tables. The servers run as esbuild bundles under
 * plain node (as production runs dist/), or from the sources with --tsx. Options: --persons N, --duration S,
 * --connections C, --diagnose (sequential latencies), --explain (query plans), --profile / --profile-kas (CPU
 * profiles). Goal (issue 18): the overview at least 40 % of the floor's requests/s, p99 under 150 ms, no errors.
 */
import autocannon, { type Request, type Result } from "autocannon"
import type { ChildProcess } from "node:child_process"
import { randomBytes } from "node:crypto"
import { rm } from "node:fs/promises"
import os from "node:os"
import path from "node:path"
import { fileURLToPath } from "node:url"
import pg from "pg"
import { EmbeddedPostgres, KasConfig } from "@kas/core"
import { bundleEntry } from "../bundle.js"
import { cpuMs, postgresCpu, sql, start, stop } from "../Processes.js"
import { record } from "../Results.js"
import { citizenSessions } from "../Sessions.js"

const here = path.dirname(fileURLToPath(import.meta.url))
const root = path.resolve(here, "../..")
const option = (argv: ReadonlyArray<string>, name: string, fallback: number): number => {
  const i = argv.indexOf(`--${name}`)
  const n = i >= 0 ? Number(argv[i + 1]) : fallback
  return Number.isFinite(n) ? n : fallback
}

/**
 * Bundles a server's entry point with esbuild (our packages inlined, node_modules left as imports) into `.kas/` inside
 * its package, so that it finds its views as from `dist/`, and runs under plain node as production does: no tsx
 * loader, no source-map support (with `--tsx` the sources run as in development).
 */
const bundle = (entry: string): Promise<string> => {
  const pkg = path.resolve(root, entry.split("/src/")[0]!)
  return bundleEntry(
    path.join(root, entry),
    path.join(pkg, ".kas", `bench-${path.basename(entry, ".ts")}-${process.pid}.mjs`)
  )
}

/** 60 000 persons × (edit year, year before) × 2 policies, 20 companies; the edit year is in selvangivelse. */
const seed = async (url: string, persons: number, year: number) => {
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
  await sql(url, "analyze")
}

/**
 * EXPLAIN ANALYZE of the queries behind the overviews: the statement inside `kas.citizen_overviews` (read from the
 * installed function, its parameters made bind parameters, so it cannot drift from what kas runs) for one citizen and
 * for ten read together (as kas web does under load), with persons that exist at any `--persons`, and the session read.
 */
const explain = async (kasUrl: string, portalUrl: string, year: number, persons: number) => {
  const cprOf = (n: number) => String(n).padStart(10, "0")
  const batch = Array.from({ length: 10 }, (_, i) => cprOf(1 + Math.floor((i * persons) / 10)))
  const [fn] = await sql(kasUrl, "select prosrc from pg_proc where proname = 'citizen_overviews'")
  const body = String((fn as Record<string, unknown> | undefined)?.prosrc ?? "")
  // `return query with … ;` → `with …`
  const overview = body
    .slice(body.indexOf("return query ") + "return query ".length, body.lastIndexOf(";"))
    .replaceAll("p_cprs", "$1::text[]")
    .replaceAll("p_year", "$2::int")
  const queries: ReadonlyArray<readonly [string, string, string, ReadonlyArray<unknown>]> = [
    ["overview of one citizen (the statement inside kas.citizen_overviews)", kasUrl, overview, [[batch[5]], year]],
    ["overviews of ten citizens read together", kasUrl, overview, [batch, year]],
    [
      "session",
      portalUrl,
      "select data from selvbetjening.sessions where id = $1 and expires_at > now()",
      ["x".repeat(64)]
    ]
  ]
  for (const [label, url, text, values] of queries) {
    // Twice on one connection: the second shows the planning time with warm catalog caches, as in the benchmark.
    const client = new pg.Client({ connectionString: url })
    await client.connect()
    try {
      await client.query(`explain (analyze) ${text}`, [...values])
      const rows = (await client.query(`explain (analyze, buffers, costs off) ${text}`, [...values])).rows
      console.log(
        `-- ${label}\n${rows.map((r) => `   ${String((r as Record<string, unknown>)["QUERY PLAN"])}`).join("\n")}`
      )
    } finally {
      await client.end()
    }
  }
}

/** CPU time (ms) of this process (autocannon's load generation). */
const benchCpuMs = () => {
  const u = process.cpuUsage()
  return (u.user + u.system) / 1000
}

const report = (label: string, r: Result) =>
  `${label.padEnd(28)} ${r.requests.average.toFixed(0).padStart(6)} req/s   ` +
  `p50 ${String(r.latency.p50).padStart(4)} ms   p90 ${String(r.latency.p90).padStart(4)} ms   ` +
  `p99 ${String(r.latency.p99).padStart(4)} ms   ` +
  `errors ${r.errors + r.timeouts}   non-2xx ${r.non2xx}   total ${r.requests.total}`

/** Runs the benchmark and prints its figures. */
export const runSelvbetjeningBench = async (argv: ReadonlyArray<string>): Promise<void> => {
  const persons = option(argv, "persons", 60_000)
  const duration = option(argv, "duration", 30)
  const connections = option(argv, "connections", 100)
  const year = new Date().getFullYear() - 1
  const server = await EmbeddedPostgres.startEmbedded({ dataDir: `.kas/bench-sb-${process.pid}`, persistent: false })
  const suffix = randomBytes(3).toString("hex")
  const kasUrl = await EmbeddedPostgres.ensureDatabase(server.adminUrl, `kas_bench_sb_${suffix}`)
  const portalUrl = await EmbeddedPostgres.ensureDatabase(server.adminUrl, `sb_bench_${suffix}`)
  const children: Array<ChildProcess> = []
  const bundles: Array<string> = []
  try {
    const common = { ENVIRONMENT: "development", DEBUG: "false" }
    const tsx = argv.includes("--tsx")
    const kasEntry = tsx ? "packages/server-kas/src/bin/kas.ts" : await bundle("packages/server-kas/src/bin/kas.ts")
    const portalEntry = tsx
      ? "packages/server-selvbetjening/src/bin/selvbetjening.ts"
      : await bundle("packages/server-selvbetjening/src/bin/selvbetjening.ts")
    bundles.push(...[kasEntry, portalEntry].filter((f) => f.endsWith(".mjs")))
    console.log(
      tsx ? "servers run from the TypeScript sources (tsx)" : "servers run as esbuild bundles under plain node"
    )
    children.push(
      await start(
        "kas web",
        [kasEntry, "web"],
        { ...common, DATABASE_URL: kasUrl, PORT: "18000" },
        "http://127.0.0.1:18000/health/database",
        argv.includes("--profile-kas") ? ["--cpu-prof", "--cpu-prof-dir=/tmp/kas-prof"] : []
      )
    )
    const t0 = Date.now()
    await seed(kasUrl, persons, year)
    console.log(`seeded ${persons} persons in ${((Date.now() - t0) / 1000).toFixed(1)} s`)
    children.push(
      await start(
        "selvbetjening",
        [portalEntry],
        {
          ...common,
          SELVBETJENING_DATABASE_URL: portalUrl,
          REST_HOST: "http://127.0.0.1:18000",
          REST_TOKEN: KasConfig.BackOfficeConfig.DEV_REST_TOKEN,
          PORT: "18080"
        },
        "http://127.0.0.1:18080/health/database",
        argv.includes("--profile") ? ["--cpu-prof", "--cpu-prof-dir=/tmp/sb-prof"] : []
      )
    )
    children.push(await start("bare koa", [path.join(here, "bare.ts"), "18090"], {}, "http://127.0.0.1:18090/"))
    // The floor's back reads from the benchmark's own PostgreSQL server (its kas database), as kas web does.
    const floorBack = await start(
      "floor back",
      [path.join(here, "floor.ts"), "back", "18182"],
      { DATABASE_URL: kasUrl },
      "http://127.0.0.1:18182/"
    )
    children.push(floorBack)
    const floorFront = await start(
      "floor front",
      [path.join(here, "floor.ts"), "front", "18181", "18182"],
      {},
      "http://127.0.0.1:18181/"
    )
    children.push(floorFront)
    const cookies = await citizenSessions(
      portalUrl,
      Array.from({ length: connections }, (_, i) =>
        String(1 + Math.floor((i * persons) / connections)).padStart(10, "0")
      )
    )
    if (argv.includes("--explain")) await explain(kasUrl, portalUrl, year, persons)
    let next = 0
    const overview: Request = {
      method: "GET",
      path: `/policy/${year}/`,
      setupRequest: (req, context) => {
        context.cookie ??= cookies[next++ % cookies.length]
        return { ...req, headers: { ...req.headers, cookie: String(context.cookie) } }
      }
    }
    const timed = async (label: string, url: string, headers: Record<string, string>) => {
      const t = Date.now()
      const res = await fetch(url, { headers })
      await res.text()
      console.log(`  single ${label}: ${res.status} in ${Date.now() - t} ms`)
      if (res.status !== 200) throw new Error(`${label} answered ${res.status}`)
    }
    const rest = { Authorization: `Token ${KasConfig.BackOfficeConfig.DEV_REST_TOKEN}`, "X-KAS-CPR": "0000000001" }
    for (const p of [
      "person_tax_year/",
      `tax_year/?year=${year}`,
      `policy_tax_year/?year=${year}&active=true`,
      "pension_company/"
    ]) {
      await timed(`REST ${p}`, `http://127.0.0.1:18000/rest/${p}`, rest)
    }
    await timed("overview", `http://127.0.0.1:18080/policy/${year}/`, { cookie: cookies[0]! })
    await timed("overview again", `http://127.0.0.1:18080/policy/${year}/`, { cookie: cookies[0]! })
    if (argv.includes("--diagnose")) {
      const seq = async (label: string, url: string, headers: Record<string, string>) => {
        const times: Array<number> = []
        for (let i = 0; i < 20; i++) {
          const t = performance.now()
          await (await fetch(url, { headers })).text()
          times.push(Math.round(performance.now() - t))
        }
        console.log(`  20 sequential ${label}: ${times.join(" ")} ms`)
      }
      await seq("REST tax_year", `http://127.0.0.1:18000/rest/tax_year/?year=${year}`, rest)
      await seq("REST person_tax_year", "http://127.0.0.1:18000/rest/person_tax_year/", rest)
      await seq("overviews", `http://127.0.0.1:18080/policy/${year}/`, { cookie: cookies[0]! })
      await seq("bare", "http://127.0.0.1:18090/", {})
      const t = Date.now()
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          fetch(`http://127.0.0.1:18080/policy/${year}/`, {
            headers: { cookie: cookies[i % cookies.length]! },
            signal: AbortSignal.timeout(60_000)
          }).then(
            async (r) => `${r.status}@${Date.now() - t}`,
            (e: unknown) => `ERR ${String(e)}@${Date.now() - t}`
          )
        )
      )
      console.log(`  20 concurrent overviews: ${results.join(" ")}`)
      for (const p of [`tax_year/?year=${year}`, `policy_tax_year/?year=${year}&active=true`]) {
        const r = await autocannon({ url: `http://127.0.0.1:18000/rest/${p}`, connections, duration: 5, headers: rest })
        console.log(report(`REST ${p.slice(0, 20)}`, r))
      }
    }
    await autocannon({ url: "http://127.0.0.1:18080", connections, duration: 5, requests: [overview] }) // warm-up
    // CPU used per request by each process: a figure that depends far less on what else the machine is doing.
    const [sbChild, kasChild, bareChild] = [children[1], children[0], children[2]]
    const postgres = postgresCpu([kasUrl, portalUrl].map((u) => new URL(u).pathname.slice(1)))
    const cpu = () => ({
      sb: cpuMs(sbChild?.pid),
      kas: cpuMs(kasChild?.pid),
      pg: postgres.total(),
      bare: cpuMs(bareChild?.pid),
      front: cpuMs(floorFront.pid),
      back: cpuMs(floorBack.pid),
      bench: benchCpuMs() // autocannon's share of the cores
    })
    const c0 = cpu()
    const portal = await autocannon({ url: "http://127.0.0.1:18080", connections, duration, requests: [overview] })
    const c1 = cpu()
    await autocannon({ url: "http://127.0.0.1:18181/", connections, duration: 5 }) // warm-up
    const c2 = cpu()
    const floor = await autocannon({ url: "http://127.0.0.1:18181/", connections, duration })
    const c3 = cpu()
    const bare = await autocannon({ url: "http://127.0.0.1:18090/", connections, duration })
    const c4 = cpu()
    postgres.stop()
    console.log(report("selvbetjening overview", portal))
    console.log(report("floor: front → back → pg", floor))
    console.log(report("bare Koa constant page", bare))
    const per = (ms: number, r: Result) => (r.requests.total > 0 ? ((ms / r.requests.total) * 1000).toFixed(0) : "–")
    console.log(
      `CPU per overview (µs): selvbetjening ${per(c1.sb - c0.sb, portal)}, ` +
        `kas web ${per(c1.kas - c0.kas, portal)}, PostgreSQL ${per(c1.pg - c0.pg, portal)}, ` +
        `autocannon ${per(c1.bench - c0.bench, portal)}\n` +
        `CPU per floor page (µs): front ${per(c3.front - c2.front, floor)}, back ${per(c3.back - c2.back, floor)}, ` +
        `PostgreSQL ${per(c3.pg - c2.pg, floor)}, autocannon ${per(c3.bench - c2.bench, floor)}; ` +
        `per bare page: ${per(c4.bare - c3.bare, bare)} µs`
    )
    const ratio = portal.requests.average / floor.requests.average
    const errors = portal.errors + portal.timeouts + portal.non2xx
    record("overview requests/s", portal.requests.average, "req/s")
    record("floor requests/s", floor.requests.average, "req/s")
    const ratioMet = record("overview / floor", ratio * 100, "%", { op: ">=", target: 40 })
    record("overview / bare Koa page", (portal.requests.average / bare.requests.average) * 100, "%")
    const p99Met = record("overview p99", portal.latency.p99, "ms", { op: "<", target: 150 })
    record("overview errors", errors, "", { op: "<", target: 1 })
    const load = os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(" ")
    console.log(
      `overview ${(ratio * 100).toFixed(1)} % of the floor (goal ≥ 40 %: ${ratioMet ? "met" : "missed"}); ` +
        `p99 goal < 150 ms: ${p99Met ? "met" : "missed"}; errors: ${errors}; ` +
        `machine load average ${load} on ${os.cpus().length} CPUs`
    )
  } finally {
    for (const c of children.reverse()) await stop(c)
    await server.stop()
    for (const f of bundles) await rm(f, { force: true })
  }
}
