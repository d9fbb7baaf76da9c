/**
 * Example: compute the kapitalafkastskat of one policy-year with `Calculation.perform` and print every value.
 *
 *   node --conditions=source --import tsx examples/calculate/main.ts [amount] [days] [options]
 *
 *   amount              the year's return in kroner, before day adjustment (default 10000; negative = a loss)
 *   days                tax-liable days (default: the whole year)
 *   --year Y            tax year (default 2024), decides 365 or 366 days
 *   --loss YEAR=AMOUNT  a loss of an earlier year still available (repeatable)
 *   --foreign N         foreign tax paid, --prepaid N  KAS already paid, --company-pays  the company pays
 *
 * Exits 2 on a usage error and 1 when the calculation refuses its input (the message is the spec's).
 */
import { Calculation, DaysInYear } from "@kas/core"
import { Either } from "effect"

const usage = (problem: string): never => {
  process.stderr.write(
    `${problem}\nusage: main.ts [amount] [days] [--year Y] [--loss YEAR=AMOUNT]... ` +
      "[--foreign N] [--prepaid N] [--company-pays]\n"
  )
  process.exit(2)
}

const integer = (text: string | undefined, what: string): number => {
  const value = Number(text)
  if (text === undefined || text.trim() === "" || !Number.isInteger(value)) {
    return usage(`${what} must be a whole number`)
  }
  return value
}

const positional: Array<string> = []
const losses = new Map<number, number>()
let year = 2024
let foreign = 0
let prepaid = 0
let companyPays = false
const args = process.argv.slice(2)
for (let i = 0; i < args.length; i++) {
  const arg = args[i]
  if (arg === "--year") year = integer(args[++i], "--year")
  else if (arg === "--foreign") foreign = integer(args[++i], "--foreign")
  else if (arg === "--prepaid") prepaid = integer(args[++i], "--prepaid")
  else if (arg === "--company-pays") companyPays = true
  else if (arg === "--loss") {
    const [lossYear, amount] = (args[++i] ?? "").split("=")
    losses.set(integer(lossYear, "--loss year"), integer(amount, "--loss amount"))
  } else if (arg.startsWith("--")) usage(`unknown option ${arg}`)
  else positional.push(arg)
}
if (positional.length > 2) usage("too many arguments")

const daysInYear = DaysInYear.daysInYear(year)
const result = Calculation.perform({
  initialAmount: positional[0] === undefined ? 10000 : integer(positional[0], "amount"),
  daysInYear,
  taxableDaysInYear: positional[1] === undefined ? daysInYear : integer(positional[1], "days"),
  availableDeductions: losses,
  foreignPaidAmount: foreign,
  preliminaryPayment: prepaid,
  pensionCompanyPays: companyPays
})

if (Either.isLeft(result)) {
  process.stderr.write(`${result.left.message}\n`)
  process.exit(1)
}
const r = result.right
const used = [...r.desiredDeductions].map(([lossYear, amount]) => `${lossYear}: ${amount}`).join(", ")
const lines: ReadonlyArray<readonly [string, string | number]> = [
  ["Skatteår", year],
  ["Kapitalafkast", r.initialAmount],
  ["Skattedage", `${r.taxableDaysInYear} af ${r.daysInYear}`],
  ["Beløb justeret for dage i skatteår", r.yearAdjustedAmount],
  ["Negativt afkast til rådighed", r.availableNegativeReturn],
  ["Anvendt negativt afkast", used === "" ? "0" : `${r.usedNegativeReturn} (${used})`],
  ["Skattepligtigt beløb", r.taxableAmount],
  ["Beregnet skat uden fradrag", r.fullTax],
  ["Beregnet resultat", r.taxWithDeductions],
  ["Skat til betaling", r.taxToPay]
]
for (const [label, value] of lines) console.log(`${label.padEnd(36)} ${value}`)
if (r.yearAdjustedAmount < 0) console.log(`${"Negativt afkast til fremførsel".padEnd(36)} ${-r.yearAdjustedAmount}`)
