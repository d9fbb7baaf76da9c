import { SqlClient } from "@effect/sql"
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { CompanyMerge, History, Policies, PolicyChanges, Reasons } from "../../../src/index.js"
import { cellMap, company, domainLayer, personWithYears, policyOverYears } from "../fixtures.js"

const results = (ids: ReadonlyMap<number, number>) =>
  Effect.gen(function* () {
    const policies = yield* Policies
    const out: Record<number, [string, number, number]> = {}
    for (const [year, id] of ids) {
      const p = yield* policies.get(id)
      out[year] = [`${p.pension_company_id}/${p.policy_number}`, p.year_adjusted_amount, p.calculated_result]
    }
    return out
  })

/** Every cell of the given policy-years (zeros too), as "fromId→forId" → value. */
const allCells = (ids: ReadonlyArray<number>) =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    sql<{ used_from_id: number; used_for_id: number; v: string }>`select used_from_id, used_for_id,
      transferred_negative_payout::text as v from kas.loss_transfer
      where used_for_id in ${sql.in(ids)} order by id`.pipe(
      Effect.map((rows) => Object.fromEntries(rows.map((r) => [`${r.used_from_id}→${r.used_for_id}`, Number(r.v)])))
    )
  )

const lastEntry = (entity: "PolicyTaxYear" | "LossTransfer", id: number) =>
  Effect.map(
    Effect.flatMap(History, (h) => h.historyOf(entity, id)),
    (entries) => {
      const e = entries[entries.length - 1]!
      return [e.history_type, e.change_reason, e.history_user]
    }
  )

const cellId = (from: number, to: number) =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    sql<{ id: number }>`select id from kas.loss_transfer where used_from_id = ${from} and used_for_id = ${to}`.pipe(
      Effect.map((r) => r[0]!.id)
    )
  )

describe("company and policy-number changes, company merge", () => {
  it.layer(domainLayer)((it) => {
    it.effect(
      "changing a year's company breaks its cells to the old policy, recalculates both identities, refuses bad input",
      () =>
        Effect.gen(function* () {
          const sql = yield* SqlClient.SqlClient
          const changes = yield* PolicyChanges
          const policies = yield* Policies
          const { personTaxYears } = yield* personWithYears("0505055555", [2018, 2019, 2020])
          const a = yield* company(55555551)
          const b = yield* company(55555552)
          const p = yield* policyOverYears(personTaxYears, a, "P-1", [
            [2018, -1000],
            [2019, 300],
            [2020, 800]
          ])
          yield* policyOverYears(personTaxYears, b, "P-1", [[2020, 100]])
          assert.deepStrictEqual(yield* cellMap(p), { "2018→2019": 300, "2018→2020": 700 })
          // A protected cell is broken too.
          yield* policies.saveCell(
            { usedFromId: p.get(2018)!, usedForId: p.get(2019)!, value: 300, protect: true },
            "staff"
          )

          // Bad input changes nothing.
          const taken = yield* Effect.flip(changes.changeCompany(p.get(2020)!, b, "staff"))
          assert.strictEqual(taken.message, "En police med disse oplysninger findes allerede")
          const unknown = yield* Effect.flip(changes.changeCompany(p.get(2019)!, 999_999, "staff"))
          assert.strictEqual(unknown._tag, "NotFound")
          assert.deepStrictEqual(yield* cellMap(p), { "2018→2019": 300, "2018→2020": 700 })

          yield* changes.changeCompany(p.get(2019)!, b, "staff")
          // 2019 is now B's P-1 alone: no loss to use. A's 2018 loss goes to 2020 in full (800 of 1000).
          assert.deepStrictEqual(yield* results(p), {
            2018: [`${a}/P-1`, -1000, 0],
            2019: [`${b}/P-1`, 300, 45],
            2020: [`${a}/P-1`, 800, 0]
          })
          assert.deepStrictEqual(yield* allCells([p.get(2019)!, p.get(2020)!]), {
            [`${p.get(2018)!}→${p.get(2019)!}`]: 0,
            [`${p.get(2018)!}→${p.get(2020)!}`]: 800
          })
          assert.deepStrictEqual(yield* lastEntry("PolicyTaxYear", p.get(2019)!), [
            "~",
            Reasons.recalcCompanyChange,
            "staff"
          ])
          assert.deepStrictEqual(yield* lastEntry("LossTransfer", yield* cellId(p.get(2018)!, p.get(2019)!)), [
            "~",
            Reasons.recalcCompanyChange,
            "staff"
          ])
          // B's 2020 P-1 is now the later year of 2019 and was recalculated (no loss to use).
          const b2020 = (yield* sql<{ id: number }>`select id from kas.policy_tax_year where pension_company_id = ${b}
          and person_tax_year_id = ${personTaxYears.get(2020)!}`)[0]!.id
          assert.deepStrictEqual(yield* lastEntry("PolicyTaxYear", b2020), ["+", Reasons.recalcPolicyCreated, "tester"])

          // An inactive policy-year cannot be changed.
          yield* policies.setActive(p.get(2019)!, false, "staff")
          const inactive = yield* Effect.flip(changes.changeCompany(p.get(2019)!, a, "staff"))
          assert.strictEqual(inactive._tag, "DomainRuleError")
        })
    )

    it.effect(
      "the database refuses a cell between two policies or a later-to-earlier cell, and an identity change with " +
        "live cells",
      () =>
        Effect.gen(function* () {
          const sql = yield* SqlClient.SqlClient
          const { personTaxYears } = yield* personWithYears("0606066666", [2018, 2019])
          const a = yield* company(66666661)
          const b = yield* company(66666662)
          const p = yield* policyOverYears(personTaxYears, a, "S-1", [
            [2018, -500],
            [2019, 400]
          ])
          const q = yield* policyOverYears(personTaxYears, b, "S-1", [[2019, 400]])
          const crossPolicy = yield* Effect.flip(sql`insert into kas.loss_transfer
          (used_from_id, used_for_id, transferred_negative_payout)
          values (${p.get(2018)!}, ${q.get(2019)!}, 1)`)
          assert.match(String(crossPolicy.cause), /Cellen skal gå fra et tidligere år af samme police/)
          const backwards = yield* Effect.flip(sql`insert into kas.loss_transfer (used_from_id, used_for_id)
          values (${p.get(2019)!}, ${p.get(2018)!})`)
          assert.match(String(backwards.cause), /samme police/)
          const identity = yield* Effect.flip(
            sql`update kas.policy_tax_year set pension_company_id = ${b} where id = ${p.get(2018)!}`
          )
          assert.match(String(identity.cause), /skifte identitet/)
          assert.deepStrictEqual(yield* cellMap(p), { "2018→2019": 400 })
        })
    )

    it.effect(
      "a policy number change: unique in the person-year, one year or every year, a conflict anywhere changes nothing",
      () =>
        Effect.gen(function* () {
          const changes = yield* PolicyChanges
          const { personTaxYears } = yield* personWithYears("0707077777", [2018, 2019, 2020])
          const a = yield* company(77777771)
          const p = yield* policyOverYears(personTaxYears, a, "N-1", [
            [2018, -1000],
            [2019, 300],
            [2020, 800]
          ])
          yield* policyOverYears(personTaxYears, a, "OTHER", [[2020, 100]])
          assert.strictEqual(
            (yield* Effect.flip(
              changes.changePolicyNumber(p.get(2019)!, { policyNumber: " ", renameOtherYears: false }, "staff")
            )).message,
            "Policenummer skal udfyldes"
          )
          assert.match(
            (yield* Effect.flip(
              changes.changePolicyNumber(
                p.get(2019)!,
                { policyNumber: "x".repeat(41), renameOtherYears: false },
                "staff"
              )
            )).message,
            /højst være 40 tegn/
          )
          assert.strictEqual(
            (yield* Effect.flip(
              changes.changePolicyNumber(p.get(2020)!, { policyNumber: "OTHER", renameOtherYears: false }, "staff")
            )).message,
            "Policenummeret er allerede brugt af en anden police"
          )
          // Renaming every year conflicts in 2020 only: nothing changes.
          const conflict = yield* Effect.flip(
            changes.changePolicyNumber(p.get(2018)!, { policyNumber: "OTHER", renameOtherYears: true }, "staff")
          )
          assert.strictEqual(conflict.message, "Policenummeret er allerede brugt af en anden police")
          assert.deepStrictEqual(yield* cellMap(p), { "2018→2019": 300, "2018→2020": 700 })

          // Every year renamed: still one policy, the losses stay.
          yield* changes.changePolicyNumber(p.get(2018)!, { policyNumber: "N-2", renameOtherYears: true }, "staff")
          assert.deepStrictEqual(yield* results(p), {
            2018: [`${a}/N-2`, -1000, 0],
            2019: [`${a}/N-2`, 300, 0],
            2020: [`${a}/N-2`, 800, 15]
          })
          assert.deepStrictEqual(yield* cellMap(p), { "2018→2019": 300, "2018→2020": 700 })
          assert.deepStrictEqual(yield* lastEntry("PolicyTaxYear", p.get(2020)!), [
            "~",
            Reasons.recalcPolicyNumberChange,
            "staff"
          ])

          // One year renamed: it leaves the policy, its deduction goes back to the later year.
          yield* changes.changePolicyNumber(p.get(2019)!, { policyNumber: "N-3", renameOtherYears: false }, "staff")
          assert.deepStrictEqual(yield* results(p), {
            2018: [`${a}/N-2`, -1000, 0],
            2019: [`${a}/N-3`, 300, 45],
            2020: [`${a}/N-2`, 800, 0]
          })
          assert.deepStrictEqual(yield* cellMap(p), { "2018→2020": 800 })
        })
    )

    it.effect(
      "merging companies moves their policies with their losses, deletes them, and refuses self-merges and conflicts",
      () =>
        Effect.gen(function* () {
          const sql = yield* SqlClient.SqlClient
          const merge = yield* CompanyMerge
          const { personTaxYears } = yield* personWithYears("0808088888", [2018, 2019])
          const other = yield* personWithYears("0808088889", [2019])
          const target = yield* company(88888880)
          const a = yield* company(88888881)
          const b = yield* company(88888882)
          const pa = yield* policyOverYears(personTaxYears, a, "M-1", [
            [2018, -1000],
            [2019, 600]
          ])
          const pb = yield* policyOverYears(other.personTaxYears, b, "M-9", [[2019, 2000]])
          const clash = yield* policyOverYears(other.personTaxYears, target, "M-9", [[2019, 50]])
          const companies = () =>
            sql<{ n: number }>`select count(*)::int as n from kas.pension_company
          where id in ${sql.in([target, a, b])}`.pipe(Effect.map((r) => r[0]!.n))

          assert.strictEqual(
            (yield* Effect.flip(merge.merge({ target: a, toBeMerged: [a, b] }, "staff"))).message,
            "Du kan ikke flette Selskab 88888881 ind i sig selv"
          )
          assert.strictEqual(
            (yield* Effect.flip(merge.merge({ target: 999_999, toBeMerged: [a] }, "staff"))).message,
            "Målselskabet findes ikke"
          )
          const conflict = yield* Effect.flip(merge.merge({ target, toBeMerged: [a, b] }, "staff"))
          assert.strictEqual(conflict._tag, "MergeConflict")
          assert.deepStrictEqual(conflict._tag === "MergeConflict" ? conflict.conflicts : [], ["0808088889 2019 M-9"])
          assert.strictEqual(yield* companies(), 3)

          yield* sql`update kas.policy_tax_year set policy_number = 'M-8' where id = ${clash.get(2019)!}`
          const progress: Array<number> = []
          const result = yield* merge.merge({ target, toBeMerged: [a, b] }, "staff", (p) =>
            Effect.sync(() => progress.push(p))
          )
          assert.deepStrictEqual(result, {
            movedPolicies: 3,
            mergedCompanies: 2,
            message: "Flyttede 3 policer og flettede 2 pensionsselskaber."
          })
          assert.deepStrictEqual(progress, [50, 100])
          assert.strictEqual(yield* companies(), 1)
          assert.deepStrictEqual(yield* results(pa), {
            2018: [`${target}/M-1`, -1000, 0],
            2019: [`${target}/M-1`, 600, 0]
          })
          assert.deepStrictEqual(yield* results(pb), { 2019: [`${target}/M-9`, 2000, 306] })
          assert.deepStrictEqual(yield* cellMap(pa), { "2018→2019": 600 })
          assert.deepStrictEqual(yield* lastEntry("PolicyTaxYear", pa.get(2019)!), ["~", Reasons.recalcMerge, "staff"])
        })
    )
  })
})
