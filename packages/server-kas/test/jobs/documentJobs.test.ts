import { execFileSync } from "node:child_process"
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { SqlClient } from "@effect/sql"
import { assert, layer } from "@effect/vitest"
import {
  FileStore,
  FinalStatements,
  Policies,
  Prisme10QBatches,
  StatementCandidates,
  TaxSlips,
  TaxYears,
  Transactions
} from "@kas/core"
import { TestDatabase } from "@kas/core/testing"
import { type JobRecord, JobRegistry, JobStore, Worker } from "@kas/jobs"
import { Effect, Layer } from "effect"
import { afterAll } from "vitest"
import { renderFinalStatement } from "../../src/documents/FinalStatementPdf.js"
import {
  GenerateFinalSettlementsJob,
  GenerateFinalSettlementsPart,
  GenerateReportsForYearJob,
  StatementChunkSize
} from "../../src/jobs/documentJobs.js"

// Statement and tax-slip generation with the real PDFs (jobs.md §8.6, §8.7; staff-web.md §11.1; domain.md §5).
const dir = mkdtempSync(join(tmpdir(), "kas-docjobs-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
let n = 0
const pdfText = (content: Uint8Array) => {
  const file = join(dir, `f${n++}.pdf`)
  writeFileSync(file, content)
  return execFileSync("pdftotext", ["-raw", file, "-"], { encoding: "utf8" }).replace(/\s+/g, " ")
}

const db = TestDatabase.databaseLayer(8)
const services = Layer.mergeAll(
  FinalStatements.Default,
  TaxSlips.Default,
  StatementCandidates.Default,
  TaxYears.Default,
  Policies.Default,
  Transactions.Default,
  Prisme10QBatches.Default,
  JobStore.Default,
  Layer.succeed(StatementChunkSize, 2)
).pipe(Layer.provideMerge(FileStore.layerPostgres), Layer.provideMerge(db))

const registry = JobRegistry.make<FinalStatements | StatementCandidates | TaxSlips | TaxYears>([
  GenerateFinalSettlementsJob,
  GenerateFinalSettlementsPart,
  GenerateReportsForYearJob
])
const withWorker = <A, E, R>(body: Effect.Effect<A, E, R>, concurrency = 3) =>
  Worker.start({ registry, concurrency, pollInterval: "50 millis", progressInterval: "50 millis" }).pipe(
    Effect.zipRight(body),
    Effect.scoped
  )
const ended = (id: string) =>
  Effect.flatMap(JobStore, (s) => s.awaitEnded([id], "50 millis")).pipe(Effect.map((jobs) => jobs[0] as JobRecord))

/** A person-year with policies (company, number, prefilled amount, slutlignet, company pays). */
const personYear = (
  taxYearId: number,
  cpr: string,
  policies: ReadonlyArray<{ number: string; amount: number; final?: boolean; agreement?: boolean }>,
  options: { fullyTaxLiable?: boolean; days?: number } = {}
) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const [person] = yield* sql<{ id: number }>`insert into kas.person (cpr, name, address_line_1, address_line_2)
      values (${cpr}, ${`Borger ${cpr}`}, 'Imaneq 3', '3900 Nuuk')
      on conflict (cpr) do update set name = excluded.name returning id`
    const [pty] = yield* sql<{ id: number }>`insert into kas.person_tax_year
        (tax_year_id, person_id, number_of_days, fully_tax_liable)
      values (${taxYearId}, ${person!.id}, ${options.days ?? 365}, ${options.fullyTaxLiable ?? true}) returning id`
    for (const p of policies) {
      const [company] = yield* sql<{ id: number }>`insert into kas.pension_company (name, res, agreement_present)
        values (${p.agreement ? "Aftaleselskab" : "Borgerselskab"}, ${p.agreement ? 8001 : 8002},
          ${p.agreement ?? false})
        on conflict (res) do update set name = excluded.name returning id`
      const id = yield* (yield* Policies).create(
        {
          person_tax_year_id: pty!.id,
          pension_company_id: company!.id,
          policy_number: p.number,
          prefilled_amount: p.amount
        },
        "anna"
      )
      if (p.final ?? true) yield* sql`update kas.policy_tax_year set slutlignet = true where id = ${id.id}`
    }
    return pty!.id
  })

layer(services, { excludeTestServices: true, timeout: "180 seconds" })("document generation", (it) => {
  it.effect("the bulk job: only in ligning, the candidates once, BULK text and due date, no transaction", () =>
    withWorker(
      Effect.gen(function* () {
        const sql = yield* SqlClient.SqlClient
        const store = yield* JobStore
        const taxYears = yield* TaxYears
        const year = yield* taxYears.create(2039)
        const eligible = [
          yield* personYear(year.id, "4001010001", [
            { number: "C-1", amount: 11_000 },
            { number: "K-1", amount: 5000, agreement: true }
          ]),
          yield* personYear(year.id, "4001010002", [{ number: "C-2", amount: 2000 }]),
          yield* personYear(year.id, "4001010003", [{ number: "C-3", amount: -3000 }])
        ]
        yield* personYear(year.id, "4001010004", [{ number: "X", amount: 1000 }], { fullyTaxLiable: false })
        yield* personYear(year.id, "4001010005", [{ number: "Y", amount: 1000, final: false }])
        const run = () =>
          Effect.flatMap(store.enqueue(GenerateFinalSettlementsJob, { year_pk: year.id }, { createdBy: "anna" }), ended)

        const refused = yield* run()
        assert.strictEqual(refused.status, "failed")
        assert.deepStrictEqual(refused.result, {
          error: "Kan kun Generering af KAS slutopgørelser for et givet år år som er i perioden ligning"
        })
        yield* taxYears.setPeriod(year.id, "ligning")
        const first = yield* run()
        assert.strictEqual(first.status, "finished", first.failure)
        assert.deepStrictEqual(first.result, { status: "Genererede slutopgørelser", message: "3" })
        // Three candidates in parts of two: two child jobs.
        const [{ children }] = yield* sql<{ children: number }>`select count(*)::int as children from jobs.job
          where parent_id = ${first.id}`
        assert.strictEqual(children, 2)
        const again = yield* run()
        assert.deepStrictEqual(again.result, { status: "Genererede slutopgørelser", message: "0" })

        const statements = yield* FinalStatements
        const [s] = yield* statements.listByPersonTaxYear(eligible[0]!)
        assert.strictEqual(s!.text_used_for_payment, 1)
        assert.strictEqual(s!.due_date_used, "2040-09-01")
        assert.strictEqual(s!.lock_id, (yield* taxYears.currentLock(year.id)).id)
        assert.strictEqual((s!.amounts as { total_tax: number }).total_tax, 1683)
        assert.strictEqual((yield* (yield* Transactions).listByPersonTaxYear(eligible[0]!)).length, 0)
        const file = yield* (yield* FileStore).get(s!.pdf_file_id)
        assert.strictEqual(file.name, "Y_FINAL_2039_4001010001.pdf")
        const text = pdfText(file.content)
        assert.include(text, "Slutopgørelse vedrørende skat af visse kapitalafkast (KAS) for 2039")
        assert.include(text, "Borger 4001010001 Imaneq 3 3900 Nuuk")
        assert.include(text, "Kapitalafkastskat 15,3% for Borgerselskab - C-1 1.683")
        assert.include(text, "Afregnes af Deres pensionsselskab Kapitalafkastskat 15,3% for Aftaleselskab - K-1 765")
        assert.include(text, "Til opkrævning i alt (DKK): 1.683")
        assert.include(text, "senest den 20. september 2040")
        for (const pty of eligible) assert.strictEqual((yield* statements.listByPersonTaxYear(pty)).length, 1)
        const [{ count }] = yield* sql<{ count: number }>`select count(*)::int from kas.final_statement`
        assert.strictEqual(count, 3)
      })
    )
  )

  it.effect("a worker with one slot finishes a run of several parts: the parent waits without holding it", () =>
    withWorker(
      Effect.gen(function* () {
        const sql = yield* SqlClient.SqlClient
        const store = yield* JobStore
        const taxYears = yield* TaxYears
        const year = yield* taxYears.create(2043)
        const cprs = ["4301010001", "4301010002", "4301010003", "4301010004", "4301010005"]
        for (const cpr of cprs) yield* personYear(year.id, cpr, [{ number: `P-${cpr}`, amount: 4000 }])
        yield* taxYears.setPeriod(year.id, "ligning")
        const job = yield* ended(
          yield* store.enqueue(GenerateFinalSettlementsJob, { year_pk: year.id }, { createdBy: "anna" })
        )
        assert.strictEqual(job.status, "finished", job.failure)
        assert.deepStrictEqual(job.result, { status: "Genererede slutopgørelser", message: "5" })
        assert.strictEqual(job.progress, 100)
        // Five candidates in parts of two: three parts, each finished before the parent's second run ended.
        const parts = yield* store.children(job.id)
        assert.deepStrictEqual(
          parts.map((p) => [
            p.status,
            (p.arguments as { person_tax_year_ids: Array<number> }).person_tax_year_ids.length
          ]),
          [
            ["finished", 2],
            ["finished", 2],
            ["finished", 1]
          ]
        )
        for (const p of parts) assert.ok(p.startedAt! >= job.startedAt! && p.endedAt! <= job.endedAt!)
        const [{ n }] = yield* sql<{ n: number }>`select count(*)::int as n from kas.final_statement f
          join kas.person_tax_year pty on pty.id = f.person_tax_year_id where pty.tax_year_id = ${year.id}`
        assert.strictEqual(n, 5)
      }),
      1
    )
  )

  it.effect("two individual statements in a row with the real letter: money, due date, batch, transaction", () =>
    Effect.gen(function* () {
      const sql = yield* SqlClient.SqlClient
      const taxYears = yield* TaxYears
      const statements = yield* FinalStatements
      const batches = yield* Prisme10QBatches
      const year = yield* taxYears.create(2041)
      const pty = yield* personYear(year.id, "4101010001", [{ number: "C-1", amount: 11_000 }])
      yield* taxYears.setPeriod(year.id, "genoptagelsesperiode")
      const options = {
        pdf: renderFinalStatement,
        tenQ: (t: { readonly amount: number }) => Effect.succeed(`10Q ${t.amount}`),
        createdById: 3
      }
      // Without prior transactions: the whole tax, due on 1 September of year + 1 (DUE).
      const first = yield* statements.generate(
        pty,
        { interestOnRemainder: 0, extraPaymentForPreviousMissing: 0, textUsedForPayment: "DUE" },
        options
      )
      assert.strictEqual(first.statement.due_date_used, "2042-09-01")
      assert.deepStrictEqual(
        [first.draft.amounts.totalTax, first.draft.amounts.prismeAmount, first.draft.amounts.totalPayment],
        [1683, 1683, 1683]
      )
      const batch = yield* batches.get(first.batchId!)
      assert.deepStrictEqual([batch.collect_date, batch.created_by_id, batch.status], ["2042-09-01", 3, "created"])
      const letter1 = pdfText((yield* (yield* FileStore).get(first.statement.pdf_file_id)).content)
      assert.include(letter1, "Beløbet er forfaldent til betaling. Indbetaling skal ske")
      assert.notInclude(letter1, "Tidligere opkrævet kapitalafkastskat")

      // The charge reaches Prisme; then a higher assessment and a second statement with 2.5 % interest.
      yield* batches.startSending(batch.id)
      yield* batches.markSent(batch.id, { destination: "10q_mocking", deliveredById: 3 })
      yield* sql`update kas.policy_tax_year set assessed_amount = 21000 where person_tax_year_id = ${pty}`
      const second = yield* statements.generate(
        pty,
        { interestOnRemainder: 2.5, extraPaymentForPreviousMissing: 100, textUsedForPayment: "REFUND" },
        options
      )
      // Assessed 21 000 → 3213; transferred 1683 → remainder 1530, interest 38 → 1568; letter + extra 100.
      const a = second.draft.amounts
      assert.deepStrictEqual(
        [a.totalTax, a.previousTransactionSum, a.remainder, a.interest, a.prismeAmount, a.totalPayment],
        [3213, 1683, 1530, 38, 1568, 1668]
      )
      const [tx] = (yield* (yield* Transactions).listByPersonTaxYear(pty)).filter(
        (t) => t.final_statement_uuid === second.statement.uuid
      )
      assert.strictEqual(tx!.amount, 1568)
      const letter2 = pdfText((yield* (yield* FileStore).get(second.statement.pdf_file_id)).content)
      assert.include(letter2, "Ansat kapitalafkast 21.000")
      assert.include(letter2, "Tidligere opkrævet kapitalafkastskat: 1.683")
      assert.include(letter2, "Tillæg af for lidt opkrævet kapitalafkastskat (2,5% af 1.530 kr.): 38")
      assert.include(letter2, "Ikke betalt kapitalafkastskat ifølge tidligere meddelelse: 100")
      assert.include(letter2, "Til opkrævning i alt (DKK): 1.668")
      assert.include(letter2, "Overskydende skat påregnes udbetalt i løbet af 14 dage.")

      // Invalidation cancels the pending transaction; a sent statement cannot be invalidated.
      const invalidated = yield* statements.invalidate(second.statement.uuid)
      assert.strictEqual(invalidated.cancelledTransactions, 1)
      assert.strictEqual((yield* (yield* Transactions).get(tx!.uuid)).status, "cancelled")
      yield* sql`update kas.final_statement set status = 'send' where uuid = ${first.statement.uuid}`
      const refused = yield* Effect.flip(statements.invalidate(first.statement.uuid))
      assert.strictEqual(refused.message, "Kun en slutopgørelse der ikke er afsendt kan markeres som ugyldig")
    })
  )

  it.effect("the tax-slip job: fully tax-liable person-years with days, regenerated on every run", () =>
    withWorker(
      Effect.gen(function* () {
        const sql = yield* SqlClient.SqlClient
        const store = yield* JobStore
        const year = yield* (yield* TaxYears).create(2042)
        const receives = yield* personYear(year.id, "4201010001", [
          { number: "S-1", amount: 12_000 },
          { number: "S-2", amount: 3000, agreement: true }
        ])
        yield* personYear(year.id, "4201010002", [{ number: "S-3", amount: 1 }], { days: 0 })
        yield* personYear(year.id, "4201010003", [{ number: "S-4", amount: 1 }], { fullyTaxLiable: false })
        const run = () =>
          Effect.flatMap(
            store.enqueue(
              GenerateReportsForYearJob,
              { year_pk: year.id, title: "Selvangivelse 2042" },
              { createdBy: "anna" }
            ),
            ended
          )
        const first = yield* run()
        assert.strictEqual(first.status, "finished", first.failure)
        assert.deepStrictEqual(first.result, { status: "Genererede selvangivelser", message: "1" })
        yield* run()
        const slips = yield* sql<{ id: number; title: string; status: string }>`select id, title, status
          from kas.tax_slip where person_tax_year_id = ${receives} order by id`
        assert.strictEqual(slips.length, 2)
        assert.deepStrictEqual([slips[1]!.title, slips[1]!.status], ["Selvangivelse 2042", "created"])
        const latest = yield* (yield* TaxSlips).latest(receives)
        assert.strictEqual(latest.id, slips[1]!.id)
        const file = yield* (yield* FileStore).get(latest.fileId)
        assert.strictEqual(file.name, "Y_2042_4201010001.pdf")
        const text = pdfText(file.content)
        assert.include(text, "Selvangivelse af visse udenlandske pensionsordninger for 2042")
        assert.include(text, "Borgerselskab - S-1")
        assert.include(text, "Kapitalafkast PBL (DK) § 53 A 12.000 365 12.000")
        assert.include(text, "* Skatten for denne pensionsordning betales automatisk af pensionsselskabet")
        const [{ count }] = yield* sql<{ count: number }>`select count(*)::int from kas.tax_slip`
        assert.strictEqual(count, 2)
      })
    )
  )
})
