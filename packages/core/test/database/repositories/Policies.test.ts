import { SqlClient } from "@effect/sql"
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { History, Policies } from "../../../src/index.js"
import { company, domainLayer, personWithYears, policyOverYears } from "../fixtures.js"

const refusal = <A, E extends { readonly _tag: string }, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.map(Effect.flip(effect), (e) => [e._tag, (e as unknown as { message: string }).message])

const last = (id: number) =>
  Effect.map(
    Effect.flatMap(History, (h) => h.historyOf("PolicyTaxYear", id)),
    (entries) => entries.map((e) => [e.history_type, e.change_reason, e.history_user])
  )

describe("Policies: staff create, borgerbetaling and the efterbehandling toggle", () => {
  it.layer(domainLayer)((it) => {
    it.effect("create: the number rule, duplicates refused, active amount self-reported, calculated and audited", () =>
      Effect.gen(function* () {
        const policies = yield* Policies
        const { personTaxYears } = yield* personWithYears("0808088888", [2021])
        const pty = personTaxYears.get(2021)!
        const a = yield* company(88888881)
        const input = { person_tax_year_id: pty, pension_company_id: a, self_reported_amount: 1000 }
        assert.deepStrictEqual(yield* refusal(policies.create({ ...input, policy_number: "  " }, "staff")), [
          "DomainRuleError",
          "Policenummer skal udfyldes"
        ])
        assert.deepStrictEqual(yield* refusal(policies.create({ ...input, policy_number: "x".repeat(41) }, "staff")), [
          "DomainRuleError",
          "Policenummeret må højst være 40 tegn"
        ])
        assert.deepStrictEqual(
          yield* refusal(policies.create({ ...input, pension_company_id: 999999, policy_number: "C-1" }, "staff")),
          ["NotFound", "Pensionsselskab 999999 findes ikke"]
        )
        const p = yield* policies.create({ ...input, policy_number: " C-1 " }, "staff")
        assert.strictEqual(p.policy_number, "C-1")
        assert.strictEqual(p.active_amount, 3)
        assert.strictEqual(p.calculated_result, 153)
        assert.deepStrictEqual(yield* last(p.id), [["+", "Genberegning ved oprettelse af police", "staff"]])
        assert.deepStrictEqual(yield* refusal(policies.create({ ...input, policy_number: "C-1" }, "staff")), [
          "DomainRuleError",
          "En police med disse oplysninger findes allerede"
        ])
        const prefilled = yield* policies.create(
          { person_tax_year_id: pty, pension_company_id: a, policy_number: "C-2", prefilled_amount: 500 },
          "staff"
        )
        assert.strictEqual(prefilled.active_amount, 1)
      })
    )

    it.effect("setCitizenPays: only with an agreement and active; a change sets efterbehandling and recalculates", () =>
      Effect.gen(function* () {
        const sql = yield* SqlClient.SqlClient
        const policies = yield* Policies
        const { personTaxYears } = yield* personWithYears("0909099999", [2021])
        const pty = personTaxYears.get(2021)!
        const without = yield* company(99999991)
        const withAgreement = yield* company(99999992, true)
        const plain = yield* policies.create(
          { person_tax_year_id: pty, pension_company_id: without, policy_number: "N", prefilled_amount: 1000 },
          "staff"
        )
        assert.deepStrictEqual(yield* refusal(policies.setCitizenPays(plain.id, true, "staff")), [
          "DomainRuleError",
          "Pensionsselskabet har ingen aftale med Skattestyrelsen om automatisk betaling"
        ])
        const p = yield* policies.create(
          { person_tax_year_id: pty, pension_company_id: withAgreement, policy_number: "A", prefilled_amount: 1000 },
          "staff"
        )
        const before = (yield* last(p.id)).length
        const unchanged = yield* policies.setCitizenPays(p.id, false, "staff")
        assert.strictEqual(unchanged.efterbehandling, false)
        assert.strictEqual((yield* last(p.id)).length, before)
        const changed = yield* policies.setCitizenPays(p.id, true, "clerk")
        assert.strictEqual(changed.citizen_pay_override, true)
        assert.strictEqual(changed.efterbehandling, true)
        assert.deepStrictEqual((yield* last(p.id)).at(-1), ["~", "Genberegning ved ændring af borgerbetaling", "clerk"])
        yield* sql`update kas.policy_tax_year set active = false where id = ${p.id}`
        assert.deepStrictEqual(yield* refusal(policies.setCitizenPays(p.id, false, "staff")), [
          "DomainRuleError",
          "Policen er afregistreret; aktivér den før den ændres"
        ])
      })
    )

    it.effect("setEfterbehandling: audited with its reason, nothing else changes, also on an inactive policy", () =>
      Effect.gen(function* () {
        const sql = yield* SqlClient.SqlClient
        const policies = yield* Policies
        const { personTaxYears } = yield* personWithYears("1010101010", [2021])
        const a = yield* company(10101011)
        const p = yield* policies.create(
          {
            person_tax_year_id: personTaxYears.get(2021)!,
            pension_company_id: a,
            policy_number: "E",
            prefilled_amount: 1
          },
          "staff"
        )
        yield* sql`update kas.policy_tax_year set active = false where id = ${p.id}`
        const before = yield* policies.get(p.id)
        const on = yield* policies.setEfterbehandling(p.id, true, "clerk")
        assert.deepStrictEqual({ ...on }, { ...before, efterbehandling: true })
        assert.deepStrictEqual((yield* last(p.id)).at(-1), ["~", "Kræver efterbehandling ændret", "clerk"])
        const count = (yield* last(p.id)).length
        yield* policies.setEfterbehandling(p.id, true, "clerk")
        assert.strictEqual((yield* last(p.id)).length, count)
      })
    )

    it.effect("yearsOfSamePolicies: every year of each policy of a person-year, oldest first", () =>
      Effect.gen(function* () {
        const policies = yield* Policies
        const { personTaxYears } = yield* personWithYears("1111111118", [2019, 2020, 2021])
        const a = yield* company(11111111)
        const b = yield* company(11111112)
        const ids = yield* policyOverYears(personTaxYears, a, "Y", [
          [2019, 1],
          [2021, 1]
        ])
        const other = yield* policyOverYears(personTaxYears, b, "Y", [[2020, 1]])
        const single = yield* policyOverYears(personTaxYears, a, "Z", [[2021, 1]])
        assert.deepStrictEqual(yield* policies.yearsOfSamePolicies(personTaxYears.get(2021)!), [
          { policy_id: ids.get(2021)!, id: ids.get(2019)!, year: 2019 },
          { policy_id: ids.get(2021)!, id: ids.get(2021)!, year: 2021 },
          { policy_id: single.get(2021)!, id: single.get(2021)!, year: 2021 }
        ])
        assert.deepStrictEqual(yield* policies.yearsOfSamePolicies(personTaxYears.get(2020)!), [
          { policy_id: other.get(2020)!, id: other.get(2020)!, year: 2020 }
        ])
      })
    )
  })
})
