import fc from "fast-check"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { KasConfig, Rest } from "@kas/core"
import { contentDisposition } from "@kas/core/web"
import { startKasWeb, type KasWeb } from "../support.js"
import { CPR_A, PDF, query, seedCitizens, type Fixture } from "../restFixtures.js"

// Issue 13 item 5: uploads through POST /rest/submission/ (selvbetjening.md §8, §16.5): the stored content type comes
// from the bytes, file names are cleaned, a policy appears once per submission; and no bad input gets a 500 or
// writes anything.

const TOKEN = KasConfig.BackOfficeConfig.DEV_REST_TOKEN
const YEAR = new Date().getFullYear() - 1
let kas: KasWeb
let fx: Fixture

beforeAll(async () => {
  kas = await startKasWeb()
  fx = await seedCitizens(kas.databaseUrl, YEAR)
})
afterAll(async () => kas?.stop())

type Part = { readonly name: string; readonly content: Uint8Array; readonly type?: string }
const send = (body: RequestInit["body"], headers: Record<string, string> = {}) =>
  fetch(`${kas.url}/rest/submission/`, {
    method: "POST",
    body,
    headers: { authorization: `Token ${TOKEN}`, "x-kas-cpr": CPR_A, ...headers }
  })
const submit = (data: unknown, files: Record<string, Part> = {}) => {
  const form = new FormData()
  form.set("data", typeof data === "string" ? data : JSON.stringify(data))
  for (const [part, f] of Object.entries(files)) {
    form.set(part, new Blob([f.content], { type: f.type ?? "application/pdf" }), f.name)
  }
  return send(form)
}
const base = (over: Record<string, unknown> = {}) => ({
  year: YEAR,
  updated_by: CPR_A,
  person_tax_year: { general_notes: null, foreign_pension_notes: null },
  policies: [],
  new_policies: [],
  ...over
})
/** Everything a submission could write, in one query. */
const snapshot = async () =>
  (
    await query<{ s: string }>(
      kas.databaseUrl,
      `select concat_ws('|',
        (select json_agg(p order by p.id)::text
           from (select id, self_reported_amount, policy_number from kas.policy_tax_year) p),
        (select json_agg(d order by d.id)::text from (select id, name, description from kas.policy_document) d),
        (select json_agg(f order by f.id)::text from (select id, name, content_type from kas.file) f),
        (select json_agg(t order by t.id)::text
           from (select id, general_notes, foreign_pension_notes from kas.person_tax_year) t),
        (select json_agg(c order by c.id)::text from (select id, name from kas.pension_company) c),
        (select count(*) from kas.history)) as s`
    )
  )[0]!.s

describe("uploads", () => {
  it("stores the content type the bytes show, not the declared one, and a cleaned file name", async () => {
    const name = "fak\u202Etura\u200B'\u2066 æøå.pdf"
    const res = await submit(
      base({ policies: [{ id: fx.policyA, documents: [], new_files: [{ part: "f", description: "d" }] }] }),
      { f: { name, content: PDF, type: "text/html" } }
    )
    expect([res.status, res.status === 200 ? "" : await res.text()]).toEqual([200, ""])
    const rows = await query<{ name: string; file_name: string; content_type: string }>(
      kas.databaseUrl,
      `select d.name, f.name as file_name, f.content_type from kas.policy_document d join kas.file f on f.id = d.file_id
       where d.policy_tax_year_id = $1 order by d.id desc limit 1`,
      [fx.policyA]
    )
    expect(rows[0]).toEqual({ name: "faktura æøå.pdf", file_name: "faktura æøå.pdf", content_type: "application/pdf" })
  })

  it("file names lose path parts and control, quote, backslash, bidi and zero-width characters", () => {
    expect(Rest.Uploads.safeFileName('C:\\Users\\a\\"r\u0000ap\u0085\u001bport\u202E\u061Cfdp.exe\uFEFF".pdf')).toBe(
      "rapportfdp.exe.pdf"
    )
    expect(Rest.Uploads.safeFileName("../../etc/\u200F\u2067x`'.png")).toBe("x.png")
    expect(Rest.Uploads.safeFileName("\u202E\u0001")).toBe("fil")
    expect(Rest.Uploads.safeFileName(`${"n".repeat(300)}.pdf`)).toBe(`${"n".repeat(251)}.pdf`)
  })

  it("a policy id given twice in one submission is a 400 with a field error, and nothing is written", async () => {
    const before = await snapshot()
    const files = Object.fromEntries(
      Array.from({ length: 12 }, (_, i) => [`f${i}`, { name: `${i}.pdf`, content: PDF }])
    )
    const refs = (from: number) => Array.from({ length: 6 }, (_, i) => ({ part: `f${from + i}`, description: "" }))
    const res = await submit(
      base({
        policies: [
          { id: fx.policyA, documents: [], new_files: refs(0) },
          { id: fx.policyA, self_reported_amount: 5, documents: [], new_files: refs(6) }
        ]
      }),
      files
    )
    expect(res.status).toBe(400)
    expect(((await res.json()) as { errors: Record<string, Array<string>> }).errors["policies[1].id"]).toEqual([
      "Policen er angivet mere end én gang"
    ])
    expect(await snapshot()).toEqual(before)
  })

  it("every download names its file as RFC 6266 says (ASCII filename and UTF-8 filename*)", () => {
    expect(contentDisposition("attachment", 'Årsopgørelse "2024" (ny).xlsx')).toBe(
      `attachment; filename="_rsopg_relse _2024_ (ny).xlsx"; ` +
        `filename*=UTF-8''%C3%85rsopg%C3%B8relse%20%222024%22%20%28ny%29.xlsx`
    )
    expect(contentDisposition("inline", "2024_1802602810.pdf")).toBe(
      `inline; filename="2024_1802602810.pdf"; filename*=UTF-8''2024_1802602810.pdf`
    )
  })
})

/** Bad submissions: random JSON, wrong types, huge strings, unknown fields, multipart edge cases. */
const badInput = () => {
  const policyEntry = () =>
    fc.record(
      {
        id: fc.oneof(fc.constant(fx.policyA), fc.constant(fx.policyB), fc.integer(), fc.anything()),
        self_reported_amount: fc.oneof(
          fc.integer(),
          fc.double(),
          fc.string(),
          fc.constant(null),
          fc.bigInt().map(String)
        ),
        documents: fc.oneof(
          fc.array(
            fc.record({
              id: fc.oneof(fc.constant(fx.docA), fc.integer()),
              keep: fc.anything(),
              description: fc.string()
            })
          ),
          fc.anything()
        ),
        new_files: fc.oneof(fc.array(fc.record({ part: fc.string(), description: fc.string() })), fc.anything())
      },
      { requiredKeys: [] }
    )
  const newPolicy = fc.record(
    {
      pension_company_id: fc.oneof(fc.constant(fx.companyPfa), fc.integer(), fc.constant(null), fc.string()),
      pension_company_name: fc.oneof(fc.constant(null), fc.string(), fc.string({ minLength: 256, maxLength: 400 })),
      policy_number: fc.oneof(fc.string(), fc.string({ minLength: 41, maxLength: 60 }), fc.integer()),
      self_reported_amount: fc.oneof(fc.integer(), fc.constant(null), fc.double(), fc.string()),
      new_files: fc.anything()
    },
    { requiredKeys: [] }
  )
  const data = fc.oneof(
    fc.json(),
    fc.string(),
    fc.anything().map((v) => JSON.stringify(v) ?? "null"),
    fc
      .record(
        {
          year: fc.oneof(fc.constant(YEAR), fc.integer(), fc.string(), fc.constant(null)),
          updated_by: fc.oneof(fc.constant(CPR_A), fc.string(), fc.integer()),
          person_tax_year: fc.oneof(
            fc.record({
              general_notes: fc.oneof(
                fc.constant(null),
                fc.string(),
                fc.string({ minLength: 10_001, maxLength: 10_100 })
              ),
              foreign_pension_notes: fc.oneof(fc.constant(null), fc.string(), fc.integer())
            }),
            fc.anything()
          ),
          policies: fc.oneof(fc.array(policyEntry(), { maxLength: 3 }), fc.anything()),
          new_policies: fc.oneof(fc.array(newPolicy, { maxLength: 2 }), fc.anything()),
          unknown_field: fc.anything()
        },
        { requiredKeys: [] }
      )
      .map((v) => JSON.stringify(v))
  )
  const files = fc.dictionary(
    fc.oneof(fc.constantFrom("f0", "f1", "data"), fc.string({ minLength: 1, maxLength: 8 })),
    fc.record({
      name: fc.oneof(fc.constantFrom("a.pdf", "b.png", "", "../../x.pdf", "x\u0000.pdf"), fc.string()),
      content: fc.oneof(fc.constant(PDF), fc.uint8Array({ maxLength: 64 }), fc.constant(new Uint8Array())),
      type: fc.constantFrom("application/pdf", "text/html", "")
    }),
    { maxKeys: 3 }
  )
  const raw = fc.oneof(
    fc.constant({ body: "not multipart", type: "text/plain" }),
    fc.constant({ body: '{"year": 2024}', type: "application/json" }),
    fc.constant({
      body: '--x\r\nContent-Disposition: form-data; name="data"\r\n\r\n{',
      type: "multipart/form-data; boundary=x"
    }),
    fc.constant({ body: "", type: "multipart/form-data" }),
    fc.string().map((body) => ({ body, type: "multipart/form-data; boundary=zz" }))
  )
  return fc.oneof(fc.tuple(data, files), raw)
}

describe("bad input to POST /rest/submission/ (fast-check)", () => {
  it("never answers 500, and writes nothing when it answers 4xx", async () => {
    await fc.assert(
      fc.asyncProperty(badInput(), async (input) => {
        const before = await snapshot()
        const res = Array.isArray(input)
          ? await submit(input[0], input[1])
          : await send(input.body, { "content-type": input.type })
        await res.arrayBuffer()
        expect(res.status).toBeLessThan(500)
        if (res.status >= 400) expect(await snapshot()).toEqual(before)
      }),
      { numRuns: 40 }
    )
  }, 600_000)
})
