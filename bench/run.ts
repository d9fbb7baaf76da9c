/**
 * Runs the benchmarks: `npm run bench -- [name …] [--option value …]`; without names, all of them.
 * Each benchmark is its own module; register it in `benches`.
 */
import { runCalculationBench } from "./calculation/index.js"
import { runImportBench } from "./import/index.js"
import { runJobsBench } from "./jobs/index.js"
import { runSelvbetjeningBench } from "./selvbetjening/index.js"

const benches: Record<string, (argv: ReadonlyArray<string>) => Promise<void>> = {
  calculation: runCalculationBench,
  import: runImportBench,
  selvbetjening: runSelvbetjeningBench,
  jobs: runJobsBench
}

const argv = process.argv.slice(2)
const names = argv.filter((a, i) => !a.startsWith("--") && !(argv[i - 1] ?? "").startsWith("--"))
for (const [name, run] of Object.entries(benches)) {
  if (names.length > 0 && !names.includes(name)) continue
  console.log(`== ${name}`)
  await run(argv)
}
