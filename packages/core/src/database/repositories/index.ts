/** Repositories and domain services on the `kas` schema. */
export * from "./Audit.js"
export * from "./FileStore.js"
export * from "./Policies.js"
export * from "./Recalculation.js"
export * from "./SystemUsers.js"
export * from "./TaxYears.js"
export * from "./Notes.js"
export * from "./Persons.js"
