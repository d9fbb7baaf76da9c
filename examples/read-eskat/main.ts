/**
 * Example: stream one year's census rows (`kas_mandtal`) from the mock eSkat source and print a count per
 * municipality.
 *
 *   npm run kas -- import-eskat-mockup-data --persons 1000   # once, to fill the mock tables
 *   node --conditions=source --import tsx examples/read-eskat/main.ts 2024
 *
 * Uses DATABASE_URL, or the development database under .kas/ (ENVIRONMENT=development).
 */
import { Database, KasConfig } from "@kas/core"
import { layerMock } from "@kas/eskat"
import { Effect, Layer } from "effect"
import { countByMunicipality } from "./countByMunicipality.js"

const year = Number(process.argv[2] ?? new Date().getUTCFullYear())
if (!Number.isInteger(year)) {
  process.stderr.write("usage: main.ts [year]\n")
  process.exit(2)
}
const settings = KasConfig.loadOrExit("read-eskat", KasConfig.BackOfficeConfig.common)

const program = countByMunicipality(year).pipe(
  Effect.tap(({ counts, invalid }) =>
    Effect.sync(() => {
      const lines = [...counts.entries()].sort(([a], [b]) => a.localeCompare(b))
      for (const [municipality, n] of lines) console.log(`${municipality.padEnd(20)} ${n}`)
      console.log(`${"I alt".padEnd(20)} ${lines.reduce((s, [, n]) => s + n, 0)}`)
      if (invalid > 0) console.log(`${invalid} row(s) could not be read`)
    })
  ),
  Effect.provide(layerMock.pipe(Layer.provideMerge(Database.layer(settings)))),
  Effect.scoped
)

Effect.runPromiseExit(program).then((exit) => {
  if (exit._tag === "Failure") {
    console.error(String(exit.cause))
    process.exit(1)
  }
})
