import { assert, describe, it } from "@effect/vitest"
import { CensusRow, R75Row } from "../../src/index.js"
import * as Views from "../../src/internal/views.js"

const census = (over: Partial<Record<string, unknown>>): ReadonlyArray<unknown> => {
  const row: Record<string, unknown> = {
    pt_census_guid: "0f8e4c1a-3b2d-4e5f-9a8b-7c6d5e4f3a2b",
    cpr: "0101701234",
    bank_reg_nr: null,
    bank_konto_nr: "12345",
    kommune_no: 956,
    kommune: "Sermersooq",
    skatteaar: 2024,
    navn: "Aqqaluk Hansen",
    adresselinje1: "Aqqusinersuaq 1",
    adresselinje2: null,
    adresselinje3: null,
    adresselinje4: null,
    adresselinje5: null,
    fuld_adresse: "Aqqusinersuaq 1, 3900 Nuuk",
    cpr_dashed: "010170-1234",
    skatteomfang: "fuld skattepligtig",
    skattedage: 366,
    ...over
  }
  return Views.census.columns.map((c) => row[c.field])
}

const r75 = (over: Partial<Record<string, unknown>>): ReadonlyArray<unknown> => {
  const row: Record<string, unknown> = {
    r75_ctl_sekvens_guid: "1f8e4c1a-3b2d-4e5f-9a8b-7c6d5e4f3a2b",
    pt_census_guid: null,
    tax_year: 2024,
    cpr: "0101701234",
    r75_ctl_indeks_guid: "2f8e4c1a-3b2d-4e5f-9a8b-7c6d5e4f3a2b",
    idx_nr: 1,
    res: "12345678",
    ktd: "0000000102",
    ktt: null,
    kontotype: "P",
    ibn: null,
    esk: null,
    ejerstatuskode: "1",
    indestaaende: "1000",
    renteindtaegt: "-120",
    r75_dato: "20240131",
    ...over
  }
  return Views.r75.columns.map((c) => row[c.field])
}

/** The same view without the plain path: every row through the schema. */
const schemaOnly = <A>(view: Views.View<A>): Views.View<A> => ({ ...view, plain: undefined })

describe("decoding a page", () => {
  it("valid rows, rows the schema converts, invalid rows: the same result as decoding all with the schema", () => {
    const censusRaw = [
      census({}),
      census({ kommune_no: "956", skattedage: "365" }), // digits for numbers (Oracle NUMBER as text)
      census({ pt_census_guid: "3F8E4C1A3B2D4E5F9A8B7C6D5E4F3A2B", bank_reg_nr: 1234 }), // GUID as hex, number as text
      census({ cpr: "123456789" }), // invalid: 9 digits
      census({ skatteaar: null }), // invalid: no year
      census({ skattedage: 1.5 }) // invalid: not an integer
    ]
    const fast = Views.decodePage(Views.census, censusRaw)
    const slow = Views.decodePage(schemaOnly(Views.census), censusRaw)
    assert.deepStrictEqual(fast, slow)
    assert.strictEqual(fast.rows.length, 3)
    assert.deepStrictEqual(
      fast.rows.map((r) => [r.kommune_no, r.skattedage, r.bank_reg_nr]),
      [
        [956, 366, null],
        [956, 365, null],
        [956, 366, "1234"]
      ]
    )
    assert.strictEqual(fast.rows[2].pt_census_guid, "3f8e4c1a-3b2d-4e5f-9a8b-7c6d5e4f3a2b")
    for (const row of fast.rows) assert.instanceOf(row, CensusRow)
    assert.deepStrictEqual(
      fast.invalid.map((r) => r.reason.split(":")[0]),
      ["cpr", "skatteaar", "skattedage"]
    )

    const r75Raw = [
      r75({}),
      r75({ idx_nr: "7", ktd: 102 }),
      r75({ r75_ctl_sekvens_guid: "not-a-guid" }),
      r75({ cpr: null })
    ]
    const fastR75 = Views.decodePage(Views.r75, r75Raw)
    assert.deepStrictEqual(fastR75, Views.decodePage(schemaOnly(Views.r75), r75Raw))
    assert.strictEqual(fastR75.rows.length, 2)
    assert.deepStrictEqual([fastR75.rows[1].idx_nr, fastR75.rows[1].ktd], [7, "102"])
    for (const row of fastR75.rows) assert.instanceOf(row, R75Row)
    assert.deepStrictEqual(
      fastR75.invalid.map((r) => r.key),
      ["not-a-guid", "1f8e4c1a-3b2d-4e5f-9a8b-7c6d5e4f3a2b"]
    )
  })
})
