/** The OpenAPI 3.1 document of the back-office REST API, generated from the contract Schemas (§16). */
import { JSONSchema, Schema } from "effect"
import * as C from "./Contract.js"

const schemaOf = (s: Schema.Schema.Any): object => {
  const { $schema: _, ...rest } = JSONSchema.make(s, { target: "openApi3.1" }) as unknown as Record<string, unknown>
  return rest
}

const json = (s: Schema.Schema.Any, description: string) => ({ description, content: { "application/json": { schema: schemaOf(s) } } })
const errors = {
  "400": json(C.Detail, "Invalid filter or missing/malformed X-KAS-CPR"),
  "401": json(C.Detail, "Missing or invalid API token")
}
const cprHeader = { name: C.CPR_HEADER, in: "header", required: true, schema: { type: "string", pattern: "^[0-9]{10}$" } }
const query = (names: ReadonlyArray<string>) => names.map((name) => ({ name, in: "query", required: false, schema: { type: name === "active" ? "boolean" : "integer" } }))
const idParam = { name: "id", in: "path", required: true, schema: { type: "integer" } }

const resource = (item: Schema.Schema.Any, filters: ReadonlyArray<string>, scoped: boolean) => {
  const params = scoped ? [cprHeader] : []
  return {
    list: { get: { parameters: [...params, ...query(filters)], responses: { "200": json(Schema.Array(item), "List"), ...errors } } },
    one: { get: { parameters: [...params, idParam], responses: { "200": json(item, "One item"), "404": json(C.Detail, "Not found (or outside the CPR scope)"), ...errors } } }
  }
}

const resources: ReadonlyArray<readonly [string, Schema.Schema.Any, ReadonlyArray<string>, boolean]> = [
  ["tax_year", C.TaxYearOut, ["year", "year_lt"], false],
  ["pension_company", C.PensionCompanyOut, ["res"], false],
  ["person", C.PersonOut, [], true],
  ["person_tax_year", C.PersonTaxYearOut, ["year", "year_lt"], true],
  ["policy_tax_year", C.PolicyTaxYearOut, ["year", "year_lt", "active", "person_tax_year", "pension_company"], true],
  ["policy_document", C.PolicyDocumentOut, ["policy_tax_year"], true]
]

/** Builds the document (served at `/rest/openapi.json`). */
export const document = (): object => {
  const paths: Record<string, object> = {}
  for (const [name, item, filters, scoped] of resources) {
    const r = resource(item, filters, scoped)
    paths[`/rest/${name}/`] = r.list
    paths[`/rest/${name}/{id}/`] = r.one
  }
  paths["/rest/overview/"] = {
    get: {
      parameters: [cprHeader, { name: "year", in: "query", required: true, schema: { type: "integer" } }],
      responses: { "200": json(C.CitizenOverview, "The citizen's year overview in one answer"), ...errors }
    }
  }
  paths["/rest/submission/"] = {
    post: {
      parameters: [cprHeader],
      requestBody: {
        content: {
          "multipart/form-data": {
            schema: { type: "object", properties: { data: schemaOf(C.Submission) }, additionalProperties: { type: "string", format: "binary" } }
          }
        }
      },
      responses: {
        "200": json(C.SubmissionResult, "Applied in one transaction"),
        "400": json(C.ValidationErrors, "Validation errors by field path"),
        "404": json(C.Detail, "Unknown person-year, policy or document"),
        "409": json(C.Detail, "The year is not in selvangivelse"),
        "413": json(C.Detail, "Request larger than 50 MB"),
        "401": errors["401"]
      }
    }
  }
  paths["/token/"] = {
    post: {
      requestBody: { content: { "application/x-www-form-urlencoded": { schema: { type: "object", properties: { token: { type: "string" } } } } } },
      responses: { "200": json(C.TokenExchange, "Token consumed"), "400": { description: "Plain-text reason" }, "401": errors["401"] }
    }
  }
  paths["/final_settlement/{year}/{cpr}/exists/"] = {
    get: { parameters: [cprHeader], responses: { "200": { description: "`local`" }, "404": { description: "No sent statement" } } }
  }
  paths["/final_settlement/{year}/{cpr}/"] = {
    get: { parameters: [cprHeader], responses: { "200": { description: "PDF", content: { "application/pdf": {} } }, "404": { description: "No sent statement" } } }
  }
  return {
    openapi: "3.1.0",
    info: { title: "KAS REST API", version: "1" },
    components: { securitySchemes: { token: { type: "apiKey", in: "header", name: "Authorization", description: "Token <key>" } } },
    security: [{ token: [] }],
    paths
  }
}
