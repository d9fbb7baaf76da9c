/**
 * Document benchmark (issue 16): bulk generation of final statements ("Generering af KAS slutopgørelser", jobs.md
 * §8.7) by worker processes: statements per second, peak RSS per worker, and the share of the workers' time spent
 * rendering the PDFs. Goals: ≥ 100 statements/s and < 300 MB per worker with 2 workers. Beside them, what the
 * machine's load sways less: the workers' CPU time per statement and the share of it spent rendering. The workers run
 * as an esbuild bundle under plain node, as production runs dist/ (`--source`: through tsx).
 * Options: --statements <n> (20000), --workers <n> (2), --concurrency <n> (2 per worker; the parent job holds no
 * slot while its parts run), --url <postgres admin url> (else an embedded PostgreSQL under .kas/bench-documents),
 * --source, --cpu-prof <dir> (a V8 CPU profile of each worker into dir). With the embedded PostgreSQL it also records
 * the cluster's CPU per statement (its processes' CPU time from /proc while the job runs); every run records the
 * queries the workers sent per statement.
 */
import { type ChildProcess, fork } from "node:child_process"
import { randomBytes } from "node:crypto"
import path from "node:path"
import { readdir, readFile, rm } from "node:fs/promises"
import { fileURLToPath } from "node:url"
import { Database, EmbeddedPostgres, Migrations } from "@kas/core"
import { JobStore } from "@kas/jobs"
import { allMigrationSets, BenchDocuments } from "@kas/server-kas"
import { Effect } from "effect"
import pg from "pg"
import { bundleEntry } from "../bundle.js"
import { mark, record } from "../Results.js"

const here = path.dirname(fileURLToPath(import.meta.url))
const option = (argv: ReadonlyArray<string>, name: string, fallback: string) => {
  const i = argv.indexOf(`--${name}`)
  return i >= 0 && argv[i + 1] ? argv[i + 1]! : fallback
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const YEAR = 2023

/** utime + stime (+ the reaped children's, with `children`) of a process from /proc, in clock ticks (1/100 s). */
const ticksOf = (stat: string, children: boolean) => {
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ")
  return Number(f[11]) + Number(f[12]) + (children ? Number(f[13]) + Number(f[14]) : 0)
}

/**
 * The CPU milliseconds a PostgreSQL cluster used so far: its postmaster (with its reaped backends) and every live
 * child process (backends, background workers), read from /proc.
 */
const clusterCpuMs = async (postmasterPid: number) => {
  let ticks = ticksOf(await readFile(`/proc/${postmasterPid}/stat`, "utf8"), true)
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue
    const stat = await readFile(`/proc/${entry}/stat`, "utf8").catch(() => "")
    const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1])
    if (ppid === postmasterPid) ticks += ticksOf(stat, false)
  }
  return ticks * 10
}

/** N persons with a person-year in YEAR (ligning), each with two slutlignet policies (one company-paid). */
const seed = async (client: pg.Client, n: number) => {
  await client.query(`insert into kas.tax_year (year, year_part) values ($1, 'ligning')`, [YEAR])
  await client.query(`insert into kas.pension_company (name, res, agreement_present)
    values ('Bench Pension', 90001, false), ('Bench Aftale', 90002, true)`)
  await client.query(
    `insert into kas.person (cpr, name, address_line_1, address_line_2)
     select lpad((1000000000 + g)::text, 10, '0'), 'Person ' || g, 'Vej ' || g, '3900 Nuuk'
     from generate_series(1, $1) g`,
    [n]
  )
  await client.query(
    `insert into kas.person_tax_year (tax_year_id, person_id, number_of_days)
     select ty.id, p.id, 365 - (p.id % 100) from kas.person p, kas.tax_year ty where ty.year = $1`,
    [YEAR]
  )
  await client.query(
    `insert into kas.policy_tax_year (person_tax_year_id, pension_company_id, policy_number, prefilled_amount,
       year_adjusted_amount, slutlignet)
     select pty.id, pc.id, 'B-' || pty.id || '-' || pc.res, 10000 + (pty.id % 5000) * 7,
       10000 + (pty.id % 5000) * 7, true
     from kas.person_tax_year pty, kas.pension_company pc where pc.res in (90001, 90002)`
  )
}

interface Proc {
  readonly child: ChildProcess
  peakRss: number
  cpuMs: number
  renderMs: number
  renderCpuMs: number
  rendered: number
  queries: number
}

export const runDocumentsBench = async (argv: ReadonlyArray<string>) => {
  const statements = Number(option(argv, "statements", "20000"))
  const workers = Number(option(argv, "workers", "2"))
  const concurrency = Number(option(argv, "concurrency", "2"))
  let adminUrl = option(argv, "url", "")
  const cpuProf = option(argv, "cpu-prof", "")
  const bundle = argv.includes("--source")
    ? null
    : await bundleEntry(
        path.join(here, "worker.ts"),
        path.resolve(here, "../..", ".kas", `bench-documents-worker-${process.pid}.mjs`)
      )
  console.log(bundle ? "workers run as an esbuild bundle under plain node" : "workers run from the sources (tsx)")
  let embedded: { stop: () => Promise<void> } | undefined
  let postmasterPid: number | undefined
  if (adminUrl === "") {
    const dataDir = path.resolve(`.kas/bench-documents-${process.pid}`)
    const server = await EmbeddedPostgres.startEmbedded({ dataDir, persistent: false })
    adminUrl = server.adminUrl
    embedded = server
    postmasterPid = Number((await readFile(path.join(dataDir, "postmaster.pid"), "utf8")).split("\n")[0])
  }
  const dbName = `bench_documents_${randomBytes(4).toString("hex")}`
  const admin = new pg.Client({ connectionString: adminUrl })
  await admin.connect()
  await admin.query(`create database ${dbName}`)
  const url = adminUrl.replace(/\/[^/]*$/, `/${dbName}`)
  const client = new pg.Client({ connectionString: url })
  try {
    await Effect.runPromise(
      Migrations.migrate(allMigrationSets).pipe(Effect.provide(Database.layerFromUrl(url, { maxConnections: 2 })))
    )
    await client.connect()
    console.log(`seeding ${statements} person-years …`)
    await seed(client, statements)
    const procs: Array<Proc> = []
    await Promise.all(
      Array.from({ length: workers }, async () => {
        const profile = cpuProf ? ["--cpu-prof", `--cpu-prof-dir=${cpuProf}`] : []
        const child = fork(bundle ?? path.join(here, "worker.ts"), [url, String(concurrency)], {
          execArgv: bundle ? profile : ["--conditions=source", "--import", "tsx", ...profile],
          stdio: ["ignore", "ignore", "inherit", "ipc"]
        })
        const proc: Proc = { child, peakRss: 0, cpuMs: 0, renderMs: 0, renderCpuMs: 0, rendered: 0, queries: 0 }
        procs.push(proc)
        await new Promise<void>((resolve, reject) => {
          type Message = {
            ready?: boolean
            peakRss?: number
            cpuMs?: number
            renderMs?: number
            renderCpuMs?: number
            rendered?: number
            queries?: number
          }
          child.on("message", (m: Message) => {
            if (m.ready) resolve()
            if (m.peakRss !== undefined) proc.peakRss = m.peakRss
            if (m.cpuMs !== undefined) proc.cpuMs = m.cpuMs
            if (m.renderMs !== undefined) proc.renderMs = m.renderMs
            if (m.renderCpuMs !== undefined) proc.renderCpuMs = m.renderCpuMs
            if (m.rendered !== undefined) proc.rendered = m.rendered
            if (m.queries !== undefined) proc.queries = m.queries
          })
          child.on("exit", (code) => reject(new Error(`worker exited with ${code}`)))
        })
      })
    )
    const [{ id: yearId }] = (await client.query<{ id: number }>(`select id from kas.tax_year where year = $1`, [YEAR]))
      .rows as [{ id: number }]
    const pgCpuBefore = postmasterPid === undefined ? 0 : await clusterCpuMs(postmasterPid)
    const started = performance.now()
    const jobId = await Effect.runPromise(
      Effect.flatMap(JobStore, (s) =>
        s.enqueue(BenchDocuments.GenerateFinalSettlementsJob, { year_pk: yearId }, { createdBy: "bench" })
      ).pipe(Effect.provide(JobStore.Default), Effect.provide(Database.layerFromUrl(url, { maxConnections: 2 })))
    )
    let status = "queued"
    while (status !== "finished" && status !== "failed") {
      await sleep(500)
      status = (await client.query<{ status: string }>(`select status from jobs.job where id = $1`, [jobId])).rows[0]!
        .status
    }
    const seconds = (performance.now() - started) / 1000
    const pgCpuMs = postmasterPid === undefined ? undefined : (await clusterCpuMs(postmasterPid)) - pgCpuBefore
    await sleep(300)
    const [{ n }] = (await client.query<{ n: number }>(`select count(*)::int as n from kas.final_statement`)).rows as [
      { n: number }
    ]
    await Promise.all(
      procs.map(
        (p) =>
          new Promise<void>((resolve) => {
            p.child.removeAllListeners("exit")
            p.child.on("exit", () => resolve())
            p.child.send("stop")
            setTimeout(() => p.child.kill("SIGKILL"), 15_000).unref()
          })
      )
    )
    const rate = n / seconds
    const renderMs = procs.reduce((a, p) => a + p.renderMs, 0)
    console.log(`job ${status}: ${n} statements in ${seconds.toFixed(1)} s with ${workers} workers`)
    const rateOk = record("statements/s", rate, "statements/s", { op: ">=", target: 100 })
    console.log(`statements/s: ${rate.toFixed(1)} ${mark(rateOk)} (goal ≥ 100)`)
    procs.forEach((p, i) => {
      const mb = p.peakRss / 1024 / 1024
      const ok = record(`peak RSS worker ${i + 1}`, mb, "MB", { op: "<", target: 300 })
      console.log(`worker ${i + 1}: peak RSS ${mb.toFixed(0)} MB ${mark(ok)} (goal < 300), ${p.rendered} PDFs`)
    })
    const share = renderMs / (seconds * 1000 * workers)
    record("share of worker time rendering PDFs", share * 100, "%")
    console.log(`time rendering PDFs: ${(renderMs / 1000).toFixed(1)} s = ${(share * 100).toFixed(0)} % of worker time`)
    const cpuMs = procs.reduce((a, p) => a + p.cpuMs, 0)
    const renderCpuMs = procs.reduce((a, p) => a + p.renderCpuMs, 0)
    const perStatement = cpuMs / Math.max(n, 1)
    const cpuShare = (100 * renderCpuMs) / Math.max(cpuMs, 1)
    record("worker CPU per statement", perStatement, "ms")
    record("share of worker CPU rendering PDFs", cpuShare, "%")
    console.log(
      `worker CPU: ${perStatement.toFixed(2)} ms per statement, ${cpuShare.toFixed(0)} % of it rendering PDFs`
    )
    const queries = procs.reduce((a, p) => a + p.queries, 0) / Math.max(n, 1)
    record("worker queries per statement", queries, "queries")
    console.log(`worker queries: ${queries.toFixed(1)} per statement (the job runtime's included)`)
    if (pgCpuMs !== undefined) {
      record("PostgreSQL CPU per statement", pgCpuMs / Math.max(n, 1), "ms")
      console.log(`PostgreSQL CPU: ${(pgCpuMs / Math.max(n, 1)).toFixed(2)} ms per statement (the whole cluster)`)
    }
  } finally {
    await client.end().catch(() => undefined)
    await admin.query(`drop database if exists ${dbName} with (force)`).catch(() => undefined)
    await admin.end()
    await embedded?.stop()
    if (bundle !== null) await rm(bundle, { force: true })
  }
}
