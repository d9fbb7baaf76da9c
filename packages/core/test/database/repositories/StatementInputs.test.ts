import { SqlClient } from "@effect/sql"
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { StatementAmounts, StatementInputs } from "../../../src/index.js"
import { company, domainLayer, personWithYears, policyOverYears } from "../fixtures.js"

describe("final statement inputs", () => {
  it.layer(domainLayer)((it) => {
    it.effect("gathers active policies with their tax to pay, who pays, and the transactions", () =>
      Effect.gen(function* () {
        const sql = yield* SqlClient.SqlClient
        const { personTaxYears } = yield* personWithYears("0909090909", [2020, 2021])
        const citizenPays = yield* company(90000001)
        const companyPays = yield* company(90000002, true)
        yield* policyOverYears(personTaxYears, citizenPays, "C-1", [
          [2020, -1000],
          [2021, 11_000]
        ])
        yield* policyOverYears(personTaxYears, companyPays, "K-1", [[2021, 5000]])
        const inactive = yield* policyOverYears(personTaxYears, citizenPays, "I-1", [[2021, 5000]])
        yield* sql`update kas.policy_tax_year set active = false where id = ${inactive.get(2021)!}`
        const pty = personTaxYears.get(2021)!
        yield* sql`insert into kas.transaction (person_tax_year_id, amount, status, type)
          values (${pty}, -200, 'transferred', 'prepayment')`
        const gathered = yield* (yield* StatementInputs).gather(pty)
        assert.deepStrictEqual(
          gathered.input.policies.map((p) => [p.policyNumber, p.pensionCompanyPays, p.taxToPay]),
          [
            ["C-1", false, 1530],
            ["K-1", true, 0]
          ]
        )
        assert.strictEqual(gathered.input.previousStatementExists, false)
        const amounts = StatementAmounts.compute(gathered.input)
        assert.strictEqual(amounts.totalTax, 1530)
        assert.strictEqual(amounts.remainder, 1330)
        assert.strictEqual(amounts.totalPayment, 1330)
      })
    )
  })
})
