import {
  type DomainRuleError,
  type NotFound,
  type RepresentationTokenRefused,
  type SelfAssessmentClosed,
  type SubmissionInvalid,
  type SubmissionNotFound,
  type TaxYearPeriod,
  I18n,
  SubmissionRules
} from "@kas/core"
import { errorTable } from "@kas/core/web"
import type { JobNotFound, UnknownJobType } from "@kas/jobs"

type Failure =
  | NotFound
  | DomainRuleError
  | TaxYearPeriod.TaxYearPeriodError
  | JobNotFound
  | UnknownJobType
  | SubmissionNotFound
  | SelfAssessmentClosed
  | SubmissionInvalid
  | RepresentationTokenRefused

const notFound = { detail: "Ikke fundet." }
const danish = I18n.translator("da")

/**
 * kas web's one table of typed failures (error `_tag` → status and page or JSON body); what is not here is a 500
 * that exposes nothing. Pages show the message; the REST API answers the bodies of selvbetjening.md §16.5.
 */
export const kasErrors = errorTable<Failure>()({
  NotFound: { status: 404, message: (e) => e.message },
  DomainRuleError: { status: 400, message: (e) => e.message },
  TaxYearPeriodError: { status: 409, message: (e) => e.message },
  JobNotFound: { status: 404 },
  UnknownJobType: { status: 404 },
  SubmissionNotFound: { status: 404, body: () => notFound },
  SelfAssessmentClosed: { status: 409, body: (e) => ({ detail: e.message }) },
  SubmissionInvalid: { status: 400, body: (e) => ({ errors: SubmissionRules.fieldMessages(danish, e.problems) }) },
  RepresentationTokenRefused: { status: 400, body: (e) => e.message }
})
