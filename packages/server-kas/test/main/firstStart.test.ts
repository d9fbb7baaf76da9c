// npm start's first-start step on a test database: the generated mock eSkat data goes into KAS through the import
// jobs (census and R75 of the recent years), with progress on the console; a second start imports nothing.
import { Companies, Database, KasConfig, TaxYears } from "@kas/core"
import { TestDatabase } from "@kas/core/testing"
import { MockData } from "@kas/eskat"
import { Effect, Layer } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { workerLayer } from "../../src/jobs/layer.js"
import { firstStartYears, importOnFirstStart, progressReporter } from "../../src/main/firstStart.js"
import { query } from "../restFixtures.js"

const CITIZEN = "1802602810"
const TODAY = new Date()
const YEARS = firstStartYears(TODAY)
let db: TestDatabase.TestDb

beforeAll(async () => {
  db = await TestDatabase.createTestDatabase()
  // What `npm start` does before this step (kas import-eskat-mockup-data --if-empty): fill the eSkat mock tables.
  await Effect.runPromise(
    Effect.gen(function* () {
      const result = yield* MockData.fillMockTables({
        persons: 40,
        seed: 1,
        fromYear: 2015,
        toYear: TODAY.getUTCFullYear()
      })
      yield* MockData.ensureTaxYearsAndCompanies(result.years, TODAY.getUTCFullYear())
    }).pipe(
      Effect.provide(
        Layer.merge(TaxYears.Default, Companies.Default).pipe(Layer.provideMerge(Database.layerFromUrl(db.url)))
      ),
      Effect.scoped
    )
  )
})
afterAll(() => db?.drop())

const firstStart = async () => {
  const provider = KasConfig.ConfigReport.providerFromEnv({ ENVIRONMENT: "development", DATABASE_URL: db.url })
  const lines: Array<string> = []
  const outcome = await Effect.runPromise(
    Effect.gen(function* () {
      const settings = yield* KasConfig.load("npm start", KasConfig.BackOfficeConfig.worker, provider)
      return yield* importOnFirstStart({
        years: YEARS,
        environment: settings.environment,
        jobTimeoutSeconds: settings.jobTimeoutSeconds,
        log: (line) => lines.push(line)
      }).pipe(Effect.provide(workerLayer(settings, 4)))
    })
  )
  return { outcome, lines }
}

describe("the first start", () => {
  it("imports census and R75 of the recent years into an empty KAS via the import jobs, with progress", async () => {
    const { outcome, lines } = await firstStart()
    expect(outcome._tag).toBe("Imported")
    const jobs = outcome._tag === "Imported" ? outcome.jobs : []
    expect(jobs.map((j) => [j.type, (j.arguments as { year: number }).year, j.status])).toEqual(
      YEARS.flatMap((y) => [
        ["ImportMandtalJob", y, "finished"],
        ["ImportR75Job", y, "finished"]
      ])
    )
    expect(lines[0]).toContain(`importing the mock eSkat data of ${YEARS.join(", ")}`)
    for (const job of jobs) expect(lines).toContain(`${job.title}: finished`)
    // A line per tenth of progress while a job runs (the 500-ms poll can miss a quick job's running state on a quiet
    // machine, so the reporter is fed the states here instead of relying on the timing).
    const first = jobs[0]!
    const reported: Array<string> = []
    const report = progressReporter((line) => reported.push(line))
    for (const progress of [0, 37, 39, 100]) report({ ...first, status: "running", progress })
    report(first)
    expect(reported).toEqual(["0 %", "30 %", "100 %", "finished"].map((step) => `${first.title}: ${step}`))

    // The default citizen has person-years and policies with amounts in every imported year.
    const rows = await query<{ year: number; policies: number; amount: string | null }>(
      db.url,
      `select t.year, count(p.id)::int as policies, sum(p.prefilled_amount)::text as amount
       from kas.person pe join kas.person_tax_year pty on pty.person_id = pe.id
       join kas.tax_year t on t.id = pty.tax_year_id left join kas.policy_tax_year p on p.person_tax_year_id = pty.id
       where pe.cpr = $1 group by t.year order by t.year`,
      [CITIZEN]
    )
    expect(rows.map((r) => r.year)).toEqual([...YEARS])
    for (const r of rows) expect(r.policies).toBeGreaterThan(0)
    expect(rows.some((r) => Number(r.amount) !== 0)).toBe(true)
    const [persons] = await query<{ n: number }>(db.url, "select count(*)::int as n from kas.person")
    expect(persons!.n).toBeGreaterThan(40)
  })

  it("imports nothing on a second start", async () => {
    const before = await query<{ n: number }>(db.url, "select count(*)::int as n from jobs.job")
    const { outcome, lines } = await firstStart()
    expect(outcome).toEqual({ _tag: "Skipped" })
    expect(lines).toEqual([])
    expect(await query<{ n: number }>(db.url, "select count(*)::int as n from jobs.job")).toEqual(before)
  })
})
