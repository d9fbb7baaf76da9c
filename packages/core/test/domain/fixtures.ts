import { SqlClient } from "@effect/sql"
import { Effect, Layer } from "effect"
import {
  Assessment, Companies, CompanyMerge, FileStore, FinalStatements, History, Locks, Notes, Persons, Policies, PolicyChanges, Prisme10QBatches, Recalculation,
  StatementInputs, SystemUsers, TaxYears, Transactions
} from "../../src/index.js"
import { TestDatabase } from "../../src/testing/index.js"

/** Every domain service on a fresh test database. */
export const domainLayer = Layer.mergeAll(
  Policies.Default,
  Recalculation.Default,
  TaxYears.Default,
  History.Default,
  SystemUsers.Default,
  FileStore.layerPostgres,
  Notes.Default,
  Persons.Default,
  Assessment.Default,
  StatementInputs.Default,
  Companies.Default,
  Transactions.Default,
  Prisme10QBatches.Default,
  Locks.Default,
  PolicyChanges.Default,
  CompanyMerge.Default,
  FinalStatements.Default.pipe(Layer.provide(FileStore.layerPostgres))
).pipe(Layer.provideMerge(TestDatabase.layer))

/** Tax year ids by calendar year, creating the missing ones. */
export const ensureYears = (years: ReadonlyArray<number>) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const out = new Map<number, number>()
    for (const y of years) {
      const rows = yield* sql<{ id: number }>`insert into kas.tax_year (year) values (${y})
        on conflict (year) do update set year = excluded.year returning id`
      out.set(y, rows[0]!.id)
    }
    return out
  })

/** A person with a person-year in each year; returns person-year ids by year. */
export const personWithYears = (cpr: string, years: ReadonlyArray<number>) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const taxYears = yield* ensureYears(years)
    const [person] = yield* sql<{ id: number }>`insert into kas.person (cpr, name) values (${cpr}, 'Test') returning id`
    const out = new Map<number, number>()
    for (const y of years) {
      const [pty] = yield* sql<{ id: number }>`insert into kas.person_tax_year (tax_year_id, person_id)
        values (${taxYears.get(y)!}, ${person!.id}) returning id`
      out.set(y, pty!.id)
    }
    return { personId: person!.id, personTaxYears: out }
  })

/** A pension company. */
export const company = (res: number, agreement = false) =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    sql<{ id: number }>`insert into kas.pension_company (name, res, agreement_present)
      values (${`Selskab ${res}`}, ${res}, ${agreement}) returning id`.pipe(Effect.map((r) => r[0]!.id))
  )

/** Creates one policy per year with the given prefilled amounts (calculated on creation); ids by year. */
export const policyOverYears = (
  personTaxYears: ReadonlyMap<number, number>,
  companyId: number,
  policyNumber: string,
  amounts: ReadonlyArray<readonly [number, number]>
) =>
  Effect.gen(function* () {
    const policies = yield* Policies
    const out = new Map<number, number>()
    for (const [year, amount] of amounts) {
      const p = yield* policies.create(
        { person_tax_year_id: personTaxYears.get(year)!, pension_company_id: companyId, policy_number: policyNumber,
          prefilled_amount: amount },
        "tester"
      )
      out.set(year, p.id)
    }
    return out
  })

/** The cell values of a policy as "fromYear→toYear" → value (non-zero only). */
export const cellMap = (ids: ReadonlyMap<number, number>) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const yearOf = new Map([...ids].map(([y, id]) => [id, y]))
    const rows = yield* sql<{ used_from_id: number; used_for_id: number; v: string; p: boolean }>`
      select used_from_id, used_for_id, transferred_negative_payout::text as v, protected_against_recalculations as p
      from kas.loss_transfer where used_for_id in ${sql.in([...ids.values()])}`
    const out: Record<string, number> = {}
    for (const r of rows) if (Number(r.v) !== 0) out[`${yearOf.get(r.used_from_id)}→${yearOf.get(r.used_for_id)}`] = Number(r.v)
    return out
  })
