/** @kas/core: configuration, database, domain model and the tax calculation of KAS. */
export * as KasConfig from "./config/index.js"
export * from "./database/index.js"
export * as Calculation from "./domain/Calculation.js"
export * from "./domain/CalculationInputError.js"
export * as PolicyCalculation from "./domain/PolicyCalculation.js"
export * from "./domain/Entities.js"
export * as LossCarryForward from "./domain/LossCarryForward.js"
export * as LossMatrix from "./domain/LossMatrix.js"
