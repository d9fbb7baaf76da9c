/** @kas/core: configuration, database, domain model and the tax calculation of KAS. */
export * as KasConfig from "./config/index.js"
export * from "./database/index.js"
