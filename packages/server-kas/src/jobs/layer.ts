import {
  Assessment,
  Companies,
  CompanyMerge,
  CprMask,
  Database,
  DomainData,
  EboksDispatches,
  FileStore,
  FinalStatements,
  type KasConfig,
  Prepayments,
  Prisme10QBatches,
  SummaryFiles,
  SystemUsers,
  TaxYearReset,
  StatementCandidates,
  TaxSlips,
  TaxYears
} from "@kas/core"
import { Datafordeler, ImportMandtal, ImportR75, layer as eskatLayer } from "@kas/eskat"
import { JobStore } from "@kas/jobs"
import { Layer } from "effect"
import { Prisme } from "../prisme/Prisme.js"
import { PrismeJobSettings } from "./prismeJobs.js"
import { Eboks } from "../eboks/Eboks.js"
import { DocumentSettings } from "./documentJobs.js"

/** The services the registered job types need (`KasJobServices`), for a worker process. */
export const jobServices = (settings: KasConfig.BackOfficeConfig.WorkerSettings) =>
  Layer.mergeAll(ImportMandtal.Default, ImportR75.Default).pipe(
    Layer.provide(eskatLayer(settings.eskat)),
    // The census import asks Datafordeler only under the feature flag (configuration.md §4.7).
    Layer.provide(settings.dafo.enabled ? Datafordeler.layer(settings.dafo) : Layer.empty),
    Layer.merge(Assessment.Default),
    Layer.merge(Prisme10QBatches.Default),
    Layer.merge(Prepayments.Default.pipe(Layer.provide(FileStore.layerPostgres))),
    Layer.merge(SystemUsers.Default),
    Layer.merge(TaxYearReset.Default),
    Layer.merge(DomainData.Default),
    Layer.merge(PrismeJobSettings.layer(settings)),
    Layer.merge(Prisme.live(settings.tenq)),
    Layer.merge(Layer.mergeAll(CompanyMerge.Default, Companies.Default, TaxYears.Default, SummaryFiles.Default)),
    Layer.merge(documentServices(settings))
  )

/** The services of the document and e-Boks jobs (issue 16), on the worker's settings. */
export const documentServices = (settings: KasConfig.BackOfficeConfig.WorkerSettings) =>
  Layer.mergeAll(
    FinalStatements.Default,
    TaxSlips.Default,
    StatementCandidates.Default,
    TaxYears.Default,
    EboksDispatches.Default,
    Eboks.layer(settings.eboks),
    Layer.succeed(DocumentSettings, {
      indifferenceLimit: settings.transactionIndifferenceLimit,
      timeZone: settings.timezone
    })
  ).pipe(Layer.provideMerge(FileStore.layerPostgres))

/** Database, job store and job services: everything `kas worker` and `kas execute-job --wait` run on. */
export const workerLayer = (settings: KasConfig.BackOfficeConfig.WorkerSettings, maxConnections: number) =>
  Layer.mergeAll(jobServices(settings), JobStore.Default, CprMask.logger).pipe(
    Layer.provideMerge(Database.layer({ ...settings, maxConnections }))
  )

/** Database and job store only (enqueueing, the scheduler). */
export const storeLayer = (settings: KasConfig.BackOfficeConfig.CommonSettings) =>
  Layer.merge(JobStore.Default, CprMask.logger).pipe(
    Layer.provideMerge(Database.layer({ ...settings, maxConnections: 4 }))
  )
