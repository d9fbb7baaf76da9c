/**
 * The uploading process of bench/prisme: streams one batch's 10Q file from the database (a cursor) and uploads it
 * over SFTP with the live `Prisme` upload, as the job "Sender et Q10 batch" does; prints `UPLOAD_SECONDS <s>`,
 * `UPLOADED <remote path>` and `PEAK_RSS_KB <n>`, then exits. The benchmark bundles it to plain JavaScript first (as
 * production runs built code) and reads its settings from `BENCH_PRISME_UPLOAD` (JSON), not from its arguments.
 */
import { Database, Prisme10QBatches } from "@kas/core"
import { Effect, Layer, Option, Redacted } from "effect"
import { sftpUpload } from "../../packages/server-kas/src/prisme/Prisme.js"

interface Settings {
  readonly url: string
  readonly batchId: number
  readonly port: number
  readonly privateKey: string
  readonly hostKey: { readonly keytype: string; readonly key: string }
}

const settings = JSON.parse(process.env.BENCH_PRISME_UPLOAD ?? "null") as Settings | null
if (!settings) throw new Error("BENCH_PRISME_UPLOAD is not set")

const program = Effect.gen(function* () {
  const batches = yield* Prisme10QBatches
  const start = process.hrtime.bigint()
  const remote = yield* sftpUpload(
    {
      host: Option.some("127.0.0.1"),
      port: settings.port,
      user: Option.some("kas"),
      password: Option.none(),
      privateKey: Option.some(Redacted.make(settings.privateKey)),
      prodPath: Option.some("/prod"),
      testPath: Option.none(),
      knownHosts: [{ hostname: "127.0.0.1", ...settings.hostKey }]
    },
    { destination: "10q_production", fileName: "bench.10q", content: batches.contentStream(settings.batchId) }
  )
  const seconds = Number(process.hrtime.bigint() - start) / 1e9
  console.log(`UPLOAD_SECONDS ${seconds}\nUPLOADED ${remote}\nPEAK_RSS_KB ${process.resourceUsage().maxRSS}`)
}).pipe(
  Effect.provide(
    Prisme10QBatches.Default.pipe(Layer.provideMerge(Database.layerFromUrl(settings.url, { maxConnections: 2 })))
  )
)

Effect.runPromise(program).then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e)
    process.exit(1)
  }
)
