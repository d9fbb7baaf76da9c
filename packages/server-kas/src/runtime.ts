import { Layer, type ManagedRuntime } from "effect"
import {
  CalculationDetails,
  Companies,
  CompanyMerge,
  CprMask,
  Database,
  FileStore,
  FinalStatements,
  History,
  type KasConfig,
  Locks,
  LossMatrices,
  Notes,
  PersonExtracts,
  PersonSearch,
  Persons,
  PersonYearPage,
  Policies,
  Prepayments,
  Prisme10QBatches,
  SummaryFiles,
  SystemUsers,
  PolicyExtracts,
  PolicyChanges,
  TaxSlips,
  TaxYears,
  Transactions,
  YearStatistics,
  EboksDispatches
} from "@kas/core"
import { PgPool } from "@kas/core/web"
import { EskatRowCounts } from "@kas/eskat"
import { LoginThrottle } from "./auth/LoginThrottle.js"
import { StaffUsers } from "./auth/StaffUsers.js"
import { UserAdmin } from "./auth/UserAdmin.js"
import { restServices } from "./rest/layer.js"
import { JobStore } from "@kas/jobs"

/** The core services the staff pages call. */
const staffServices = Layer.mergeAll(
  TaxYears.Default,
  PersonSearch.Default,
  Persons.Default,
  PersonYearPage.Default,
  Policies.Default,
  Companies.Default,
  Notes.Default,
  History.Default,
  Transactions.Default,
  Prisme10QBatches.Default,
  SystemUsers.Default,
  Prepayments.Default.pipe(Layer.provide(FileStore.layerPostgres)),
  YearStatistics.Default,
  PersonExtracts.Default,
  PolicyExtracts.Default,
  EskatRowCounts.Default,
  Locks.Default,
  LossMatrices.Default,
  CompanyMerge.Default,
  SummaryFiles.Default,
  PolicyChanges.Default,
  CalculationDetails.Default,
  FinalStatements.Default.pipe(Layer.provide(FileStore.layerPostgres)),
  TaxSlips.Default.pipe(Layer.provide(FileStore.layerPostgres)),
  EboksDispatches.Default
)

/**
 * The services of kas web, built once at start into one ManagedRuntime. Add an area's services to `services`.
 */
export const makeLayer = (settings: KasConfig.BackOfficeConfig.CommonSettings) => {
  const database = Database.layer(settings)
  const services = Layer.mergeAll(
    StaffUsers.Default,
    LoginThrottle.Default,
    UserAdmin.Default,
    JobStore.Default,
    restServices,
    staffServices,
    CprMask.logger
  )
  // The plain pool of the hot paths (the session store, the person-year page): prepared statements, no Effect SQL.
  return services.pipe(Layer.provideMerge(PgPool.layer()), Layer.provideMerge(database))
}

/** Everything a route effect may require. */
export type AppServices = Layer.Layer.Success<ReturnType<typeof makeLayer>>

/** The runtime type the routes run on. */
export type AppRuntime = ManagedRuntime.ManagedRuntime<AppServices, unknown>
