import type {
  Assessment,
  Companies,
  CompanyMerge,
  DomainData,
  KasConfig,
  Prepayments,
  Prisme10QBatches,
  SummaryFiles,
  SystemUsers,
  TaxYearReset,
  EboksDispatches,
  FileStore,
  FinalStatements,
  StatementCandidates,
  TaxSlips,
  TaxYears
} from "@kas/core"
import type { SqlClient } from "@effect/sql"
import type { Effect } from "effect"
import { type JobType, JobRegistry } from "@kas/jobs"
import type { ImportMandtal, ImportR75 } from "@kas/eskat"
import { AutoligningJob, ForceFinalizeJob } from "./assessmentJobs.js"
import { DemoFailingJob, DemoJobWithChildren, DemoSlowJob } from "./demoJobs.js"
import { MergeCompaniesJob } from "./companyJobs.js"
import { GenerateFinalSettlementsJob, GenerateFinalSettlementsPart, GenerateReportsForYearJob } from "./documentJobs.js"
import { DispatchFinalSettlementJob, DispatchFinalSettlementsJob, PollEboksPostProcessingJob } from "./eboksJobs.js"
import type { Eboks } from "../eboks/Eboks.js"
import { ImportMandtalJob, ImportR75Job } from "./importJobs.js"
import type { Prisme } from "../prisme/Prisme.js"
import { GenerateSampleDataJob, ResetTaxYearJob } from "./adminJobs.js"
import { ImportPrePaymentFileJob, PREPAYMENT_FILE_MAX_BYTES, storePrepaymentUpload } from "./prepaymentJobs.js"
import { GenerateBatchAndTransactionsJob, type PrismeJobSettings, SendBatchJob } from "./prismeJobs.js"
import {
  GeneratePensionCompanySummaryJob,
  GenerateTotalPensionCompanySummaryJob,
  summaryFieldChoices,
  summaryYearChoices
} from "./summaryJobs.js"

/** How the detail page renders a job type's result (jobs.md §7). */
export type SummaryKind = "summary" | "autoligning" | "prepayments" | "status" | "raw"

/** Everything the `run` effects of the registered job types may require; the worker provides it (jobs/layer.ts). */
export type KasJobServices =
  | ImportMandtal
  | ImportR75
  | Assessment
  | Prisme10QBatches
  | Prepayments
  | SystemUsers
  | TaxYearReset
  | DomainData
  | SqlClient.SqlClient
  | PrismeJobSettings
  | Prisme
  | CompanyMerge
  | Companies
  | TaxYears
  | SummaryFiles
  | FinalStatements
  | StatementCandidates
  | TaxSlips
  | EboksDispatches
  | FileStore
  | Eboks

/** A job type of KAS: the runtime's definition plus where it exists and how the pages show it (jobs.md §1, §8). */
export interface KasJobType {
  readonly job: JobType<KasJobServices>
  readonly summary: SummaryKind
  readonly environments: ReadonlyArray<KasConfig.Environment>
  /** Offered in the "Start nyt job" dropdown (others are started from their own pages). */
  readonly inDropdown: boolean
  /**
   * For a type with a file parameter: stores the start form's upload before the job is enqueued (in the same
   * transaction) and returns the id that becomes the argument (jobs.md §5).
   */
  readonly storeUpload?: (
    upload: { readonly filename: string; readonly content: Uint8Array },
    createdBy: string
  ) => Effect.Effect<string, { readonly message: string }, Prepayments | SystemUsers>
  /**
   * The options of fields whose values are rows (a company, a tax year): the start form shows them as selects
   * (jobs.md §5 "Company and year"); the parameter's schema still validates what is posted.
   */
  readonly fieldChoices?: Effect.Effect<
    Readonly<Record<string, ReadonlyArray<FieldChoice>>>,
    unknown,
    Companies | TaxYears
  >
}

/** An option of a start form's select. */
export interface FieldChoice {
  readonly value: string
  readonly label: string
}

const all: ReadonlyArray<KasConfig.Environment> = ["development", "staging", "production"]
const notProduction: ReadonlyArray<KasConfig.Environment> = ["development", "staging"]

/** Every job type of server-kas, in the order of the dropdown. Append new types here. */
export const kasJobTypes: ReadonlyArray<KasJobType> = [
  {
    job: ImportPrePaymentFileJob,
    summary: "prepayments",
    environments: all,
    inDropdown: true,
    storeUpload: storePrepaymentUpload
  },
  { job: ImportMandtalJob, summary: "summary", environments: all, inDropdown: true },
  { job: ImportR75Job, summary: "summary", environments: all, inDropdown: true },
  { job: AutoligningJob, summary: "autoligning", environments: all, inDropdown: true },
  { job: ForceFinalizeJob, summary: "status", environments: all, inDropdown: true },
  { job: GenerateReportsForYearJob, summary: "status", environments: all, inDropdown: true },
  { job: GenerateFinalSettlementsJob, summary: "status", environments: all, inDropdown: true },
  { job: GenerateFinalSettlementsPart, summary: "status", environments: all, inDropdown: false },
  { job: GenerateBatchAndTransactionsJob, summary: "status", environments: all, inDropdown: true },
  { job: DispatchFinalSettlementsJob, summary: "status", environments: all, inDropdown: true },
  { job: DispatchFinalSettlementJob, summary: "status", environments: all, inDropdown: false },
  { job: SendBatchJob, summary: "status", environments: all, inDropdown: false },
  {
    job: GeneratePensionCompanySummaryJob,
    summary: "summary",
    environments: all,
    inDropdown: true,
    fieldChoices: summaryFieldChoices
  },
  {
    job: GenerateTotalPensionCompanySummaryJob,
    summary: "summary",
    environments: all,
    inDropdown: true,
    fieldChoices: summaryYearChoices
  },
  { job: MergeCompaniesJob, summary: "status", environments: all, inDropdown: false },
  { job: PollEboksPostProcessingJob, summary: "status", environments: all, inDropdown: true },
  { job: ResetTaxYearJob, summary: "status", environments: notProduction, inDropdown: true },
  { job: GenerateSampleDataJob, summary: "status", environments: ["development"], inDropdown: true },
  { job: DemoSlowJob, summary: "status", environments: notProduction, inDropdown: true },
  { job: DemoJobWithChildren, summary: "status", environments: notProduction, inDropdown: true },
  { job: DemoFailingJob, summary: "status", environments: notProduction, inDropdown: true }
]

/** The job types that exist in `environment`. */
export const typesFor = (environment: KasConfig.Environment): ReadonlyArray<KasJobType> =>
  kasJobTypes.filter((t) => t.environments.includes(environment))

/** The runtime registry of `environment` (what its workers run and its CLI and pages accept). */
export const registryFor = (environment: KasConfig.Environment): JobRegistry.JobRegistry<KasJobServices> =>
  JobRegistry.make(typesFor(environment).map((t) => t.job))

/** The KAS view of a registered key in `environment`, if any. */
export const findType = (environment: KasConfig.Environment, key: string): KasJobType | undefined =>
  typesFor(environment).find((t) => t.job.key === key)

/** The largest file any job type's start form takes (the multipart reader's limit; each field checks its own). */
export const JOB_UPLOAD_MAX_BYTES = PREPAYMENT_FILE_MAX_BYTES
