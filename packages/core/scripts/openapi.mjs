// Writes the REST API's OpenAPI document into dist/openapi.json after the build (exported as
// "@kas/core/openapi.json"), so that other teams have it without a running server.
import { writeFile } from "node:fs/promises"
import { Rest } from "../dist/index.js"

await writeFile(new URL("../dist/openapi.json", import.meta.url), Rest.OpenApi.json())
