import { SqlClient } from "@effect/sql"
import { Database, Policies } from "@kas/core"
import { TestDatabase } from "@kas/core/testing"
import { Effect, Layer } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { KAS_BIN, runNode } from "../process.js"
import { query } from "../restFixtures.js"

let db: TestDatabase.TestDb
/** Policy-year ids of the fixture policy by year. */
let ids: Map<number, number>

/** One policy through the services: 2019 loses 1 000, 2020 and 2021 deduct 600 and 400 of it. */
const seed = (url: string) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const policies = yield* Policies
    const [person] = yield* sql<{
      id: number
    }>`insert into kas.person (cpr, name) values ('2901012901', 'T') returning id`
    const [company] = yield* sql<{ id: number }>`insert into kas.pension_company (name, res)
      values ('Selskab', 29012901) returning id`
    yield* sql`insert into kas.tax_year (year) values (2019), (2020), (2021) on conflict (year) do nothing`
    const out = new Map<number, number>()
    for (const [year, amount] of [
      [2019, -1000],
      [2020, 600],
      [2021, 900]
    ] as const) {
      const [pty] = yield* sql<{ id: number }>`insert into kas.person_tax_year (tax_year_id, person_id)
        values ((select id from kas.tax_year where year = ${year}), ${person!.id}) returning id`
      const p = yield* policies.create(
        {
          person_tax_year_id: pty!.id,
          pension_company_id: company!.id,
          policy_number: "LM-1",
          prefilled_amount: amount
        },
        "tester"
      )
      out.set(year, p.id)
    }
    return out
  }).pipe(Effect.provide(Policies.Default.pipe(Layer.provideMerge(Database.layerFromUrl(url)))), Effect.scoped)

beforeAll(async () => {
  db = await TestDatabase.createTestDatabase()
  ids = await Effect.runPromise(seed(db.url))
})
afterAll(() => db.drop())

const run = (args: ReadonlyArray<string>) =>
  runNode([KAS_BIN, "check-loss-matrix", ...args], { ENVIRONMENT: "development", DATABASE_URL: db.url })

describe("kas check-loss-matrix", () => {
  it("exits 0 when every deduction is what its cells record, 1 with a listing when one is not", async () => {
    const clean = run([])
    expect((await clean.exited).code).toBe(0)
    expect(clean.output()).toContain("0 of 3 policy-years deduct other than their cells record")

    // Behind the recalculation's back: 2021's cell says 300, while 2021 deducted 400.
    await query(db.url, `update kas.loss_transfer set transferred_negative_payout = 300 where used_for_id = $1`, [
      ids.get(2021)
    ])
    const dirty = run([])
    expect((await dirty.exited).code).toBe(1)
    expect(dirty.output()).toContain(
      `2021 CPR 2901012901 selskab ${await companyOf(ids.get(2021)!)} police LM-1 (id ${ids.get(2021)}): ` +
        "used_negative_return 400, cells 300"
    )
    expect(dirty.output()).toContain("1 of 3 policy-years deduct other than their cells record")
    expect(dirty.output()).not.toContain(`(id ${ids.get(2020)})`)

    const other = run(["--year", "2020"])
    expect((await other.exited).code).toBe(0)
    expect(other.output()).toContain("0 of 1 policy-years of 2020 deduct other than their cells record")
  })

  it("refuses bad options with the usage and exit code 2", async () => {
    for (const args of [
      ["--year", "20x1"],
      ["--yeer", "2021"]
    ]) {
      const bad = run(args)
      expect((await bad.exited).code).toBe(2)
      expect(bad.output()).toContain("Usage: kas check-loss-matrix [--year <year>]")
    }
  })
})

const companyOf = async (policyId: number) =>
  (
    await query<{ c: number }>(db.url, `select pension_company_id as c from kas.policy_tax_year where id = $1`, [
      policyId
    ])
  )[0]!.c
