import type Router from "@koa/router"
import type { AppContext } from "../web/AppContext.js"
import { extractListRoutes } from "./extractLists.js"
import { adminRoutes } from "./admin.js"
import { adminTaxYearRoutes } from "./adminTaxYears.js"
import { featureFlagRoutes } from "./featureFlags.js"
import { censusRefreshRoutes } from "./censusRefresh.js"
import { createPolicyRoutes } from "./createPolicy.js"
import { finalStatementRoutes } from "./finalStatements.js"
import { findPersonRoutes } from "./findPerson.js"
import { lockRoutes } from "./locks.js"
import { historyRoutes } from "./history.js"
import { lossMatrixRoutes } from "./lossMatrix.js"
import { notesRoutes } from "./notes.js"
import { pensionCompanyRoutes } from "./pensionCompany.js"
import { personYearRoutes } from "./personYear.js"
import { policyRoutes } from "./policy.js"
import { prismeRoutes } from "./prisme.js"
import { policyEditRoutes } from "./policyEdits.js"
import { representRoutes } from "./represent.js"
import { statisticsRoutes } from "./statistics.js"
import { taxSlipRoutes } from "./taxSlip.js"
import { summaryRoutes } from "./summary.js"
import { workerRoutes } from "./worker.js"

/**
 * Every route module of kas web. An area adds its factory here (it gets the AppContext and returns a Router
 * whose routes each use `requirePermission`).
 */
export const areaRoutes: ReadonlyArray<(app: AppContext) => Router> = [
  findPersonRoutes,
  extractListRoutes,
  historyRoutes,
  lossMatrixRoutes,
  notesRoutes,
  personYearRoutes,
  policyRoutes,
  policyEditRoutes,
  createPolicyRoutes,
  censusRefreshRoutes,
  taxSlipRoutes,
  representRoutes,
  statisticsRoutes,
  workerRoutes,
  prismeRoutes,
  adminRoutes,
  adminTaxYearRoutes,
  featureFlagRoutes,
  lockRoutes,
  pensionCompanyRoutes,
  summaryRoutes,
  finalStatementRoutes
]
