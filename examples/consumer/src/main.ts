/**
 * Another team's program on the published KAS packages (not a workspace member: scripts/consumer-check.ts installs
 * the packed @kas/core, @kas/jobs and @kas/eskat here from their tarballs, type-checks with tsc and runs it):
 *   1. computes a tax with `Calculation.perform`;
 *   2. reads census rows through `EskatSource` with the mock layer on a PostgreSQL URL;
 *   3. defines a job with `defineJob` and runs it with the worker.
 *
 *   DATABASE_URL=postgres://user@host:5432/empty_db node dist/main.js
 */
import { PgClient } from "@effect/sql-pg"
import { Calculation, coreMigrations, Migrations } from "@kas/core"
import { EskatSource, eskatMigrations, layerMock, MockData } from "@kas/eskat"
import { defineJob, isEnded, JobRegistry, JobStore, jobsMigrations, Worker } from "@kas/jobs"
import { Config, Effect, Either, Layer, Schema, Stream } from "effect"

// 1. The tax of one policy-year: 10 000 kr. of return over a whole year, no losses carried forward.
const tax = Calculation.perform({ initialAmount: 10_000, daysInYear: 365, taxableDaysInYear: 365 })
if (Either.isLeft(tax)) throw tax.left
console.log(`tax: ${tax.right.taxToPay} kr. of ${tax.right.taxableAmount} kr.`)

// 3. A job type of our own: the worker validates its parameters and stores its result.
const Greet = defineJob({
  key: "Greet",
  label: "Greet",
  params: Schema.Struct({ name: Schema.String }),
  result: Schema.Struct({ greeting: Schema.String }),
  run: ({ name }) => Effect.succeed({ greeting: `Hello, ${name}` })
})

const year = 2024
const program = Effect.gen(function* () {
  yield* Migrations.migrate([coreMigrations, jobsMigrations, eskatMigrations])

  // 2. Census rows of the mock eSkat (filled with generated persons first), page by page.
  yield* MockData.fillMockTables({ persons: 20, seed: 1, fromYear: year, toYear: year })
  const eskat = yield* EskatSource
  const rows = yield* eskat.census({ year }).pipe(Stream.runFold(0, (n, page) => n + page.rows.length))
  console.log(`census ${year}: ${rows} rows`)
  if (rows === 0) return yield* Effect.fail(new Error("no census rows"))

  const store = yield* JobStore
  const id = yield* store.insert(Greet, { name: "KAS" }, { createdBy: "consumer" })
  yield* Worker.start({ registry: JobRegistry.make([Greet]), onlyJobs: [id], pollInterval: "100 millis" })
  for (;;) {
    const job = yield* store.get(id)
    if (isEnded(job.status)) {
      console.log(`job ${job.status}: ${JSON.stringify(job.result)}`)
      if (job.status !== "finished") return yield* Effect.fail(new Error(job.failure))
      return
    }
    yield* Effect.sleep("100 millis")
  }
})

const Database = PgClient.layerConfig({ url: Config.redacted("DATABASE_URL") })
const layer = Layer.mergeAll(layerMock, JobStore.Default).pipe(Layer.provideMerge(Database))

Effect.runPromiseExit(program.pipe(Effect.scoped, Effect.provide(layer))).then((exit) => {
  if (exit._tag === "Failure") {
    console.error(String(exit.cause))
    process.exit(1)
  }
})
