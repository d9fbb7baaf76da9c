import { SqlClient } from "@effect/sql"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { FileStore, TaxSlips } from "../../../src/index.js"
import { domainLayer, personWithYears } from "../fixtures.js"

const layer = TaxSlips.Default.pipe(Layer.provide(FileStore.layerPostgres), Layer.provideMerge(domainLayer))

describe("TaxSlips", () => {
  it.layer(layer)((it) => {
    it.effect("latestFile: the PDF the person-year's tax_slip_id points to; NotFound without one", () =>
      Effect.gen(function* () {
        const sql = yield* SqlClient.SqlClient
        const slips = yield* TaxSlips
        const files = yield* FileStore
        const { personTaxYears } = yield* personWithYears("1212120000", [2021])
        const pty = personTaxYears.get(2021)!
        const missing = yield* Effect.flip(slips.latestFile(pty))
        assert.strictEqual(missing._tag, "NotFound")
        const put = (text: string) =>
          files.put({
            kind: "tax_slip",
            year: 2021,
            name: "selvangivelse.pdf",
            contentType: "application/pdf",
            content: new TextEncoder().encode(text)
          })
        const slip = (fileId: string) =>
          sql<{ id: number }>`insert into kas.tax_slip (person_tax_year_id, file_id) values (${pty}, ${fileId})
            returning id`.pipe(Effect.map((r) => r[0]!.id))
        yield* slip(yield* put("%PDF-old"))
        const newest = yield* slip(yield* put("%PDF-new"))
        yield* sql`update kas.person_tax_year set tax_slip_id = ${newest} where id = ${pty}`
        const file = yield* slips.latestFile(pty)
        assert.strictEqual(new TextDecoder().decode(file.content), "%PDF-new")
        assert.strictEqual(file.contentType, "application/pdf")
      })
    )
  })
})
