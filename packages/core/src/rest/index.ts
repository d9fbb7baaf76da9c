/** The back-office REST contract, its OpenAPI document, the upload rules and the typed client. */
export * as Contract from "./Contract.js"
export * as Uploads from "./Uploads.js"
export * as OpenApi from "./OpenApi.js"
export * from "./Client.js"
