/**
 * Runs the benchmarks: `npm run bench -- [name …] [--option value …]`; without names, all of them.
 * Each benchmark is its own module; register it in `benches`. A benchmark records its headline figures with
 * `record` (`Results.ts`); the run ends with one table of them and `bench/results/latest.json`.
 */
import { runCalculationBench } from "./calculation/index.js"
import { runDocumentsBench } from "./documents/index.js"
import { runImportBench } from "./import/index.js"
import { runJobsBench } from "./jobs/index.js"
import { runMixedBench } from "./mixed/index.js"
import { runPrismeBench } from "./prisme/index.js"
import { report, startBench } from "./Results.js"
import { runSelvbetjeningBench } from "./selvbetjening/index.js"
import { runStaffBench } from "./staff/index.js"
import { runSummariesBench } from "./summaries/index.js"

const benches: Record<string, (argv: ReadonlyArray<string>) => Promise<void>> = {
  calculation: runCalculationBench,
  import: runImportBench,
  selvbetjening: runSelvbetjeningBench,
  jobs: runJobsBench,
  staff: runStaffBench,
  prisme: runPrismeBench,
  summaries: runSummariesBench,
  documents: runDocumentsBench,
  mixed: runMixedBench
}

const argv = process.argv.slice(2)
const names = argv.filter((a, i) => !a.startsWith("--") && !(argv[i - 1] ?? "").startsWith("--"))
for (const [name, run] of Object.entries(benches)) {
  if (names.length > 0 && !names.includes(name)) continue
  console.log(`== ${name}`)
  startBench(name)
  await run(argv)
}
await report()
