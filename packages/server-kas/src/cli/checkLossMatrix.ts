import { Database, KasConfig, LossMatrixCheck } from "@kas/core"
import { Effect, Layer } from "effect"
import { type Command, parse, UsageError } from "./Command.js"
import { runMain } from "./runMain.js"

const yearOf = (raw: string | undefined): number | undefined => {
  if (raw === undefined) return undefined
  if (!/^\d{4}$/.test(raw) || Number(raw) < 2000)
    throw new UsageError(`--year must be a year (YYYY, ≥ 2000), not '${raw}'`)
  return Number(raw)
}

/**
 * `kas check-loss-matrix [--year Y]`: lists every policy-year (of tax year Y, or all) whose stored deduction
 * `used_negative_return` differs from the sum of the loss-matrix cells into it (domain.md §4.2 step 6), one line each,
 * then a count. Exit 0 when there is none, 1 when there is any (or the check failed), 2 for bad options.
 */
export const checkLossMatrix: Command = {
  run: async (argv) => {
    const { values } = parse(argv, { year: { type: "string" } })
    const year = yearOf(values.year)
    const settings = KasConfig.loadOrExit("kas check-loss-matrix", KasConfig.BackOfficeConfig.common)
    let violations = 0
    const code = await runMain(
      Effect.gen(function* () {
        const result = yield* (yield* LossMatrixCheck).run({ year })
        violations = result.violations.length
        yield* Effect.sync(() => {
          for (const v of result.violations) {
            console.log(
              `${v.year} CPR ${v.cpr} selskab ${v.pensionCompanyId} ` +
                `police ${v.policyNumber} (id ${v.policyTaxYearId}): ` +
                `used_negative_return ${v.usedNegativeReturn}, cells ${v.cellsSum}`
            )
          }
          const scope = year === undefined ? "" : ` of ${year}`
          console.log(`${violations} of ${result.checked} policy-years${scope} deduct other than their cells record`)
        })
      }).pipe(Effect.provide(LossMatrixCheck.Default.pipe(Layer.provide(Database.layer(settings)))))
    )
    return code !== 0 ? code : violations > 0 ? 1 : 0
  }
}
