import { SqlClient } from "@effect/sql"
import { FileStore, FinalStatements, Policies, TaxYears } from "@kas/core"
import { Effect, Layer } from "effect"

const pdf = () => Effect.succeed(new TextEncoder().encode("%PDF-test"))

/** A year in ligning with `n` persons that each have a bulk statement (10 000 kr. → 1530 kr. tax). */
export const yearWithStatements = (year: number, n: number) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const taxYears = yield* TaxYears
    const ty = yield* taxYears.create(year)
    const [company] = yield* sql<{ id: number }>`insert into kas.pension_company (name, res)
      values (${`Selskab ${year}`}, ${year}) returning id`
    for (let i = 0; i < n; i++) {
      const cpr = `0101${String(year).slice(2)}${String(1000 + i)}`
      const [person] = yield* sql<{ id: number }>`insert into kas.person (cpr, name) values (${cpr}, 'P') returning id`
      const [pty] = yield* sql<{
        id: number
      }>`insert into kas.person_tax_year (tax_year_id, person_id, fully_tax_liable)
        values (${ty.id}, ${person!.id}, true) returning id`
      yield* (yield* Policies).create(
        {
          person_tax_year_id: pty!.id,
          pension_company_id: company!.id,
          policy_number: `P${i}`,
          prefilled_amount: 10_000
        },
        "anna"
      )
      yield* sql`update kas.policy_tax_year set slutlignet = true where person_tax_year_id = ${pty!.id}`
    }
    yield* taxYears.setPeriod(ty.id, "ligning")
    const ptys = yield* sql<{ id: number }>`select id from kas.person_tax_year where tax_year_id = ${ty.id}`
    for (const p of ptys) yield* (yield* FinalStatements).generateBulk(p.id, { pdf })
    return ty.id
  }).pipe(Effect.provide(Layer.mergeAll(Policies.Default, TaxYears.Default, statements)))

const statements = FinalStatements.Default.pipe(Layer.provide(FileStore.layerPostgres))
