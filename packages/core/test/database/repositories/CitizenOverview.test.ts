import { assert, describe, it } from "@effect/vitest"
import { SqlClient } from "@effect/sql"
import { Effect, Layer } from "effect"
import { CitizenData, CitizenOverview, Cpr, DaysInYear } from "../../../src/index.js"
import { company, domainLayer, personWithYears } from "../fixtures.js"

const CPR = "0101240001"
const OTHER = "0101240002"

/** Two citizens: one with a leap year (part-year, edited and empty amounts, documents) and an ordinary year. */
const seed = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  const { personTaxYears } = yield* personWithYears(CPR, [2023, 2024])
  const other = yield* personWithYears(OTHER, [2024])
  const pfa = yield* company(11111111, false)
  const danica = yield* company(22222222, true)
  yield* sql`update kas.person_tax_year set number_of_days = 200 where id = ${personTaxYears.get(2024)!}`
  const policy = (pty: number, companyId: number, number: string, prefilled: number | null, edited: number | null) =>
    sql<{ id: number }>`insert into kas.policy_tax_year (person_tax_year_id, pension_company_id, policy_number,
      prefilled_amount, prefilled_amount_edited) values (${pty}, ${companyId}, ${number}, ${prefilled}, ${edited})
      returning id`.pipe(Effect.map((r) => r[0]!.id))
  const a = yield* policy(personTaxYears.get(2024)!, pfa, "P-2", 10000, 7001)
  yield* policy(personTaxYears.get(2024)!, danica, "D-1", null, null)
  yield* policy(personTaxYears.get(2024)!, pfa, "P-1", 333, null)
  const inactive = yield* policy(personTaxYears.get(2024)!, pfa, "P-0", 5, null)
  yield* sql`update kas.policy_tax_year set active = false where id = ${inactive}`
  yield* policy(personTaxYears.get(2023)!, pfa, "P-2", 9000, null)
  yield* policy(other.personTaxYears.get(2024)!, pfa, "X-1", 1, null)
  const [file] = yield* sql<{ id: string }>`insert into kas.file (kind, folder, name, size, content)
    values ('policy_document', 'policy_document', 'x.pdf', 5, '\\x255044462d'::bytea) returning id::text as id`
  for (const [name, by] of [
    ["b.pdf", null],
    ["a.pdf", null],
    ["staff.pdf", 1]
  ] as const) {
    yield* sql`insert into kas.policy_document (person_tax_year_id, policy_tax_year_id, uploaded_by_id, name,
      description, file_id, uploaded_at) values (${personTaxYears.get(2024)!}, ${a}, ${by}, ${name}, 'beskrivelse',
      ${file!.id}::uuid, '2024-05-06T07:08:09.123456+02:00')`
  }
})

/** What the separate resources answer for a CPR and year: the overview must answer exactly this. */
const fromResources = (cpr: Cpr, year: number) =>
  Effect.gen(function* () {
    const data = yield* CitizenData
    const policies = yield* data.policies(cpr, { year, active: true })
    return {
      person_tax_years: yield* data.personTaxYears(cpr, {}),
      tax_year: (yield* data.taxYears({ year }))[0] ?? null,
      policies,
      pension_companies: (yield* data.pensionCompanies(cpr, {})).filter((c) =>
        policies.some((p) => p.pension_company === c.id)
      ),
      final_statement_exists: (yield* data.finalStatement(cpr, year)) !== null
    }
  })

// The fast path (a prepared statement on a plain pool) and the SQL-client layer run the same contract.
for (const [name, overviewLayer] of [
  ["layer", CitizenOverview.layer],
  ["layerSql", CitizenOverview.layerSql]
] as const) {
  describe(`CitizenOverview.${name}`, () => {
    it.layer(Layer.mergeAll(CitizenData.Default, overviewLayer).pipe(Layer.provideMerge(domainLayer)))((it) => {
      it.effect("answers exactly what the citizen resources answer, for the CPR only, with the derived fields", () =>
        Effect.gen(function* () {
          yield* seed
          const overview = yield* CitizenOverview
          const json = (cpr: Cpr, year: number) =>
            Effect.promise(() => overview.json(cpr, year)).pipe(Effect.map((t) => JSON.parse(t) as unknown))
          for (const [cpr, year] of [
            [CPR, 2024],
            [CPR, 2023],
            [CPR, 1999],
            [OTHER, 2024],
            ["0000000000", 2024]
          ] as const) {
            const parsed = Cpr.make(cpr)
            assert.deepStrictEqual(yield* json(parsed, year), yield* fromResources(parsed, year))
          }
          const answer = yield* fromResources(Cpr.make(CPR), 2024)
          const days = DaysInYear.daysInYear(2024)
          assert.deepStrictEqual(answer.tax_year, {
            id: answer.tax_year!.id,
            year: 2024,
            days_in_year: 366,
            year_part: "selvangivelse"
          })
          assert.deepStrictEqual(
            answer.person_tax_years.map((y) => y.days_in_year_factor),
            [200 / days, 1]
          )
          assert.deepStrictEqual(
            answer.policies.map((p) => [p.policy_number, p.prefilled_adjusted_amount, p.documents.map((d) => d.name)]),
            [
              ["P-1", Math.trunc(333 * (200 / days)), []],
              ["P-2", Math.trunc(7001 * (200 / days)), ["b.pdf", "a.pdf"]],
              ["D-1", null, []]
            ]
          )
          assert.strictEqual(answer.policies[1]!.documents[0]!.uploaded_at, "2024-05-06T05:08:09.123Z")

          // Asked for at the same time: the fast path reads them in one statement per year (migration 0030), and each
          // caller gets its own CPR's and year's answer, the same text as asked for alone.
          const asked = [
            [CPR, 2024],
            [OTHER, 2024],
            [CPR, 2023],
            ["0000000000", 2024],
            [CPR, 2024],
            [OTHER, 2023]
          ] as const
          const answers = yield* Effect.promise(() =>
            Promise.all(asked.map(([cpr, year]) => overview.json(Cpr.make(cpr), year)))
          )
          for (const [i, [cpr, year]] of asked.entries()) {
            assert.deepStrictEqual(JSON.parse(answers[i]!), yield* fromResources(Cpr.make(cpr), year))
            assert.strictEqual(answers[i], yield* Effect.promise(() => overview.json(Cpr.make(cpr), year)))
          }
          assert.notStrictEqual(answers[0], answers[1])
        })
      )
    })
  })
}
