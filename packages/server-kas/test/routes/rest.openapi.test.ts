// The served OpenAPI document as another team's tools see it: swagger-parser validates it, openapi-typescript
// generates types from it that a small client type-checks against, and every answer the server gives matches it.
import SwaggerParser from "@apidevtools/swagger-parser"
import { Ajv2020 } from "ajv/dist/2020.js"
import fs from "node:fs/promises"
import os from "node:os"
import path from "node:path"
import openapiTS, { astToString } from "openapi-typescript"
import ts from "typescript"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { KasConfig } from "@kas/core"
import { startKasWeb, type KasWeb } from "../support.js"
import { CPR_A, seedCitizens } from "../restFixtures.js"

type Json = Record<string, unknown>
interface Operation {
  readonly responses: Record<string, Json>
}

const TOKEN = KasConfig.BackOfficeConfig.DEV_REST_TOKEN
const YEAR = new Date().getFullYear() - 1
let kas: KasWeb
let doc: { paths: Record<string, Record<string, Operation>>; components: Json }

beforeAll(async () => {
  kas = await startKasWeb()
  await seedCitizens(kas.databaseUrl, YEAR)
  doc = (await (await fetch(`${kas.url}/rest/openapi.json`)).json()) as typeof doc
})
afterAll(async () => kas?.stop())

const refsOf = (value: unknown): Array<string> =>
  typeof value !== "object" || value === null
    ? []
    : Object.entries(value).flatMap(([k, v]) => (k === "$ref" && typeof v === "string" ? [v] : refsOf(v)))

describe("the OpenAPI document", () => {
  it("is valid OpenAPI 3.1 with every schema under components/schemas", async () => {
    await SwaggerParser.validate(structuredClone(doc) as never)
    const refs = refsOf(doc)
    expect(refs.length).toBeGreaterThan(50)
    expect(refs.filter((r) => !/^#\/components\/(schemas|parameters|responses)\/\w+$/.test(r))).toEqual([])
    expect(JSON.stringify(doc)).not.toContain("$defs")
  })

  it("generates TypeScript types that a client type-checks against, and that refuse a wrong field type", async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), "kas-openapi-"))
    try {
      await fs.writeFile(path.join(dir, "api.ts"), astToString(await openapiTS(doc as never)))
      await fs.writeFile(path.join(dir, "client.ts"), CLIENT)
      await fs.writeFile(path.join(dir, "wrong.ts"), WRONG)
      const diagnostics = (file: string) => {
        const program = ts.createProgram([path.join(dir, file)], {
          strict: true,
          noEmit: true,
          target: ts.ScriptTarget.ES2022,
          module: ts.ModuleKind.ES2022,
          moduleResolution: ts.ModuleResolutionKind.Bundler,
          lib: ["lib.es2022.d.ts", "lib.dom.d.ts"],
          types: []
        })
        return ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"))
      }
      expect(diagnostics("client.ts")).toEqual([])
      const wrong = diagnostics("wrong.ts")
      expect(wrong).toHaveLength(3)
      expect(wrong.join("\n")).toMatch(/'string' is not assignable to type 'number'/)
    } finally {
      await fs.rm(dir, { recursive: true, force: true })
    }
  })

  it("describes every answer the server gives: its status and its body", async () => {
    const ajv = new Ajv2020({ strict: false })
    ajv.addSchema({ $id: "kas", components: doc.components })
    const deref = (o: Json): Json => {
      const [, kind, name] = /^#\/components\/(\w+)\/(\w+)$/.exec(String(o.$ref)) ?? []
      return kind ? ((doc.components[kind] as Record<string, Json>)[name!] as Json) : o
    }
    const call = async (method: string, template: string, url: string, init: RequestInit = {}) => {
      const res = await fetch(kas.url + url, { ...init, method })
      const documented = doc.paths[template]?.[method.toLowerCase()]?.responses ?? {}
      expect(Object.keys(documented), `${method} ${url}`).toContain(String(res.status))
      const content = deref(documented[String(res.status)]!).content as Record<string, { schema: Json }> | undefined
      const [type, media] = Object.entries(content ?? {})[0] ?? []
      expect(res.headers.get("content-type") ?? "", `${method} ${url}`).toContain(type ?? "")
      if (type === "application/json") {
        const schema = JSON.stringify(media!.schema).replaceAll('"#/components/', '"kas#/components/')
        const validate = ajv.compile(JSON.parse(schema) as Json)
        const body: unknown = await res.json()
        expect(validate(body) ? [] : validate.errors, `${method} ${url}`).toEqual([])
        return body
      }
      return res.text()
    }
    const headers = { Authorization: `Token ${TOKEN}`, "X-KAS-CPR": CPR_A }
    for (const [template, item] of Object.entries(doc.paths)) {
      if (!item.get || template === "/rest/openapi.json") continue
      const url = template.replace("{year}", String(YEAR)).replace("{cpr}", CPR_A)
      await call("GET", template, url.replace("{id}", "999999999"), { headers: { Authorization: "Token wrong" } })
      if (!template.includes("{id}")) {
        const list = await call("GET", template, url.replace("{id}", "0"), { headers })
        if (Array.isArray(list) && list.length > 0) {
          const id = String((list[0] as { id: number }).id)
          await call("GET", `${template}{id}/`, `${url}${id}/`, { headers })
        }
      } else {
        await call("GET", template, url.replace("{id}", "999999999"), { headers })
        await call("GET", template, url.replace("{id}", "1"), { headers: { Authorization: headers.Authorization } })
      }
    }
    await call("GET", "/rest/policy_tax_year/", "/rest/policy_tax_year/?active=maybe", { headers })
    await call("GET", "/rest/overview/", `/rest/overview/?year=${YEAR}`, { headers })
    await call("GET", "/rest/overview/", "/rest/overview/", { headers })
    const form = (data: unknown) => {
      const f = new FormData()
      f.set("data", JSON.stringify(data))
      return f
    }
    const submission = {
      year: YEAR,
      updated_by: CPR_A,
      person_tax_year: { general_notes: "Noter", foreign_pension_notes: null },
      policies: [],
      new_policies: []
    }
    await call("POST", "/rest/submission/", "/rest/submission/", { headers, body: form(submission) })
    await call("POST", "/rest/submission/", "/rest/submission/", { headers, body: form({ ...submission, year: "x" }) })
    await call("POST", "/rest/submission/", "/rest/submission/", { headers, body: form({ ...submission, year: 1990 }) })
    const withoutCpr = { Authorization: headers.Authorization }
    const refused = await call("POST", "/rest/submission/", "/rest/submission/", {
      headers: withoutCpr,
      body: form(submission)
    })
    expect(refused).toMatchObject({ errors: { "X-KAS-CPR": ["CPR-nummeret skal være 10 cifre"] } })
    await call("GET", "/rest/overview/", `/rest/overview/?year=${YEAR}`, { headers: withoutCpr })
    const token = new URLSearchParams({ token: "unknown" })
    await call("POST", "/token/", "/token/", { headers: { Authorization: headers.Authorization }, body: token })
    for (const extend of [{ user_id: "1" }, { user_id: "x" }])
      await call("POST", "/token/extend/", "/token/extend/", {
        headers: { Authorization: headers.Authorization },
        body: new URLSearchParams(extend)
      })
  })
})

// A small client as another team would write it against the generated types.
const CLIENT = `import type { components, paths } from "./api"

type Overview = paths["/rest/overview/"]["get"]["responses"]["200"]["content"]["application/json"]
type PolicyQuery = NonNullable<paths["/rest/policy_tax_year/"]["get"]["parameters"]["query"]>
type Submission = components["schemas"]["Submission"]

export const query: PolicyQuery = { year: 2024, active: true, person_tax_year: 7 }

export const overview = async (base: string, token: string, cpr: string, year: number): Promise<Overview> => {
  const headers = { Authorization: "Token " + token, "X-KAS-CPR": cpr }
  const res = await fetch(base + "/rest/overview/?year=" + year, { headers })
  if (!res.ok) throw new Error(((await res.json()) as components["schemas"]["Detail"]).detail)
  return (await res.json()) as Overview
}

export const total = (o: Overview): number => o.policies.reduce((sum, p) => sum + p.calculated_result, 0)
export const period = (o: Overview): string | undefined => o.tax_year?.year_part

export const submission: Submission = {
  year: 2024,
  updated_by: "1802602810",
  person_tax_year: { general_notes: null, foreign_pension_notes: "Dansk pension" },
  policies: [{ id: 1, self_reported_amount: 1200 }],
  new_policies: [
    { pension_company_id: null, pension_company_name: "PFA", policy_number: "1", self_reported_amount: null }
  ]
}
`

const WRONG = `import type { components, paths } from "./api"

type Policy = components["schemas"]["PolicyTaxYear"]
export const amount: Policy["calculated_result"] = "100"
export const part: components["schemas"]["TaxYear"]["year_part"] = "afsluttet"
export const query: NonNullable<paths["/rest/tax_year/"]["get"]["parameters"]["query"]> = { year: 2024, month: 1 }
`
