/**
 * The OpenAPI 3.1 document of the back-office REST API (selvbetjening.md §16), generated from the contract Schemas:
 * every named Schema (an `identifier` annotation) becomes one entry of `components/schemas` and is referenced there,
 * so that standard tools (validators, client generators) accept the document as it is.
 */
import { JSONSchema, Schema } from "effect"
import * as C from "./Contract.js"

type Json = { readonly [key: string]: unknown }

const SCHEMAS = "#/components/schemas/"
const ref = (kind: "parameters" | "responses", name: string): Json => ({ $ref: `#/components/${kind}/${name}` })
const text = (description: string, schema: Json): Json => ({ description, content: { "text/plain": { schema } } })

/** Builds the document (served at `/rest/openapi.json`; {@link json} is the text written into the package). */
export const document = (): Json => {
  const schemas: Record<string, JSONSchema.JsonSchema7> = {}
  const schemaOf = (s: Schema.Schema.Any): JSONSchema.JsonSchema7 =>
    JSONSchema.fromAST(s.ast, { definitions: schemas, definitionPath: SCHEMAS, target: "openApi3.1" })
  const body = (description: string, s: Schema.Schema.Any): Json => ({
    description,
    content: { "application/json": { schema: schemaOf(s) } }
  })

  // The query parameters of a filter are the fields of its decoded side (integers, booleans), required as there.
  const queryOf = (filter: Schema.Schema.Any): Array<Json> => {
    const s = schemaOf(Schema.typeSchema(filter)) as { properties?: Record<string, Json>; required?: Array<string> }
    return Object.entries(s.properties ?? {}).map(([name, schema]) => ({
      name,
      in: "query",
      required: s.required?.includes(name) ?? false,
      schema
    }))
  }
  const parameters = {
    Cpr: {
      name: C.CPR_HEADER,
      in: "header",
      required: true,
      description: "The citizen the request is scoped to; only this person's rows are answered",
      schema: schemaOf(C.Cpr)
    },
    Id: { name: "id", in: "path", required: true, schema: { type: "integer" } }
  }
  const responses = {
    BadRequest: body(
      "An invalid filter, or a missing or malformed X-KAS-CPR header: the detail and the messages of each query " +
        "parameter or of the header",
      C.BadRequest
    ),
    Unauthorized: body("A missing or invalid API token", C.Detail),
    NotFound: body("Not found, or not the X-KAS-CPR citizen's", C.Detail),
    ServerError: body("An unexpected error; nothing about it is exposed", C.Detail)
  }
  const common = { "401": ref("responses", "Unauthorized"), "500": ref("responses", "ServerError") }
  const cpr = ref("parameters", "Cpr")

  const paths: Record<string, Json> = {}
  for (const { name, filter, item, scoped } of Object.values(C.resources)) {
    const query = queryOf(filter)
    const badRequest = scoped || query.length > 0 ? { "400": ref("responses", "BadRequest") } : {}
    paths[`/rest/${name}/`] = {
      get: {
        operationId: `list_${name}`,
        parameters: [...(scoped ? [cpr] : []), ...query],
        responses: { "200": body(`The matching ${name} items`, Schema.Array(item)), ...badRequest, ...common }
      }
    }
    paths[`/rest/${name}/{id}/`] = {
      get: {
        operationId: `get_${name}`,
        parameters: [...(scoped ? [cpr] : []), ref("parameters", "Id")],
        responses: {
          "200": body(`One ${name}`, item),
          ...(scoped ? { "400": ref("responses", "BadRequest") } : {}),
          "404": ref("responses", "NotFound"),
          ...common
        }
      }
    }
  }
  paths["/rest/overview/"] = {
    get: {
      operationId: "get_overview",
      description: "Everything the citizen's year overview needs in one answer",
      parameters: [cpr, ...queryOf(C.OverviewFilter)],
      responses: {
        "200": body(
          "The citizen's years, the tax year, its active policies and whether a statement exists",
          C.CitizenOverview
        ),
        "400": ref("responses", "BadRequest"),
        ...common
      }
    }
  }
  paths["/rest/submission/"] = {
    post: {
      operationId: "submit",
      description: "The self-assessment: applied completely in one transaction, or not at all",
      parameters: [cpr],
      requestBody: {
        required: true,
        content: {
          "multipart/form-data": {
            schema: {
              type: "object",
              required: ["data"],
              properties: { data: schemaOf(C.Submission) },
              additionalProperties: {
                type: "string",
                contentMediaType: "application/octet-stream",
                description: "A file, in the part named by a `new_files[].part`"
              }
            },
            encoding: { data: { contentType: "application/json" } }
          }
        }
      },
      responses: {
        "200": body("Applied", C.SubmissionResult),
        "400": body(
          "Validation errors by field path, or a missing or malformed X-KAS-CPR header (the path X-KAS-CPR)",
          Schema.Union(C.ValidationErrors, C.BadRequest)
        ),
        "404": body("An unknown person-year, policy or document", C.Detail),
        "409": body("The year is not in its selvangivelse period", C.Detail),
        "413": body("A file or the request is too large", C.Detail),
        ...common
      }
    }
  }
  paths["/token/"] = {
    post: {
      operationId: "exchange_token",
      description: "Consumes a representation token (staff acting for a citizen)",
      requestBody: {
        required: true,
        content: {
          "application/x-www-form-urlencoded": {
            schema: { type: "object", required: ["token"], properties: { token: { type: "string" } } }
          }
        }
      },
      responses: {
        "200": body("The token is consumed", C.TokenExchange),
        "400": text("Why the token was refused", { type: "string" }),
        ...common
      }
    }
  }
  paths["/token/extend/"] = {
    post: {
      operationId: "extend_representation",
      description:
        "The portal's represented session was used: the staff user's representation lives on with it (issue 13)",
      requestBody: {
        required: true,
        content: {
          "application/x-www-form-urlencoded": {
            schema: {
              type: "object",
              required: ["user_id"],
              properties: {
                user_id: { type: "integer", description: "The staff user (AdminUserID of the exchange)" },
                session_seconds: { type: "integer", minimum: 60, maximum: 86_400, description: "Default 900" }
              }
            }
          }
        }
      },
      responses: {
        "200": body("The representation is extended", C.Detail),
        "400": body("A missing or malformed user_id", C.Detail),
        "404": body("The staff user has no representation (it was stopped or has expired)", C.Detail),
        ...common
      }
    }
  }
  const statementParameters = [
    cpr,
    { name: "year", in: "path", required: true, schema: { type: "integer" } },
    { name: "cpr", in: "path", required: true, description: `Must equal ${C.CPR_HEADER}`, schema: schemaOf(C.Cpr) }
  ]
  paths["/final_settlement/{year}/{cpr}/exists/"] = {
    get: {
      operationId: "final_settlement_exists",
      parameters: statementParameters,
      responses: {
        "200": text("A sent final statement exists", { type: "string", enum: ["local"] }),
        "404": ref("responses", "NotFound"),
        ...common
      }
    }
  }
  paths["/final_settlement/{year}/{cpr}/"] = {
    get: {
      operationId: "get_final_settlement",
      parameters: statementParameters,
      responses: {
        "200": {
          description: "The sent final statement",
          content: { "application/pdf": { schema: { type: "string", contentMediaType: "application/pdf" } } }
        },
        "404": ref("responses", "NotFound"),
        ...common
      }
    }
  }
  paths["/rest/openapi.json"] = {
    get: {
      operationId: "get_openapi",
      security: [],
      responses: {
        "200": { description: "This document", content: { "application/json": { schema: { type: "object" } } } }
      }
    }
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "KAS REST API",
      version: "1",
      description: "The back-office REST API of KAS (kapitalafkastskat) that the citizen portal uses"
    },
    security: [{ token: [] }],
    paths,
    components: {
      schemas,
      parameters,
      responses,
      securitySchemes: {
        token: { type: "apiKey", in: "header", name: "Authorization", description: "`Token <key>`" }
      }
    }
  }
}

/** The document as the JSON text that is served and written into the package at build time. */
export const json = (): string => `${JSON.stringify(document(), null, 2)}\n`
