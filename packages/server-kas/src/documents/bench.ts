/** What bench/documents runs: the document job types, their worker layers and the PDF render counters. */
import type { FinalStatements, StatementCandidates, TaxSlips, TaxYears } from "@kas/core"
import type { JobType } from "@kas/jobs"
import {
  GenerateFinalSettlementsJob,
  GenerateFinalSettlementsPart,
  GenerateReportsForYearJob
} from "../jobs/documentJobs.js"
import { documentServices } from "../jobs/layer.js"

export { renderStats } from "./FinalStatementPdf.js"
export { documentServices, GenerateFinalSettlementsJob }

/** The document job types (bulk generation with its parts, tax slips). */
export const jobs: ReadonlyArray<JobType<FinalStatements | StatementCandidates | TaxSlips | TaxYears>> = [
  GenerateFinalSettlementsJob,
  GenerateFinalSettlementsPart,
  GenerateReportsForYearJob
]
