import { assert, describe, it } from "@effect/vitest"
import { TestDatabase } from "@kas/core/testing"
import { execFile } from "node:child_process"
import path from "node:path"
import { fileURLToPath } from "node:url"
import pg from "pg"
import { afterAll, beforeAll } from "vitest"
import { MockGenerator } from "../../src/index.js"

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../..")

const kas = (args: ReadonlyArray<string>, databaseUrl: string) =>
  new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      ["--conditions=source", "--import", "tsx", "packages/server-kas/src/bin/kas.ts", ...args],
      { cwd: root, env: { ...process.env, ENVIRONMENT: "development", DATABASE_URL: databaseUrl }, timeout: 120_000 },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr })
    )
  })

const fingerprint = async (url: string) => {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    const q = async (text: string) => (await client.query<{ f: string }>(text)).rows[0].f
    return {
      census: await q(
        `select count(*) || ':' || md5(string_agg(t::text, '|' order by pt_census_guid)) as f
         from eskat_mock.kas_mandtal t`
      ),
      r75: await q(`select count(*) || ':' || md5(string_agg(t::text, '|' order by r75_ctl_sekvens_guid)) as f
        from eskat_mock.mock_r75_idx_4500230 t`),
      years: await q(`select string_agg(year || ' ' || year_part, ', ' order by year) as f from kas.tax_year`),
      companies: await q(`select count(*)::text as f from kas.pension_company`)
    }
  } finally {
    await client.end()
  }
}

describe("mock data generator", () => {
  it("is deterministic, and scenario and bulk CPRs never collide", () => {
    const options = { persons: 2000, seed: 3, fromYear: 2020, toYear: 2024 }
    const a = [...MockGenerator.generate(options)]
    const b = [...MockGenerator.generate(options)]
    assert.deepStrictEqual(a, b)
    const cprs = new Set(a.map((p) => (p.census[0] ?? p.r75[0]).cpr))
    assert.strictEqual(cprs.size, a.length)
    assert.isTrue([...cprs].every((c) => /^\d{10}$/.test(c)))
    const other = [...MockGenerator.generate({ ...options, seed: 4 })]
    assert.notDeepEqual(a.slice(18, 30), other.slice(18, 30))
  })

  it("follows the row rules: UUIDv5 keys, defaults, the self-service test person", () => {
    const persons = [...MockGenerator.generate({ persons: 0, seed: 1, fromYear: 2020, toYear: 2024 })]
    const self = persons.flatMap((p) => p.census).filter((r) => r.cpr === "1802602810")
    assert.strictEqual(self.length, 5)
    const row = self.find((r) => r.skatteaar === 2024)!
    assert.strictEqual(
      row.pt_census_guid,
      MockGenerator.rowsOf({ cpr: "1802602810", name: "x", years: [{ year: 2024, policies: [] }] }, 2024, 2024)
        .census[0].pt_census_guid
    )
    assert.deepStrictEqual(
      [row.kommune_no, row.kommune, row.adresselinje2, row.adresselinje4, row.fuld_adresse, row.skattedage],
      [956, "Sermersooq", "Mut aqqut 1", "3900 Nuuk", "Mut aqqut 1, 3900 Nuuk", 366]
    )
    assert.match(row.pt_census_guid, /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
  })
})

describe("kas import-eskat-mockup-data", () => {
  let db: TestDatabase.TestDb
  beforeAll(async () => {
    db = await TestDatabase.createTestDatabase()
  })
  afterAll(async () => {
    await db.drop()
  })

  it("fills the mock tables and tax years; running it twice gives the same rows", async () => {
    const args = ["import-eskat-mockup-data", "--persons", "40", "--years", "2021-2024", "--seed", "5"]
    const first = await kas(args, db.url)
    assert.strictEqual(first.code, 0, first.stderr)
    assert.match(first.stdout, /Generated 58 persons/)
    const a = await fingerprint(db.url)
    const second = await kas(args, db.url)
    assert.strictEqual(second.code, 0, second.stderr)
    assert.deepStrictEqual(await fingerprint(db.url), a)
    assert.match(a.years, /^2021 genoptagelsesperiode, 2022 genoptagelsesperiode, 2023 /)
    const skipped = await kas(["import-eskat-mockup-data", "--if-empty"], db.url)
    assert.match(skipped.stdout, /already hold data/)
  }, 180_000)

  it("bad options print the usage and exit 2", async () => {
    for (const args of [["--persons", "many"], ["--years", "2024-2018"], ["--colour"]]) {
      const r = await kas(["import-eskat-mockup-data", ...args], db.url)
      assert.strictEqual(r.code, 2, args.join(" "))
      assert.match(r.stderr, /Usage: kas import-eskat-mockup-data/)
    }
  }, 120_000)
})
