import { SqlClient } from "@effect/sql"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Exit } from "effect"
import {
  DomainRuleError,
  FileStore,
  FinalStatements,
  Locks,
  Policies,
  Prisme10QBatches,
  TaxYears,
  Transactions
} from "../../../src/index.js"
import { company, domainLayer, personWithYears, policyOverYears } from "../fixtures.js"

const pdf = () => Effect.succeed(new TextEncoder().encode("%PDF-test"))
const tenQ = (t: { readonly uuid: string; readonly amount: number; readonly dueDate: string }) =>
  Effect.succeed(`10Q ${t.uuid.replaceAll("-", "")} ${t.amount} ${t.dueDate}`)
const options = { pdf, tenQ, createdById: 7 }
const form = { interestOnRemainder: 0, extraPaymentForPreviousMissing: 0, textUsedForPayment: "DUE_ON_DATE" as const }

/** The failure message of an effect that must fail. */
const failureMessage = <A, E extends { readonly message: string }, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.flatMap(Effect.exit(effect), (exit) =>
    Exit.isFailure(exit) && exit.cause._tag === "Fail"
      ? Effect.succeed(exit.cause.error.message)
      : Effect.die(new Error(`expected a failure, got ${String(exit)}`))
  )

const count = (table: string) =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    sql.unsafe<{ n: number }>(`select count(*)::int as n from kas.${table}`).pipe(Effect.map((r) => r[0]!.n))
  )

/** 1st of the month four months after today's in America/Nuuk (domain.md §5.4). */
const dueOnDate = () => {
  const [y, m] = new Intl.DateTimeFormat("en-CA", { timeZone: "America/Nuuk" })
    .format(new Date())
    .split("-")
    .map(Number)
  const index = m! - 1 + 4
  return `${y! + Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, "0")}-01`
}

describe("final statements, transactions, batches and lock totals", () => {
  it.layer(domainLayer)((it) => {
    it.effect(
      "an individual statement: refusals, money flow, batch and transaction, sending, lock totals, invalidation",
      () =>
        Effect.gen(function* () {
          const sql = yield* SqlClient.SqlClient
          const statements = yield* FinalStatements
          const taxYears = yield* TaxYears
          const locks = yield* Locks
          const batches = yield* Prisme10QBatches
          const transactions = yield* Transactions
          const policies = yield* Policies
          const { personTaxYears } = yield* personWithYears("0101014444", [2023])
          const pty = personTaxYears.get(2023)!
          const year = yield* taxYears.getByYear(2023)

          // No policies yet.
          assert.strictEqual(
            yield* failureMessage(statements.generate(pty, form, options)),
            "Personen har ingen policer i 2023"
          )
          const citizen = yield* company(40000001)
          const agreement = yield* company(40000002, true)
          const c1 = (yield* policyOverYears(personTaxYears, citizen, "C-1", [[2023, 11_000]])).get(2023)!
          yield* policyOverYears(personTaxYears, agreement, "K-1", [[2023, 5000]])

          // Period: only genoptagelsesperiode; then every active policy must be slutlignet.
          assert.match(
            yield* failureMessage(statements.generate(pty, form, options)),
            /kun tilladt i genoptagelsesperiode/
          )
          yield* taxYears.setPeriod(year.id, "genoptagelsesperiode")
          assert.strictEqual(
            yield* failureMessage(statements.generate(pty, form, options)),
            "Alle aktive policer skal være slutlignet før der kan genereres en slutopgørelse"
          )
          yield* sql`update kas.policy_tax_year set slutlignet = true where person_tax_year_id = ${pty}`

          // Bad form input.
          assert.match(
            yield* failureMessage(statements.generate(pty, { ...form, interestOnRemainder: 1.234 }, options)),
            /Procentsatsen/
          )
          assert.match(
            yield* failureMessage(statements.generate(pty, { ...form, interestOnRemainder: 1000 }, options)),
            /Procentsatsen/
          )
          assert.match(
            yield* failureMessage(statements.generate(pty, { ...form, extraPaymentForPreviousMissing: -1 }, options)),
            /Ekstra beløb/
          )
          assert.match(
            yield* failureMessage(statements.generate(pty, { ...form, textUsedForPayment: "BULK" }, options)),
            /tekst om beløb/
          )
          assert.strictEqual(yield* count("final_statement"), 0)
          assert.strictEqual(yield* count("file"), 0)

          // The first statement: 11 000 × 15.3 % = 1683 kr. for the citizen's policy; the company pays the other.
          const first = yield* statements.generate(pty, form, options)
          assert.strictEqual(first.statement.text_used_for_payment, 2)
          assert.strictEqual(first.statement.due_date_used, dueOnDate())
          assert.strictEqual(first.statement.lock_id, (yield* taxYears.currentLock(year.id)).id)
          const amounts = first.statement.amounts as Record<string, unknown>
          assert.strictEqual(amounts.total_tax, 1683)
          assert.strictEqual(amounts.prisme_amount, 1683)
          assert.strictEqual(amounts.total_payment, 1683)
          const file = yield* (yield* FileStore).get(first.statement.pdf_file_id)
          assert.strictEqual(new TextDecoder().decode(file.content), "%PDF-test")
          assert.strictEqual(file.name, "Y_FINAL_2023_0101014444.pdf")
          const batch = yield* batches.get(first.batchId!)
          assert.strictEqual(batch.status, "created")
          assert.strictEqual(batch.created_by_id, 7)
          assert.strictEqual(batch.collect_date, first.statement.due_date_used)
          const [tx] = yield* transactions.listByPersonTaxYear(pty)
          assert.strictEqual(tx!.amount, 1683)
          assert.strictEqual(tx!.status, "created")
          assert.strictEqual(tx!.final_statement_uuid, first.statement.uuid)
          assert.strictEqual(tx!.prisme10q_content, `10Q ${tx!.uuid.replaceAll("-", "")} 1683 ${batch.collect_date}`)
          assert.strictEqual(
            tx!.summary,
            "Afgift for police nr. C-1 ved Selskab 40000001: 1683\n" +
              "Afgift for police nr. K-1 ved Selskab 40000002 (betalt af pensionsselskab): 0\n\nI alt: 1683"
          )
          assert.strictEqual(yield* batches.content(batch.id), tx!.prisme10q_content)

          // A statement has one charge: adding it again is refused.
          const again = yield* Effect.exit(transactions.addForStatement(first.statement.uuid, batch.id, tenQ))
          assert.isTrue(Exit.isFailure(again))

          // Outstanding 1683: the lock cannot be closed, and nothing changes.
          let [lock] = yield* locks.listWithTotals(year.id)
          assert.deepStrictEqual(
            [lock!.statements, lock!.totalTax, lock!.transferred, lock!.outstanding, lock!.allowClosing],
            [1, 1683, 0, 1683, false]
          )
          assert.strictEqual(
            yield* failureMessage(taxYears.closeLock(year.id)),
            "Kan ikke oprette ny lås da der mangler at blive overført 1683 kr. til prisme!"
          )
          assert.strictEqual((yield* taxYears.locks(year.id)).length, 1)

          // Sending: created → delivering (once) → delivered; the transaction is transferred.
          yield* batches.startSending(batch.id)
          assert.match(yield* failureMessage(batches.startSending(batch.id)), /status "delivering"/)
          const sent = yield* batches.markSent(batch.id, { destination: "10q_mocking", deliveredById: 7 })
          assert.strictEqual(sent.status, "delivered")
          assert.strictEqual((yield* transactions.get(tx!.uuid)).status, "transferred")
          ;[lock] = yield* locks.listWithTotals(year.id)
          assert.deepStrictEqual([lock!.transferred, lock!.outstanding, lock!.allowClosing], [1683, 0, true])

          // A higher assessed amount and a second statement with 2.50 % interest on the remainder.
          yield* policies.editAmounts(
            c1,
            {
              prefilled_amount_edited: null,
              assessed_amount: 21_000,
              foreign_paid_amount_actual: 0,
              preliminary_paid_amount: 0,
              slutlignet: true
            },
            "tester"
          )
          const second = yield* statements.generate(
            pty,
            { ...form, interestOnRemainder: 2.5, textUsedForPayment: "DUE" },
            options
          )
          const a2 = second.statement.amounts as Record<string, unknown>
          // total 3213, already transferred 1683 → remainder 1530, interest trunc(0.025 × 1530) = 38.
          assert.deepStrictEqual([a2.total_tax, a2.remainder, a2.interest, a2.prisme_amount], [3213, 1530, 38, 1568])
          assert.strictEqual(second.statement.due_date_used, "2024-09-01")
          ;[lock] = yield* locks.listWithTotals(year.id)
          // The person counts once, with the newest statement's total tax.
          assert.deepStrictEqual(
            [lock!.statements, lock!.totalTax, lock!.transferred, lock!.outstanding, lock!.allowClosing],
            [2, 3213, 1683, 1568, false]
          )
          const rows = yield* locks.statementRows(lock!.id)
          assert.deepStrictEqual(
            rows.map((r) => [r.totalTax, r.transferred, r.outstanding]),
            [
              [3213, 0, 1568],
              [1683, 1683, 0]
            ]
          )

          // Invalidating the second cancels its pending transaction and its then empty batch.
          const invalidated = yield* statements.invalidate(second.statement.uuid)
          assert.strictEqual(invalidated.cancelledTransactions, 1)
          assert.strictEqual((yield* batches.get(second.batchId!)).status, "cancelled")
          ;[lock] = yield* locks.listWithTotals(year.id)
          assert.deepStrictEqual(
            [lock!.statements, lock!.totalTax, lock!.outstanding, lock!.allowClosing],
            [1, 1683, 0, true]
          )

          // A sent statement cannot be invalidated.
          yield* sql`update kas.final_statement set status = 'send' where uuid = ${first.statement.uuid}`
          assert.match(yield* failureMessage(statements.invalidate(first.statement.uuid)), /ikke er afsendt/)

          // Nothing outstanding: closing opens the next lock.
          yield* taxYears.closeLock(year.id)
          assert.strictEqual((yield* locks.listWithTotals(year.id)).length, 2)
        })
    )

    it.effect("a batch of another tax year refuses the transaction; a failed upload can be sent again", () =>
      Effect.gen(function* () {
        const sql = yield* SqlClient.SqlClient
        const statements = yield* FinalStatements
        const taxYears = yield* TaxYears
        const batches = yield* Prisme10QBatches
        const transactions = yield* Transactions
        const { personTaxYears } = yield* personWithYears("0202024444", [2021, 2022])
        const c = yield* company(40000003)
        yield* policyOverYears(personTaxYears, c, "X-1", [[2021, 1000]])
        yield* sql`update kas.policy_tax_year set slutlignet = true`
        const y2021 = yield* taxYears.getByYear(2021)
        const y2022 = yield* taxYears.getByYear(2022)
        yield* taxYears.setPeriod(y2021.id, "genoptagelsesperiode")
        const generated = yield* statements.generate(personTaxYears.get(2021)!, form, options)
        const other = yield* batches.create({ taxYearId: y2022.id, createdById: null, collectDate: null })
        const refused = yield* Effect.exit(transactions.addForStatement(generated.statement.uuid, other.id, tenQ))
        assert.isTrue(
          Exit.isFailure(refused) && refused.cause._tag === "Fail" && refused.cause.error instanceof DomainRuleError
        )
        assert.match(
          yield* failureMessage(transactions.addForStatement(generated.statement.uuid, other.id, tenQ)),
          /skatteår/
        )

        const batchId = generated.batchId!
        yield* batches.startSending(batchId)
        const failed = yield* batches.markFailed(batchId, "SFTP: connection refused")
        assert.deepStrictEqual([failed.status, failed.delivery_error], ["failed", "SFTP: connection refused"])
        yield* batches.startSending(batchId)
        const dev = yield* batches.markSent(batchId, { destination: "10q_development", deliveredById: 1 })
        // The development destination leaves the batch created and the transaction untouched.
        assert.strictEqual(dev.status, "created")
        assert.notStrictEqual(dev.delivered, null)
        assert.strictEqual((yield* transactions.listByPersonTaxYear(personTaxYears.get(2021)!))[0]!.status, "created")
        // 153 kr. is above the limit and is active; below it a transaction is indifferent at delivery.
        yield* sql`update kas.transaction set amount = 99 where prisme10q_batch_id = ${batchId}`
        assert.strictEqual((yield* batches.activeTransactions(batchId)).length, 0)
        yield* batches.startSending(batchId)
        yield* batches.markSent(batchId, { destination: "10q_production", deliveredById: 1 })
        assert.strictEqual(
          (yield* transactions.listByPersonTaxYear(personTaxYears.get(2021)!))[0]!.status,
          "indifferent"
        )
      })
    )

    it.effect(
      "bulk statements: only in ligning, text BULK, due 1 September next year, no transaction, no duplicates",
      () =>
        Effect.gen(function* () {
          const sql = yield* SqlClient.SqlClient
          const statements = yield* FinalStatements
          const taxYears = yield* TaxYears
          const { personTaxYears } = yield* personWithYears("0303034444", [2019])
          const pty = personTaxYears.get(2019)!
          const c = yield* company(40000004)
          yield* policyOverYears(personTaxYears, c, "B-1", [[2019, 2000]])
          const year = yield* taxYears.getByYear(2019)
          assert.match(yield* failureMessage(statements.generateBulk(pty, { pdf })), /ligning/)
          yield* taxYears.setPeriod(year.id, "ligning")
          // No active slutlignet policy: skipped.
          assert.strictEqual(yield* statements.generateBulk(pty, { pdf }), null)
          yield* sql`update kas.policy_tax_year set slutlignet = true where person_tax_year_id = ${pty}`
          const made = yield* statements.generateBulk(pty, { pdf })
          assert.strictEqual(made!.text_used_for_payment, 1)
          assert.strictEqual(made!.due_date_used, "2020-09-01")
          assert.strictEqual((made!.amounts as Record<string, unknown>).total_tax, 306)
          assert.strictEqual((yield* (yield* Transactions).listByPersonTaxYear(pty)).length, 0)
          assert.strictEqual(yield* statements.generateBulk(pty, { pdf }), null)
          assert.strictEqual((yield* statements.listByPersonTaxYear(pty)).length, 1)
        })
    )
  })
})

describe("transactions and batch for a year (jobs.md §8.9)", () => {
  it.layer(domainLayer)((it) => {
    it.effect(
      "only in ligning; one batch for the charged statements, test persons and zero amounts left out, no double charge",
      () =>
        Effect.gen(function* () {
          const sql = yield* SqlClient.SqlClient
          const statements = yield* FinalStatements
          const taxYears = yield* TaxYears
          const batches = yield* Prisme10QBatches
          const transactions = yield* Transactions
          const citizen = yield* company(41000001)
          const agreement = yield* company(41000002, true)
          const charged = yield* personWithYears("0404044001", [2017])
          const companyPays = yield* personWithYears("0404044002", [2017])
          const testPerson = yield* personWithYears("1212121212", [2017])
          yield* policyOverYears(charged.personTaxYears, citizen, "T-1", [[2017, 10_000]])
          yield* policyOverYears(companyPays.personTaxYears, agreement, "T-2", [[2017, 10_000]])
          yield* policyOverYears(testPerson.personTaxYears, citizen, "T-3", [[2017, 10_000]])
          yield* sql`update kas.policy_tax_year set slutlignet = true`
          const year = yield* taxYears.getByYear(2017)
          const tenQOptions = { createdById: 3, tenQ, jobTitle: "generere transaktioner for" }
          assert.strictEqual(
            yield* failureMessage(batches.generateForYear(year.id, tenQOptions)),
            "Kan kun generere transaktioner for år som er i perioden ligning"
          )
          yield* taxYears.setPeriod(year.id, "ligning")
          for (const p of [charged, companyPays, testPerson])
            yield* statements.generateBulk(p.personTaxYears.get(2017)!, { pdf })
          const first = yield* batches.generateForYear(year.id, tenQOptions)
          assert.deepStrictEqual([first.transactions, first.statements], [1, 2])
          const thisYear = new Intl.DateTimeFormat("en-CA", { timeZone: "America/Nuuk" }).format(new Date()).slice(0, 4)
          assert.deepStrictEqual([first.batch!.collect_date, first.batch!.created_by_id], [`${thisYear}-09-01`, 3])
          const [tx] = yield* transactions.listByPersonTaxYear(charged.personTaxYears.get(2017)!)
          assert.deepStrictEqual([tx!.amount, tx!.prisme10q_batch_id, tx!.status], [1530, first.batch!.id, "created"])
          assert.strictEqual(tx!.prisme10q_content, `10Q ${tx!.uuid.replaceAll("-", "")} 1530 ${thisYear}-09-01`)
          assert.strictEqual((yield* transactions.listByPersonTaxYear(testPerson.personTaxYears.get(2017)!)).length, 0)
          // A second run charges nothing twice and makes no empty batch.
          const second = yield* batches.generateForYear(year.id, tenQOptions)
          assert.deepStrictEqual([second.batch, second.transactions, second.statements], [null, 0, 1])
        })
    )
  })
})
