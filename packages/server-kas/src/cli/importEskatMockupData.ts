import { Companies, Database, KasConfig, TaxYears } from "@kas/core"
import { MockData } from "@kas/eskat"
import { Effect, Layer } from "effect"
import { type Command, parse, UsageError } from "./Command.js"
import { runMain } from "./runMain.js"

const wholeNumber = (name: string, raw: string | undefined, fallback: number): number => {
  if (raw === undefined) return fallback
  if (!/^\d+$/.test(raw)) throw new UsageError(`--${name} must be a whole number ≥ 0, not '${raw}'`)
  return Number(raw)
}

/** `--years 2018-2024` or `--years 2024`; default 2010 to the current year (eskat.md §6.3). */
const yearRange = (raw: string | undefined, currentYear: number): readonly [number, number] => {
  if (raw === undefined) return [2010, currentYear]
  const m = /^(\d{4})(?:-(\d{4}))?$/.exec(raw)
  const from = m ? Number(m[1]) : NaN
  const to = m ? Number(m[2] ?? m[1]) : NaN
  if (!m || from < 2000 || to < from)
    throw new UsageError(`--years must be YYYY or YYYY-YYYY (from ≥ 2000, from ≤ to), not '${raw}'`)
  return [from, to]
}

/**
 * `kas import-eskat-mockup-data`: fills the `eskat_mock` tables deterministically (eskat.md §6) and creates the tax
 * years and pension companies they use. Running it twice with the same options gives the same rows.
 */
export const importEskatMockupData: Command = {
  run: async (argv) => {
    const { values } = parse(argv, {
      persons: { type: "string" },
      years: { type: "string" },
      seed: { type: "string" },
      "if-empty": { type: "boolean" }
    })
    const currentYear = new Date().getUTCFullYear()
    const persons = wholeNumber("persons", values.persons, 0)
    const seed = wholeNumber("seed", values.seed, 1)
    const [fromYear, toYear] = yearRange(values.years, currentYear)
    const settings = KasConfig.loadOrExit("kas import-eskat-mockup-data", KasConfig.BackOfficeConfig.common)
    if (settings.environment === "production") {
      process.stderr.write("kas import-eskat-mockup-data: mock data is never written in production\n")
      return 1
    }
    const program = Effect.gen(function* () {
      if (values["if-empty"]) {
        if (yield* MockData.hasMockData) {
          yield* Effect.sync(() => console.log("The eSkat mock tables already hold data; nothing done."))
          return
        }
      }
      const result = yield* MockData.fillMockTables({ persons, seed, fromYear, toYear })
      const created = yield* MockData.ensureTaxYearsAndCompanies(result.years, currentYear)
      yield* Effect.sync(() =>
        console.log(
          `Generated ${result.persons} persons: ${result.census} census rows and ${result.r75} R75 rows ` +
            `for ${fromYear}–${toYear} (seed ${seed}); created ${created.length} tax year(s).`
        )
      )
    })
    return runMain(
      program.pipe(
        Effect.provide(
          Layer.merge(TaxYears.Default, Companies.Default).pipe(Layer.provideMerge(Database.layer(settings)))
        )
      )
    )
  }
}
