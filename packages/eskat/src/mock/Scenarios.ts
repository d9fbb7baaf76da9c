/** The fixed scenario persons of eskat.md §6.2, described relative to the last generated year. */

/** One R75 line: an amount (null = empty `renteindtaegt`) and an optional report date `YYYYMMDD`. */
export interface Line {
  readonly amount: number | null
  readonly date?: string
}

/** One policy in one year: company `res`, policy number `ktd` and its R75 lines. */
export interface PolicyYear {
  readonly res: string
  readonly ktd: string
  readonly lines: ReadonlyArray<Line>
}

/** One census year of a person: days (default the whole year), scope (default fully liable) and policies. */
export interface PersonYear {
  readonly year: number
  readonly days?: number
  readonly scope?: string
  readonly policies: ReadonlyArray<PolicyYear>
}

/** A generated person with the census fields that differ from the defaults of eskat.md §6.1. */
export interface MockPerson {
  readonly cpr: string
  readonly name: string
  readonly municipality?: { readonly code: number; readonly name: string }
  readonly addressLines?: readonly [string | null, string | null, string | null, string | null, string | null]
  readonly years: ReadonlyArray<PersonYear>
}

/** The default company (eskat.md §6.1). */
export const DEFAULT_RES = "19676889"
/** Companies with an agreement (eskat.md §6.1). */
export const PFA = "55143315"
/** PensionDanmark, also with an agreement. */
export const PENSION_DANMARK = "34177104"
/** The self-service test identity (eskat.md §6.2 #16). */
export const DEFAULT_CPR = "1802602810"

const cprOf = (n: number) => `${String(n).padStart(2, "0")}0170${9900 + n}`

/** One policy over consecutive years starting at `from`, one amount per year. */
const series = (from: number, res: string, ktd: string, amounts: ReadonlyArray<number | null>) =>
  amounts.map((amount, i) => ({ year: from + i, policy: { res, ktd, lines: [{ amount }] } }))

type Entry = { readonly year: number; readonly policy?: PolicyYear; readonly days?: number; readonly scope?: string }

/** Merges per-policy entries into census years (sorted). */
const years = (...entries: ReadonlyArray<Entry>): ReadonlyArray<PersonYear> => {
  const byYear = new Map<number, { days?: number; scope?: string; policies: Array<PolicyYear> }>()
  for (const e of entries) {
    const y = byYear.get(e.year) ?? { policies: [] }
    if (e.days !== undefined) y.days = e.days
    if (e.scope !== undefined) y.scope = e.scope
    if (e.policy) y.policies.push(e.policy)
    byYear.set(e.year, y)
  }
  return [...byYear.entries()].sort(([a], [b]) => a - b).map(([year, y]) => ({ year, ...y }))
}

/** The 18 scenario persons for a generation whose last year is `t`. */
export const scenarios = (t: number): ReadonlyArray<MockPerson> => {
  const p = (n: number, name: string, ...entries: ReadonlyArray<Entry>): MockPerson => ({
    cpr: n === 16 ? DEFAULT_CPR : cprOf(n),
    name,
    years: years(...entries)
  })
  const k = (n: number, i = 1) => String(n * 100 + i).padStart(10, "0")
  const long = Array.from({ length: t - 2010 + 1 }, (_, i) =>
    i === 2 ? -25_000_000 : i % 5 === 4 ? 0 : i % 2 === 0 ? -(10_000 + i * 1000) : 40_000 + i * 500
  )
  return [
    p(1, "Nul afkast", ...series(t - 4, DEFAULT_RES, k(1), [0, 1000, 0, 2500, 0]), {
      year: t - 1,
      policy: { res: DEFAULT_RES, ktd: k(1, 2), lines: [{ amount: 5000 }, { amount: -5000 }, { amount: 120 }] }
    }),
    p(
      2,
      "Tab der ikke dækker senere afkast",
      ...series(t - 4, DEFAULT_RES, k(2), [-1000, 500, 800, 1200]),
      { year: t, policy: { res: DEFAULT_RES, ktd: k(2), lines: [{ amount: 900, date: `${t + 1}0915` }] } },
      ...series(t - 1, PFA, k(2, 2), [3000, 4000])
    ),
    p(3, "Tab der dækker senere afkast", ...series(t - 3, DEFAULT_RES, k(3), [-50_000, 10_000, 15_000, 5000])),
    p(4, "Intet tab", ...series(t - 2, DEFAULT_RES, k(4), [10_000, 20_000, 30_000])),
    p(
      5,
      "Police hos selskab med aftale og hos andet selskab",
      ...series(t - 1, PENSION_DANMARK, k(5), [25_000, 30_000]),
      ...series(t - 1, DEFAULT_RES, k(5, 2), [12_000, 14_000])
    ),
    p(6, "Personskatteår uden policer", { year: t - 2 }, { year: t - 1 }, { year: t }),
    p(7, "Kun positive afkast de seneste år", ...series(t - 4, DEFAULT_RES, k(7), [-20_000, 3000, 4000, 5000, 6000])),
    p(8, "Kun negative afkast de seneste år", ...series(t - 3, DEFAULT_RES, k(8), [20_000, -3000, -4000, -5000])),
    p(
      9,
      "Ikke fuldt skattepligtig",
      { year: t - 1, scope: "ikke fuld skattepligtig" },
      { year: t, scope: "ikke fuld skattepligtig" },
      ...series(t - 1, DEFAULT_RES, k(9), [10_000, 12_000])
    ),
    p(10, "0 skattedage", { year: t, days: 0 }, ...series(t, DEFAULT_RES, k(10), [15_000])),
    p(11, "Delvist år", { year: t, days: 150 }, ...series(t, DEFAULT_RES, k(11), [20_000])),
    p(
      12,
      "Negativt afkast påvirket af antal dage",
      { year: t - 1, days: 200 },
      { year: t, days: 120 },
      ...series(t - 1, DEFAULT_RES, k(12), [-10_000, 5000])
    ),
    p(13, "Positivt afkast påvirket af antal dage", { year: t, days: 100 }, ...series(t, DEFAULT_RES, k(13), [30_000])),
    p(
      14,
      "Tab med indeværende år påvirket af dage",
      { year: t - 1, days: 146 },
      { year: t, days: 102 },
      ...series(t - 1, DEFAULT_RES, k(14), [-8000, 12_000])
    ),
    p(
      15,
      "Tab ældre end 10 år",
      { year: t - 11, policy: { res: DEFAULT_RES, ktd: k(15), lines: [{ amount: -100_000 }] } },
      { year: t, policy: { res: DEFAULT_RES, ktd: k(15), lines: [{ amount: 50_000 }] } }
    ),
    p(
      16,
      "Testperson til selvbetjening",
      ...series(t - 4, PFA, k(16), [5000, 6000, 7000, 8000, 9000]),
      ...series(t - 4, DEFAULT_RES, k(16, 2), [-15_000, 2000, 4000, -1000, 6000])
    ),
    p(17, "Tab fordelt over flere år", ...series(t - 5, DEFAULT_RES, k(17), [-5000, -7000, -3000, 4000, 6000, 9000])),
    p(18, "Lang historik fra 2010", ...series(2010, DEFAULT_RES, k(18), long))
  ]
}
