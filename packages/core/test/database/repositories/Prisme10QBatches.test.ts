import { SqlClient } from "@effect/sql"
import { assert, describe, it } from "@effect/vitest"
import { Chunk, Effect, Stream } from "effect"
import { FinalStatements, Prisme10QBatches, TaxYears, TenQ, Transactions } from "../../../src/index.js"
import { company, domainLayer, personWithYears, policyOverYears } from "../fixtures.js"

const pdf = () => Effect.succeed(new TextEncoder().encode("%PDF-test"))
const at = new Date("2025-01-02T03:04:05Z")
const tenQ = TenQ.renderer({ projectId: "KAS", now: () => at })

describe("the 10Q file of a batch (integrations.md §2.4, §2.5)", () => {
  it.layer(domainLayer)((it) => {
    it.effect("several persons in one batch, in creation order, CRLF between; a cancelled transaction left out", () =>
      Effect.gen(function* () {
        const sql = yield* SqlClient.SqlClient
        const statements = yield* FinalStatements
        const taxYears = yield* TaxYears
        const batches = yield* Prisme10QBatches
        const transactions = yield* Transactions
        const c = yield* company(42000001)
        const people = [
          ["0505054001", 10_000],
          ["0505054002", 20_000],
          ["0505054003", 30_000]
        ] as const
        const ptys: Array<number> = []
        for (const [cpr, amount] of people) {
          const p = yield* personWithYears(cpr, [2016])
          yield* policyOverYears(p.personTaxYears, c, `P-${cpr}`, [[2016, amount]])
          ptys.push(p.personTaxYears.get(2016)!)
        }
        yield* sql`update kas.policy_tax_year set slutlignet = true`
        const year = yield* taxYears.getByYear(2016)
        yield* sql`update kas.tax_year set rate_text_for_transactions = ${"Rate A\n\nRate C"} where id = ${year.id}`
        yield* taxYears.setPeriod(year.id, "ligning")
        for (const pty of ptys) yield* statements.generateBulk(pty, { pdf })
        const generated = yield* batches.generateForYear(year.id, { createdById: 1, tenQ })
        assert.strictEqual(generated.transactions, 3)
        const batchId = generated.batch!.id
        // Distinct creation times make the order of the file the order of creation.
        const txs = yield* Effect.forEach(ptys, (pty) =>
          transactions.listByPersonTaxYear(pty).pipe(Effect.map((ts) => ts[0]!))
        )
        for (const [i, t] of txs.entries())
          yield* sql`update kas.transaction set created_at = now() + make_interval(secs => ${i}) where uuid = ${t.uuid}`

        const content = yield* batches.content(batchId)
        const lines = content.split("\r\n")
        // Per transaction: one 10 line, one 24 line, three 26 lines (the empty rate text line included).
        assert.strictEqual(lines.length, 15)
        assert.isFalse(content.endsWith("\r\n"))
        assert.deepStrictEqual(
          lines.map((l) => l.slice(4, 6)),
          ["10", "24", "26", "26", "26", "10", "24", "26", "26", "26", "10", "24", "26", "26", "26"]
        )
        assert.deepStrictEqual(
          lines.filter((l) => l.slice(4, 6) === "10").map((l) => l.slice(45)),
          people.map(([cpr]) => cpr)
        )
        // 10 000 × 15.3 % = 1530 kr. → 153 000 øre; due 1 September of this year.
        const thisYear = new Intl.DateTimeFormat("en-CA", { timeZone: "America/Nuuk" }).format(new Date()).slice(0, 4)
        assert.strictEqual(lines[1]!.slice(0, 45), ` KAS240202501020304090001620920160505054001` + "00")
        assert.strictEqual(lines[1]!.slice(50, 61), "0000153000+")
        assert.strictEqual(lines[1]!.slice(82, 90), `${thisYear}0901`)
        assert.strictEqual(lines[1]!.slice(-35), `   ${txs[0]!.uuid.replaceAll("-", "")}`)
        assert.strictEqual(lines[3]!.slice(45), "20999002")
        assert.strictEqual(lines[4]!.slice(45), "20999003Rate C")

        // The stream gives the same bytes.
        const streamed = Buffer.concat(Chunk.toArray(yield* Stream.runCollect(batches.contentStream(batchId))))
        assert.strictEqual(streamed.toString("utf8"), content)
        // Only the first transaction (the development destination takes the first 100).
        assert.strictEqual(yield* batches.content(batchId, { first: 1 }), lines.slice(0, 5).join("\r\n"))

        // Invalidating the second person's statement cancels its transaction; the file leaves it out.
        const statement = (yield* statements.listByPersonTaxYear(ptys[1]!))[0]!
        assert.strictEqual((yield* statements.invalidate(statement.uuid)).cancelledTransactions, 1)
        assert.strictEqual((yield* batches.get(batchId)).status, "created")
        const after = (yield* batches.content(batchId)).split("\r\n")
        assert.strictEqual(after.length, 10)
        assert.notInclude(after.join("\n"), txs[1]!.uuid.replaceAll("-", ""))
        assert.deepStrictEqual(
          after.filter((l) => l.slice(4, 6) === "10").map((l) => l.slice(45)),
          ["0505054001", "0505054003"]
        )
        const rest = Buffer.concat(Chunk.toArray(yield* Stream.runCollect(batches.contentStream(batchId))))
        assert.strictEqual(rest.toString("utf8"), after.join("\r\n"))
        // Below the indifference limit (1530 kr. of the first person): not active, not in the file.
        assert.strictEqual((yield* batches.content(batchId, { indifferenceLimit: 4000 })).split("\r\n").length, 5)
      })
    )
  })
})
