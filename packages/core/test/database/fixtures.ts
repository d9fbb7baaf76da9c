import { SqlClient } from "@effect/sql"
import { Effect, Layer } from "effect"
import {
  Assessment,
  Companies,
  CompanyMerge,
  FileStore,
  FinalStatements,
  History,
  Locks,
  LossMatrixCheck,
  Notes,
  Persons,
  Policies,
  PolicyChanges,
  Prisme10QBatches,
  Recalculation,
  StatementInputs,
  SystemUsers,
  TaxYears,
  Transactions
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
  LossMatrixCheck.Default,
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
        {
          person_tax_year_id: personTaxYears.get(year)!,
          pension_company_id: companyId,
          policy_number: policyNumber,
          prefilled_amount: amount
        },
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
    for (const r of rows)
      if (Number(r.v) !== 0) out[`${yearOf.get(r.used_from_id)}→${yearOf.get(r.used_for_id)}`] = Number(r.v)
    return out
  })

/**
 * What breaks domain.md §4.2 step 6 in the database (or among `policyIds`), computed here from the rows (not by
 * `LossMatrixCheck`): a policy-year whose stored deduction differs from the cells into it, whose full tax was not
 * computed with that deduction, or a loss year whose cells give away more than its loss. Empty when all holds.
 */
export const invariantBreaches = (policyIds?: ReadonlyArray<number>) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const rows = yield* sql<{ id: number; yaa: string; used: string; ft: string; into: string; out: string }>`
    select p.id, p.year_adjusted_amount::text as yaa, p.used_negative_return::text as used,
      p.calculated_full_tax::text as ft,
      (select coalesce(sum(transferred_negative_payout), 0) from kas.loss_transfer
        where used_for_id = p.id)::text as into,
      (select coalesce(sum(transferred_negative_payout), 0) from kas.loss_transfer
        where used_from_id = p.id)::text as out
    from kas.policy_tax_year p ${policyIds === undefined ? sql`` : sql`where p.id in ${sql.in(policyIds)}`}
    order by p.id`
    const breaches: Array<string> = []
    for (const r of rows) {
      const [yaa, used, fullTax, into, out] = [r.yaa, r.used, r.ft, r.into, r.out].map(Number) as [
        number,
        number,
        number,
        number,
        number
      ]
      if (used !== into) breaches.push(`${r.id}: deducts ${used}, its cells record ${into}`)
      if (fullTax !== Math.floor((Math.max(0, yaa) - used) * 0.153)) breaches.push(`${r.id}: full tax ${fullTax}`)
      if (out > Math.max(0, -yaa)) breaches.push(`${r.id}: gives ${out} of a loss of ${Math.max(0, -yaa)}`)
    }
    return breaches
  })
