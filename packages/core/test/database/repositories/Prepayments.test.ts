import { SqlClient } from "@effect/sql"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Exit, Layer } from "effect"
import { FileStore, PrepaymentFileInvalid, Prepayments, Transactions } from "../../../src/index.js"
import { domainLayer, personWithYears } from "../fixtures.js"

const layer = Prepayments.Default.pipe(Layer.provide(FileStore.layerPostgres), Layer.provideMerge(domainLayer))

const file = (lines: ReadonlyArray<string>) => new Uint8Array(Buffer.from(lines.join("\r\n"), "latin1"))

const prepayments = () =>
  Effect.flatMap(
    SqlClient.SqlClient,
    (sql) =>
      sql<{ prepayment_id: string; amount: string; status: string; prepayment_file_id: number }>`
      select prepayment_id, amount::text as amount, status, prepayment_file_id from kas.transaction
      where type = 'prepayment' order by prepayment_id`
  )

describe("prepayment import (jobs.md §8.2)", () => {
  it.layer(layer)((it) => {
    it.effect("good, missing and duplicate lines; a second import of the same file changes nothing", () =>
      Effect.gen(function* () {
        const service = yield* Prepayments
        const anna = yield* personWithYears("0101014444", [2023])
        yield* personWithYears("0202024444", [2022])
        const content = file([
          "PGF85;101014444;x;2023;500;a;b;P-1",
          "PGF85;0101014444;x;2023;250;a;b;P-2",
          "PGF85;0202024444;x;2023;100;a;b;P-3", // the person has no 2023
          "PGF85;0909094444;x;2023;100;a;b;P-4", // no such person
          "PGF85;0101014444;x;2023;250;a;b;P-2" // the same payment twice
        ])
        const first = yield* service.storeFile({ name: "ind.csv", content, uploadedById: null })
        const result = yield* service.importFile(first)
        assert.deepStrictEqual(result, {
          created_transactions: [
            { transaction: "Forudindbetaling for Test på -500 i 2023", person: anna.personId, year: 2023 },
            { transaction: "Forudindbetaling for Test på -250 i 2023", person: anna.personId, year: 2023 }
          ],
          errors: [
            "Personskatteår eksisterer ikke for 0202024444 i år 2023",
            "Personskatteår eksisterer ikke for 0909094444 i år 2023",
            "Forudindbetaling P-2 er allerede importeret"
          ]
        })
        const rows = yield* prepayments()
        assert.deepStrictEqual(
          rows.map((r) => [r.prepayment_id, r.amount, r.status, r.prepayment_file_id]),
          [
            ["P-1", "-500", "transferred", first],
            ["P-2", "-250", "transferred", first]
          ]
        )
        const txs = yield* (yield* Transactions).listByPersonTaxYear(anna.personTaxYears.get(2023)!)
        assert.deepStrictEqual(txs.map((t) => [t.type, t.amount]).sort(), [
          ["prepayment", -250],
          ["prepayment", -500]
        ])

        // The same file again (uploaded anew): every payment is a duplicate, nothing is created.
        const second = yield* service.storeFile({ name: "ind.csv", content, uploadedById: null })
        const again = yield* service.importFile(second)
        assert.deepStrictEqual(again.created_transactions, [])
        assert.deepStrictEqual(again.errors, [
          "Forudindbetaling P-1 er allerede importeret",
          "Forudindbetaling P-2 er allerede importeret",
          "Personskatteår eksisterer ikke for 0202024444 i år 2023",
          "Personskatteår eksisterer ikke for 0909094444 i år 2023",
          "Forudindbetaling P-2 er allerede importeret"
        ])
        assert.strictEqual((yield* prepayments()).length, 2)
      })
    )

    it.effect("a file with an unreadable line imports nothing and names every bad line", () =>
      Effect.gen(function* () {
        const service = yield* Prepayments
        yield* personWithYears("0303034444", [2023])
        const before = (yield* prepayments()).length
        const id = yield* service.storeFile({
          name: "bad.csv",
          content: file(["PGF85;0303034444;x;2023;100;a;b;Q-1", "PGF85;0303034444;x;2023;tyve;a;b;Q-2", "kort"]),
          uploadedById: null
        })
        const exit = yield* Effect.exit(service.importFile(id))
        assert.isTrue(Exit.isFailure(exit) && exit.cause._tag === "Fail")
        const error = (exit as Exit.Failure<unknown, PrepaymentFileInvalid>).cause
        assert.isTrue(error._tag === "Fail" && error.error instanceof PrepaymentFileInvalid)
        if (error._tag === "Fail") {
          assert.deepStrictEqual(error.error.errors, [
            'Linje 2: ugyldigt beløb "tyve" (hele kroner)',
            "Linje 3: linjen har 1 felter, men skal have mindst 8"
          ])
        }
        assert.strictEqual((yield* prepayments()).length, before)
      })
    )
  })
})
