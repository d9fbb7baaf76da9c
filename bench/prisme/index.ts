/**
 * bench/prisme (issue 17): a batch of N transactions (default 100 000) rendered to 10Q records (`TenQ`, three rate
 * text lines each) and stored set-based, then the batch file streamed from the database (a cursor) and uploaded over
 * SFTP (the live `Prisme` upload, ssh2) to a local SFTP server (ssh2's Server on a temporary folder, in this process)
 * by a separate uploading process (`upload.ts`, bundled to plain JavaScript as production runs it, as the job "Sender
 * et Q10 batch" does). Reports the render and upload times, the uploading process's peak RSS (the goal: the file is
 * streamed, never held whole) and this process's (tsx, the seeding, the rendering and the SFTP server). Goals: render +
 * upload under 10 s, the uploader's peak RSS under 200 MB. Options: --transactions N, --source (the uploader through
 * tsx instead of a bundle).
 */
import { SqlClient } from "@effect/sql"
import { coreMigrations, Database, EmbeddedPostgres, Migrations, Prisme10QBatches, TenQ } from "@kas/core"
import { Effect, Layer } from "effect"
import { spawn } from "node:child_process"
import { randomBytes, randomUUID } from "node:crypto"
import { statSync } from "node:fs"
import { rm } from "node:fs/promises"
import path from "node:path"
import { fileURLToPath } from "node:url"
import { keyPair, startSftpServer } from "../../packages/server-kas/test/support/sftpServer.js"
import { bundleEntry } from "../bundle.js"
import { mark, record } from "../Results.js"

const here = path.dirname(fileURLToPath(import.meta.url))
const root = path.resolve(here, "../..")

/** Runs the uploading process to its end; its upload time, remote path and peak RSS (KB). */
const runUploader = (bundle: string | null, settings: object) =>
  new Promise<{ seconds: number; remote: string; rssKb: number }>((resolve, reject) => {
    const args = bundle === null ? ["--conditions=source", "--import", "tsx", path.join(here, "upload.ts")] : [bundle]
    const child = spawn(process.execPath, args, {
      cwd: root,
      stdio: ["ignore", "pipe", "inherit"],
      env: { ...process.env, BENCH_PRISME_UPLOAD: JSON.stringify(settings) }
    })
    let out = ""
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString()
    })
    child.on("exit", (code) => {
      const seconds = Number(/UPLOAD_SECONDS (\S+)/.exec(out)?.[1])
      const remote = /UPLOADED (\S+)/.exec(out)?.[1]
      const rssKb = Number(/PEAK_RSS_KB (\d+)/.exec(out)?.[1])
      if (code === 0 && remote && Number.isFinite(seconds)) resolve({ seconds, remote, rssKb })
      else reject(new Error(`the uploader exited with ${code}: ${out}`))
    })
  })

const option = (argv: ReadonlyArray<string>, name: string, fallback: number): number => {
  const i = argv.indexOf(`--${name}`)
  const n = i >= 0 ? Number(argv[i + 1]) : fallback
  return Number.isFinite(n) && n > 0 ? n : fallback
}

const seconds = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e9

const YEAR = 2024
const CHUNK = 10_000

export const runPrismeBench = async (argv: ReadonlyArray<string>): Promise<void> => {
  const n = option(argv, "transactions", 100_000)
  const bundle = argv.includes("--source")
    ? null
    : await bundleEntry(path.join(here, "upload.ts"), path.join(root, ".kas", `bench-prisme-upload-${process.pid}.mjs`))
  const server = await EmbeddedPostgres.startEmbedded({ dataDir: `.kas/bench-${process.pid}`, persistent: false })
  const url = await EmbeddedPostgres.ensureDatabase(
    server.adminUrl,
    `kas_bench_prisme_${randomBytes(3).toString("hex")}`
  )
  const client = keyPair()
  const sftp = await startSftpServer({ user: "kas", clientPublicKey: client.publicKey, folders: ["prod"] })
  const layer = Prisme10QBatches.Default.pipe(Layer.provideMerge(Database.layerFromUrl(url, { maxConnections: 4 })))
  try {
    const program = Effect.gen(function* () {
      const sql = yield* SqlClient.SqlClient
      const batches = yield* Prisme10QBatches
      yield* Migrations.migrate([coreMigrations])
      const rateText = "Betales i 3 rater\nRate 1: 1. september\nRate 2: 1. oktober"
      const [year] = yield* sql<{ id: number }>`insert into kas.tax_year (year, rate_text_for_transactions)
        values (${YEAR}, ${rateText}) returning id`
      yield* sql`insert into kas.person (cpr) select lpad(i::text, 10, '0') from generate_series(1, ${n}::int) i`
      yield* sql`insert into kas.person_tax_year (tax_year_id, person_id) select ${year!.id}, id from kas.person`
      const ptys = yield* sql<{ id: number; cpr: string }>`select pty.id, p.cpr from kas.person_tax_year pty
        join kas.person p on p.id = pty.person_id order by pty.id`
      const batch = yield* batches.create({ taxYearId: year!.id, createdById: null, collectDate: `${YEAR + 1}-09-01` })
      const render = TenQ.renderer({ projectId: "KAS" })

      // Render every transaction's lines (as generating the batch does) and store them, a chunk at a time.
      const renderStart = process.hrtime.bigint()
      for (let from = 0; from < ptys.length; from += CHUNK) {
        const chunk = ptys.slice(from, from + CHUNK)
        const rows = yield* Effect.forEach(chunk, (p, i) => {
          const uuid = randomUUID()
          const amount = ((from + i) % 7 === 0 ? -1 : 1) * (100 + ((from + i) % 50_000))
          return Effect.map(
            render({ uuid, amount, cpr: p.cpr, year: YEAR, rateText, dueDate: `${YEAR + 1}-09-01` }),
            (content) => ({ uuid, pty: p.id, amount, content })
          )
        })
        yield* sql.unsafe(
          `insert into kas.transaction (uuid, person_tax_year_id, amount, type, prisme10q_batch_id, prisme10q_content)
           select u.uuid, u.pty, u.amount, 'prisme10q', $1, u.content
           from unnest($2::uuid[], $3::int[], $4::bigint[], $5::text[]) as u(uuid, pty, amount, content)`,
          [
            batch.id,
            rows.map((r) => r.uuid),
            rows.map((r) => r.pty),
            rows.map((r) => r.amount),
            rows.map((r) => r.content)
          ]
        )
      }
      const renderSeconds = seconds(renderStart)

      // Stream the file from the database and upload it, in a process of its own (as the send job runs in a worker).
      const size = yield* batches.contentSize(batch.id)
      const upload = yield* Effect.promise(() =>
        runUploader(bundle, {
          url,
          batchId: batch.id,
          port: sftp.port,
          privateKey: client.privateKey,
          hostKey: sftp.hostKey
        })
      )
      const uploadSeconds = upload.seconds
      const remote = upload.remote
      const written = statSync(path.join(sftp.root, remote)).size
      if (written !== size.bytes) throw new Error(`uploaded ${written} bytes, expected ${size.bytes}`)
      const rss = upload.rssKb / 1024
      const benchRss = process.resourceUsage().maxRSS / 1024
      const total = renderSeconds + uploadSeconds
      console.table({
        transactions: size.transactions,
        "file (MB)": (size.bytes / 1024 / 1024).toFixed(1),
        "render + store (s)": renderSeconds.toFixed(2),
        "stream + upload (s)": uploadSeconds.toFixed(2),
        "uploader peak RSS (MB)": Math.round(rss),
        "bench process peak RSS (MB)": Math.round(benchRss)
      })
      const timeOk = record(`render + upload, ${size.transactions} transactions`, total, "s", { op: "<", target: 10 })
      const rssOk = record("uploader peak RSS", rss, "MB", { op: "<", target: 200 })
      record("bench process peak RSS (render, SFTP server, tsx)", benchRss, "MB")
      console.log(`goal: < 10 s ${mark(timeOk)}, uploader peak RSS < 200 MB ${mark(rssOk)}`)
    })
    await Effect.runPromise(program.pipe(Effect.provide(layer)))
  } finally {
    await sftp.close()
    await server.stop()
    if (bundle !== null) await rm(bundle, { force: true })
  }
}
