import { assert, layer } from "@effect/vitest"
import { Cpr, Recalculation } from "@kas/core"
import { Effect, Layer } from "effect"
import { EskatSource } from "../../src/EskatSource.js"
import { makeMock } from "../../src/EskatMock.js"
import { ImportMandtal } from "../../src/import/ImportMandtal.js"
import { ImportR75 } from "../../src/import/ImportR75.js"
import { counts, importLayer, q } from "../support/importFixture.js"

const census = (year: number, cpr?: string) =>
  Effect.flatMap(ImportMandtal, (i) =>
    i.run({ year, cpr: cpr === undefined ? undefined : Cpr.make(cpr), author: "tester" })
  )
const r75 = (year: number) => Effect.flatMap(ImportR75, (i) => i.run({ year, author: "tester" }))
const zero = (c: Record<string, number>) => Object.entries(c).filter(([, v]) => v !== 0)

layer(importLayer, { timeout: "300 seconds" })("census and R75 imports (mock source → domain)", (it) => {
  it.effect("first census import creates everything; the second creates and updates nothing", () =>
    Effect.gen(function* () {
      const first = counts(yield* census(2024))
      assert.deepStrictEqual(first, {
        "Rå Mandtal-objekter/Tilføjet": 48,
        "Rå Mandtal-objekter/Opdateret": 0,
        "Rå Mandtal-objekter/Nulstillet": 0,
        "Person-objekter/Tilføjet": 48,
        "Person-objekter/Opdateret": 0,
        "Personskatteår-objekter/Tilføjet": 48,
        "Personskatteår-objekter/Opdateret": 0,
        "Personskatteår-mandtal-objekter/Tilføjet": 48,
        "Personskatteår-mandtal-objekter/Opdateret": 0
      })
      const [partial] = yield* q<{ d: number; l: boolean }>(
        `select number_of_days as d, fully_tax_liable as l
         from kas.person_tax_year pty join kas.person p on p.id = pty.person_id
         where p.cpr = '1101709911'`
      )
      assert.deepStrictEqual(partial, { d: 150, l: true })
      const second = yield* census(2024)
      assert.deepStrictEqual(zero(counts(second)), [])
      assert.deepStrictEqual(second.title, "Import af mandtal - 2024")
      const [history] = yield* q<{ n: number }>(
        `select count(*)::int as n from kas.history
         where entity_type = 'ImportedCensusRow' and change_reason = 'Created by import'
           and history_user = 'tester'`
      )
      assert.strictEqual(history.n, 48)
    })
  )

  it.effect("R75 import: policies with sums and flags; the second run changes nothing", () =>
    Effect.gen(function* () {
      yield* census(2023)
      const first = counts(yield* r75(2024))
      assert.isTrue(first["Policeskatteår-objekter/Tilføjet"] > 40)
      assert.strictEqual(first["Rå R75-objekter/Opdateret"], 0)
      const again = counts(yield* r75(2024))
      assert.deepStrictEqual(zero(again), [])
      // Policy-years created as the only year of their policy are calculated before they are inserted: recalculating
      // them changes and records nothing, and each has one "+" entry with the calculated snapshot.
      const ids = yield* q<{ id: number }>(`select id from kas.policy_tax_year order by id`)
      const [taxed] = yield* q<{ n: number }>(
        `select count(*)::int as n from kas.policy_tax_year where calculated_full_tax <> 0`
      )
      assert.isTrue(taxed.n > 10)
      const historyCount = q<{ n: number }>(`select count(*)::int as n from kas.history`)
      const [before] = yield* historyCount
      const changes = yield* Effect.flatMap(Recalculation, (r) =>
        r.recalculatePolicies(
          ids.map((i) => i.id),
          "test"
        )
      ).pipe(Effect.provide(Recalculation.Default))
      assert.deepStrictEqual(changes, [])
      assert.deepStrictEqual(yield* historyCount, [before])
      const [entries] = yield* q<{ n: number; policies: number }>(
        `select count(*)::int as n, count(distinct h.entity_id)::int as policies from kas.history h
         join kas.policy_tax_year p on p.id::text = h.entity_id
         where h.entity_type = 'PolicyTaxYear'
           and (h.snapshot ->> 'calculated_full_tax')::bigint = p.calculated_full_tax`
      )
      assert.deepStrictEqual(entries, { n: ids.length, policies: ids.length })
      yield* r75(2023)
      const flags = yield* q<{ cpr: string; year: number; c: boolean; f: boolean }>(
        `select p.cpr, ty.year, corrected_r75_data as c, future_r75_data as f from kas.person_tax_year pty
         join kas.person p on p.id = pty.person_id join kas.tax_year ty on ty.id = pty.tax_year_id
         where corrected_r75_data or future_r75_data order by ty.year, p.cpr`
      )
      assert.deepStrictEqual(flags, [
        { cpr: "0101709901", year: 2023, c: true, f: false },
        { cpr: "0201709902", year: 2024, c: false, f: true }
      ])
      const [sum] = yield* q<{ a: string }>(
        `select prefilled_amount::text as a from kas.policy_tax_year where policy_number = '0000000102'`
      )
      assert.strictEqual(sum.a, "120")
    })
  )

  it.effect("a changed amount in eSkat updates and recalculates exactly that policy", () =>
    Effect.gen(function* () {
      yield* q(`update eskat_mock.mock_r75_idx_4500230 set renteindtaegt = '90000'
                where cpr = '0401709904' and tax_year = 2024`)
      const [before] = yield* q<{ id: number; t: string }>(
        `select id, calculated_full_tax::text as t from kas.policy_tax_year where policy_number = '0000000401'
         and person_tax_year_id in (select pty.id from kas.person_tax_year pty
           join kas.tax_year ty on ty.id = pty.tax_year_id where ty.year = 2024)`
      )
      const result = counts(yield* r75(2024))
      assert.deepStrictEqual(zero(result), [
        ["Rå R75-objekter/Opdateret", 1],
        ["Policeskatteår-objekter/Opdateret", 1]
      ])
      const [after] = yield* q<{ a: string; t: string }>(
        `select prefilled_amount::text as a, calculated_full_tax::text as t from kas.policy_tax_year where id = $1`,
        [before.id]
      )
      assert.strictEqual(after.a, "90000")
      assert.notStrictEqual(after.t, before.t)
      const reasons = yield* q<{ r: string }>(
        `select change_reason as r from kas.history where entity_type = 'PolicyTaxYear' and entity_id = $1
         order by history_id desc limit 1`,
        [String(before.id)]
      )
      assert.strictEqual(reasons[0].r, "Updated by import")
    })
  )

  it.effect("a person removed from eSkat: the raw row and the person-year are cleared, once", () =>
    Effect.gen(function* () {
      yield* q(`delete from eskat_mock.kas_mandtal where cpr = '0401709904' and skatteaar = 2024`)
      const result = counts(yield* census(2024))
      assert.deepStrictEqual(zero(result), [
        ["Rå Mandtal-objekter/Nulstillet", 1],
        ["Personskatteår-objekter/Opdateret", 1],
        ["Personskatteår-mandtal-objekter/Opdateret", 1]
      ])
      const [pty] = yield* q<{ d: number; l: boolean }>(
        `select number_of_days as d, fully_tax_liable as l
         from kas.person_tax_year pty join kas.person p on p.id = pty.person_id
         join kas.tax_year ty on ty.id = pty.tax_year_id where p.cpr = '0401709904' and ty.year = 2024`
      )
      assert.deepStrictEqual(pty, { d: 0, l: false })
      assert.deepStrictEqual(zero(counts(yield* census(2024))), [])
    })
  )

  it.effect("malformed rows (9-digit CPR, no year) are reported with key and reason; the rest imports", () =>
    Effect.gen(function* () {
      yield* q(`insert into eskat_mock.kas_mandtal (pt_census_guid, cpr, skatteaar, navn) values
        ('00000000-0000-4000-8000-00000000000a', '123456789', 2024, 'Ni cifre'),
        ('00000000-0000-4000-8000-00000000000b', '0101011234', null, 'Intet år'),
        ('00000000-0000-4000-8000-00000000000c', '0101015678', 2024, 'Ny person')`)
      const result = yield* census(2024)
      const c = counts(result)
      assert.strictEqual(c["Ulæselige rækker fra eSkat/Sprunget over"], 2)
      assert.strictEqual(c["Person-objekter/Tilføjet"], 1)
      assert.strictEqual(result.errors.length, 2)
      assert.match(result.errors.join("\n"), /00000000-0000-4000-8000-00000000000a: cpr: is not a 10-digit CPR/)
      assert.match(result.errors.join("\n"), /00000000-0000-4000-8000-00000000000b: skatteaar/)
    })
  )

  it.effect("one person's census import touches only that person; a missing tax year fails with the spec's text", () =>
    Effect.gen(function* () {
      yield* q(`update eskat_mock.kas_mandtal set navn = 'Nyt navn' where cpr = '1802602810' and skatteaar = 2024`)
      yield* q(`update eskat_mock.kas_mandtal set navn = 'Andet navn' where cpr = '0301709903' and skatteaar = 2024`)
      const one = yield* census(2024, "1802602810")
      assert.strictEqual(one.title, "Import af mandtal - 2024 for cpr nr 1802602810")
      assert.deepStrictEqual(zero(counts(one)), [
        ["Rå Mandtal-objekter/Opdateret", 1],
        ["Person-objekter/Opdateret", 1]
      ])
      const error = yield* Effect.flip(census(2030))
      assert.strictEqual(error.message, "Skatteår 2030 findes ikke")
    })
  )

  it.effect(
    "a source in another database (live) sends each page's values: the raw rows equal the mock's copy by key",
    () =>
      Effect.gen(function* () {
        yield* q(`update eskat_mock.mock_r75_idx_4500230 set renteindtaegt = '777' where r75_ctl_sekvens_guid =
        (select r75_ctl_sekvens_guid from eskat_mock.mock_r75_idx_4500230 where tax_year = 2024 and length(res) > 4
         order by 1 limit 1)`)
        const streamed = Layer.mergeAll(ImportMandtal.Default, ImportR75.Default).pipe(
          Layer.provide(
            Layer.effect(
              EskatSource,
              Effect.map(makeMock, (s) => ({ ...s, sameDatabase: undefined }))
            )
          )
        )
        // The name changed by the previous test, and the amount above.
        const c = counts(yield* census(2024).pipe(Effect.provide(streamed)))
        assert.strictEqual(c["Rå Mandtal-objekter/Opdateret"], 1)
        const r = counts(yield* r75(2024).pipe(Effect.provide(streamed)))
        assert.strictEqual(r["Rå R75-objekter/Opdateret"], 1)
        const [differ] = yield* q<{ census: number; r75: number }>(
          `select (select count(*)::int from eskat.imported_census_row i
                 join eskat_mock.kas_mandtal m using (pt_census_guid)
                 where row(i.*)::text <> row(m.*)::text) as census,
                (select count(*)::int from eskat.imported_r75_row i join eskat_mock.mock_r75_idx_4500230 m
                   using (r75_ctl_sekvens_guid) where row(i.*)::text <> row(m.*)::text) as r75`
        )
        assert.deepStrictEqual(differ, { census: 0, r75: 0 })
      })
  )

  it.effect(
    "an R75 row whose res is not a number fails the mapping with its key; no company or policy is written",
    () =>
      Effect.gen(function* () {
        const key = "00000000-0000-4000-8000-0000000000e1"
        yield* q(`insert into eskat_mock.mock_r75_idx_4500230
          (r75_ctl_sekvens_guid, tax_year, cpr, res, ktd, renteindtaegt)
          values ('${key}', 2022, '1802602810', 'ABCDE', '123', '100')`)
        const [before] = yield* q<{ companies: number; policies: number }>(
          `select (select count(*)::int from kas.pension_company) as companies,
          (select count(*)::int from kas.policy_tax_year q join kas.person_tax_year pty on pty.id = q.person_tax_year_id
             join kas.tax_year ty on ty.id = pty.tax_year_id where ty.year = 2022) as policies`
        )
        const error = yield* Effect.flip(r75(2022))
        assert.strictEqual(error.message, `R75-række ${key}: res 'ABCDE' er ikke et tal`)
        const [after] = yield* q<{ companies: number; policies: number }>(
          `select (select count(*)::int from kas.pension_company) as companies,
          (select count(*)::int from kas.policy_tax_year q join kas.person_tax_year pty on pty.id = q.person_tax_year_id
             join kas.tax_year ty on ty.id = pty.tax_year_id where ty.year = 2022) as policies`
        )
        assert.deepStrictEqual(after, before)
        yield* q(`delete from eskat_mock.mock_r75_idx_4500230 where r75_ctl_sekvens_guid = '${key}'`)
      })
  )
})
