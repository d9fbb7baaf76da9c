/**
 * The recalculating process of bench/calculation: runs `Recalculation.recalculateYear` of one tax year twice (the
 * second run finds nothing to change), as the autoligning job does in a worker; prints `RECALC_SECONDS <s>`,
 * `AGAIN_SECONDS <s>`, `POLICIES <n>`, `CHANGED <n>`, `CPU_SECONDS <s>` (this process, both runs) and
 * `PEAK_RSS_KB <n>`, then exits. The benchmark bundles it to plain JavaScript first (as production runs built code)
 * and reads its settings from `BENCH_CALCULATION` (JSON), not from its arguments.
 */
import { Database, Reasons, Recalculation } from "@kas/core"
import { Effect, Layer } from "effect"

interface Settings {
  readonly url: string
  readonly taxYearId: number
  /** Persons per chunk; the service's default when absent. */
  readonly chunkPersons?: number
}

const settings = JSON.parse(process.env.BENCH_CALCULATION ?? "null") as Settings | null
if (!settings) throw new Error("BENCH_CALCULATION is not set")

const seconds = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e9

const program = Effect.gen(function* () {
  const recalculation = yield* Recalculation
  const run = () =>
    recalculation.recalculateYear(settings.taxYearId, Reasons.recalcAutoligning, {
      chunkPersons: settings.chunkPersons
    })
  const cpu = process.cpuUsage()
  const start = process.hrtime.bigint()
  const first = yield* run()
  const firstSeconds = seconds(start)
  const again = process.hrtime.bigint()
  yield* run()
  const againSeconds = seconds(again)
  const used = process.cpuUsage(cpu)
  console.log(
    [
      `RECALC_SECONDS ${firstSeconds}`,
      `AGAIN_SECONDS ${againSeconds}`,
      `POLICIES ${first.policies}`,
      `CHANGED ${first.resultsChanged}`,
      `CPU_SECONDS ${(used.user + used.system) / 1e6}`,
      `PEAK_RSS_KB ${process.resourceUsage().maxRSS}`
    ].join("\n")
  )
}).pipe(
  Effect.provide(
    Recalculation.Default.pipe(Layer.provideMerge(Database.layerFromUrl(settings.url, { maxConnections: 4 })))
  )
)

Effect.runPromise(program).then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e)
    process.exit(1)
  }
)
