/**
 * bench/staff (issue 14): the case workers' hot pages under load. 60 000 persons × 3 tax years (two policies per
 * person-year) are written set-based into the domain tables; kas web runs as its own process (an esbuild bundle under
 * plain node, as production runs dist/; `--tsx` runs the sources). Then:
 * - the XLSX export of every person of a year ("Find person", `?format=excel`): time and the server's peak RSS during
 *   the export (the peak is reset through /proc/<pid>/clear_refs first);
 * - 20 concurrent logged-in staff users for 30 s on the search with a name filter, then on the person-year page, then
 *   a bare Koa page (bench/selvbetjening/bare.ts) in the same run: requests/s, p50 and p99.
 * Beside each run, the CPU time per request of kas web and of the PostgreSQL backends of its database (from /proc:
 * what the machine's load sways less than latency).
 * Goals: p99 < 150 ms for both pages; the export < 15 s with peak RSS < 300 MB.
 * Options: --persons N, --seconds S, --connections C, --tsx, --only search|person-year (skip the other page's run),
 * --profile (a CPU profile of kas web in /tmp/kas-staff-prof).
 */
import autocannon, { type Request, type Result } from "autocannon"
import type { ChildProcess } from "node:child_process"
import { randomBytes } from "node:crypto"
import { readFileSync, writeFileSync } from "node:fs"
import { rm } from "node:fs/promises"
import os from "node:os"
import path from "node:path"
import { fileURLToPath } from "node:url"
import { EmbeddedPostgres } from "@kas/core"
import { bundleEntry } from "../bundle.js"
import { cpuMs, postgresCpu, sql, start, stop } from "../Processes.js"
import { mark, record } from "../Results.js"
import { staffLogin } from "../Sessions.js"

const here = path.dirname(fileURLToPath(import.meta.url))
const root = path.resolve(here, "../..")
const KAS_PORT = 18100
const BARE_PORT = 18190
const kasUrl = `http://127.0.0.1:${KAS_PORT}`

const option = (argv: ReadonlyArray<string>, name: string, fallback: number): number => {
  const i = argv.indexOf(`--${name}`)
  const n = i >= 0 ? Number(argv[i + 1]) : fallback
  return Number.isFinite(n) ? n : fallback
}

const FIRST_NAMES = ["Anna", "Bent", "Carl", "Dorthe", "Erik", "Frida", "Gert", "Hanne", "Ivalo", "Jens", "Karen"]
const LAST_NAMES = [
  "Hansen",
  "Jensen",
  "Nielsen",
  "Pedersen",
  "Kleist",
  "Lynge",
  "Motzfeldt",
  "Berthelsen",
  "Kreutzmann",
  "Olsen",
  "Petersen",
  "Heilmann",
  "Rosing"
]
/** Middle names are made of two of these and a "k" (144 of them), so that most full names differ, as real ones do. */
const SYLLABLES = ["Aa", "Ka", "Lu", "Pi", "Nu", "Ta", "Si", "Qa", "Ma", "Ju", "Ni", "Ti"]
/** The name parts the search load types: whole and partial names, first and middle names, common endings. */
const SEARCHES = ["hansen", "kleis", "ynge", "anna ka", "motzf", "ersen", "Ivalo", "berth", "lupik", "rosing mann"]

/**
 * `persons` persons with names, addresses and municipalities, each in three tax years (the newest in ligning), two
 * policies per person-year over 20 companies, a third of them with efterbehandling and a next processing date.
 */
const seed = async (url: string, persons: number, year: number) => {
  await sql(url, "insert into kas.tax_year (year, year_part) select y, 'ligning' from unnest($1::int[]) y", [
    [year, year - 1, year - 2]
  ])
  await sql(
    url,
    `insert into kas.pension_company (name, res) select 'Pensionsselskab ' || g, 1000 + g from generate_series(1, 20) g`
  )
  await sql(
    url,
    `insert into kas.person (cpr, name, municipality_code, municipality_name, full_address, address_line_1)
     select lpad(g::text, 10, '0'),
       ($2::text[])[1 + g % array_length($2::text[], 1)] || ' '
         || ($4::text[])[1 + (g / 11) % 12] || ($4::text[])[1 + (g / 132) % 12] || 'k '
         || ($3::text[])[1 + (g / 7) % array_length($3::text[], 1)],
       955 + g % 5, (array['Kujalleq', 'Sermersooq', 'Qeqqata', 'Qeqertalik', 'Avannaata'])[1 + g % 5],
       'Aqqusinersuaq ' || g % 300 || ', 3900 Nuuk', 'Aqqusinersuaq ' || g % 300
     from generate_series(1, $1::int) g`,
    [persons, FIRST_NAMES, LAST_NAMES, SYLLABLES]
  )
  await sql(
    url,
    `insert into kas.person_tax_year (tax_year_id, person_id, number_of_days, fully_tax_liable)
     select ty.id, p.id, case when p.id % 7 = 0 then 200 else null end, p.id % 11 <> 0
     from kas.person p cross join kas.tax_year ty`
  )
  await sql(
    url,
    `insert into kas.policy_tax_year (person_tax_year_id, pension_company_id, policy_number, prefilled_amount,
      self_reported_amount, year_adjusted_amount, preliminary_paid_amount, efterbehandling, next_processing_date)
     select pty.id, (select min(id) from kas.pension_company) + (pty.id + k) % 20, 'P-' || pty.id || '-' || k,
       (pty.id * 37 + k) % 100000, case when pty.id % 4 = 0 then (pty.id * 41 + k) % 100000 end,
       (pty.id * 37 + k) % 100000, 0, pty.id % 3 = 0,
       case when pty.id % 3 = 0 then date '2025-01-01' + (pty.id % 200) end
     from kas.person_tax_year pty cross join generate_series(1, 2) k`
  )
  // Vacuumed as well as analysed, as autovacuum leaves a table after a bulk load: without it the visibility map is
  // empty (every index-only scan reads the heap) and autovacuum runs during the measured runs.
  await sql(url, "vacuum analyze")
}

/** The peak resident set of a process since its last reset, in MB (Linux; NaN elsewhere). */
const peakRssMb = (pid: number | undefined): number => {
  try {
    const kb = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1]
    return Number(kb) / 1024
  } catch {
    return Number.NaN
  }
}
/** Resets the peak resident set of a process (writes 5 to clear_refs; Linux ≥ 4.0). */
const resetPeakRss = (pid: number | undefined) => {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, "5")
    return true
  } catch {
    return false
  }
}

const report = (label: string, r: Result) =>
  `${label.padEnd(30)} ${r.requests.average.toFixed(0).padStart(6)} req/s   ` +
  `p50 ${String(r.latency.p50).padStart(4)} ms   p99 ${String(r.latency.p99).padStart(4)} ms   ` +
  `errors ${r.errors + r.timeouts}   non-2xx ${r.non2xx}   total ${r.requests.total}`

/** Runs the benchmark and prints its figures. */
export const runStaffBench = async (argv: ReadonlyArray<string>): Promise<void> => {
  const persons = option(argv, "persons", 60_000)
  const seconds = option(argv, "seconds", 30)
  const connections = option(argv, "connections", 20)
  const year = new Date().getFullYear() - 1
  const server = await EmbeddedPostgres.startEmbedded({ dataDir: `.kas/bench-staff-${process.pid}`, persistent: false })
  const database = `kas_bench_staff_${randomBytes(3).toString("hex")}`
  const databaseUrl = await EmbeddedPostgres.ensureDatabase(server.adminUrl, database)
  const children: Array<ChildProcess> = []
  let bundle: string | undefined
  try {
    const entry = "packages/server-kas/src/bin/kas.ts"
    if (!argv.includes("--tsx")) {
      bundle = await bundleEntry(
        path.join(root, entry),
        path.join(root, "packages/server-kas/.kas", `bench-staff-kas-${process.pid}.mjs`)
      )
    }
    console.log(bundle ? "kas web runs as an esbuild bundle under plain node" : "kas web runs from the sources (tsx)")
    const kas = await start(
      "kas web",
      [bundle ?? entry, "web"],
      { ENVIRONMENT: "development", DEBUG: "false", DATABASE_URL: databaseUrl, PORT: String(KAS_PORT) },
      `${kasUrl}/health/database`,
      argv.includes("--profile") ? ["--cpu-prof", "--cpu-prof-dir=/tmp/kas-staff-prof"] : []
    )
    children.push(kas)
    const t0 = Date.now()
    await seed(databaseUrl, persons, year)
    console.log(
      `seeded ${persons} persons × 3 years (${persons * 6} policies) in ${((Date.now() - t0) / 1000).toFixed(1)} s`
    )
    children.push(
      await start(
        "bare koa",
        [path.join(here, "../selvbetjening/bare.ts"), String(BARE_PORT)],
        {},
        `http://127.0.0.1:${BARE_PORT}/`
      )
    )
    const cookies: Array<string> = []
    for (let i = 0; i < connections; i++) cookies.push(await staffLogin(kasUrl, "sagsbehandler"))

    // The export of every person of a year: the year before the default one, so the year alone is a search.
    const exportYear = year - 1
    const reset = resetPeakRss(kas.pid)
    const rssBefore = peakRssMb(kas.pid)
    const e0 = performance.now()
    const res = await fetch(`${kasUrl}/?year=${exportYear}&format=excel`, { headers: { cookie: cookies[0]! } })
    let bytes = 0
    for await (const chunk of res.body ?? []) bytes += (chunk as Uint8Array).byteLength
    const exportSeconds = (performance.now() - e0) / 1000
    const exportRss = peakRssMb(kas.pid)
    if (res.status !== 200) throw new Error(`export answered ${res.status}`)
    console.log(
      `XLSX export of ${persons} persons (${exportYear}): ${exportSeconds.toFixed(1)} s, ` +
        `${(bytes / 1048576).toFixed(1)} MB; kas web peak RSS ${exportRss.toFixed(0)} MB ` +
        `(${reset ? `reset to ${rssBefore.toFixed(0)} MB before the export` : "peak since start: reset not possible"})`
    )

    let next = 0
    let person = 0
    const withSession = (req: Request, context: Record<string, unknown>) => {
      context.cookie ??= cookies[next++ % cookies.length]
      return { ...req, headers: { ...req.headers, cookie: String(context.cookie) } }
    }
    const search: Request = {
      method: "GET",
      setupRequest: (req, context) => ({
        ...withSession(req, context),
        path: `/?year=${year}&name=${encodeURIComponent(SEARCHES[next++ % SEARCHES.length]!)}`
      })
    }
    const personYear: Request = {
      method: "GET",
      setupRequest: (req, context) => ({
        ...withSession(req, context),
        path: `/tax_year/${year}/persons/${1 + ((person++ * 7919) % persons)}/`
      })
    }
    // One request of each kind alone first: its status and time (a broken page fails here, not as a slow run).
    for (const [label, target] of [
      ["search", `/?year=${year}&name=${SEARCHES[0]}`],
      ["person-year page", `/tax_year/${year}/persons/1/`]
    ] as const) {
      for (let i = 0; i < 3; i++) {
        const t = performance.now()
        const r = await fetch(`${kasUrl}${target}`, { headers: { cookie: cookies[0]! }, redirect: "manual" })
        const body = await r.text()
        console.log(`  single ${label}: ${r.status}, ${body.length} bytes in ${(performance.now() - t).toFixed(0)} ms`)
        if (r.status !== 200) throw new Error(`${label} answered ${r.status}`)
      }
    }
    const warm = Math.min(5, seconds)
    const only = argv.includes("--only") ? argv[argv.indexOf("--only") + 1] : undefined
    /** A run with the CPU time per request kas web and its PostgreSQL backends used meanwhile. */
    const measured = async (label: string, request: Request) => {
      if (only !== undefined && only !== label) return undefined
      await autocannon({ url: kasUrl, connections, duration: warm, requests: [request] })
      const postgres = postgresCpu([database])
      const kas0 = cpuMs(kas.pid)
      const pg0 = postgres.total()
      const result = await autocannon({ url: kasUrl, connections, duration: seconds, requests: [request] })
      const n = Math.max(1, result.requests.total)
      const pgMs = (postgres.total() - pg0) / n
      postgres.stop()
      return { result, kasMs: (cpuMs(kas.pid) - kas0) / n, pgMs }
    }
    const searchRun = await measured("search", search)
    const pageRun = await measured("person-year", personYear)
    const bareRun = await autocannon({ url: `http://127.0.0.1:${BARE_PORT}/`, connections, duration: seconds })
    const cpu = (r: { kasMs: number; pgMs: number }) =>
      `   CPU per request: kas web ${r.kasMs.toFixed(2)} ms, PostgreSQL ${r.pgMs.toFixed(2)} ms`
    if (searchRun) console.log(report("search with a name filter", searchRun.result) + cpu(searchRun))
    if (pageRun) console.log(report("person-year page", pageRun.result) + cpu(pageRun))
    console.log(report("bare Koa constant page", bareRun))
    const load = os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(" ")
    const errors = (r: Result | undefined) => (r === undefined ? 0 : r.errors + r.timeouts + r.non2xx)
    const p99 = { op: "<", target: 150 } as const
    const searchOk = searchRun ? record("search p99", searchRun.result.latency.p99, "ms", p99) : undefined
    if (searchRun) {
      record("search requests/s", searchRun.result.requests.average, "req/s")
      record("search kas web CPU per request", searchRun.kasMs, "ms")
      record("search PostgreSQL CPU per request", searchRun.pgMs, "ms")
    }
    const pageOk = pageRun ? record("person-year page p99", pageRun.result.latency.p99, "ms", p99) : undefined
    if (pageRun) {
      record("person-year page requests/s", pageRun.result.requests.average, "req/s")
      record("person-year page kas web CPU per request", pageRun.kasMs, "ms")
      record("person-year page PostgreSQL CPU per request", pageRun.pgMs, "ms")
    }
    record("bare Koa page requests/s", bareRun.requests.average, "req/s")
    const failures = errors(searchRun?.result) + errors(pageRun?.result)
    record("search + person-year errors", failures, "", { op: "<", target: 1 })
    const exportOk = record("XLSX export of a year", exportSeconds, "s", { op: "<", target: 15 })
    const rssOk = record("XLSX export peak RSS", exportRss, "MB", { op: "<", target: 300 })
    const goal = (ok: boolean | undefined) => (ok === undefined ? "(not run)" : mark(ok))
    console.log(
      `goals: search p99 < 150 ms ${goal(searchOk)}, person-year p99 < 150 ms ${goal(pageOk)}, ` +
        `export < 15 s ${mark(exportOk)}, export peak RSS < 300 MB ${mark(rssOk)}; ` +
        `errors ${failures}; machine load average ${load} on ${os.cpus().length} CPUs`
    )
  } finally {
    for (const c of children.reverse()) await stop(c)
    await server.stop()
    if (bundle) await rm(bundle, { force: true })
  }
}
