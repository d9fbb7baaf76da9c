/**
 * What each period (`year_part`) of a tax year allows (domain.md §6.1), as one table, and the refusal messages.
 * Only the actions that some part of the spec restricts are listed; imports, tax slips and forced finalization
 * run in any period (jobs.md §8.0 gives them no period).
 */
import { Either, Schema } from "effect"

/** The three periods of a tax year, in lifecycle order. */
export const YearPart = Schema.Literal("selvangivelse", "ligning", "genoptagelsesperiode")

/** A tax year's period. */
export type YearPart = typeof YearPart.Type

/** The Danish labels of the periods. */
export const yearPartLabels: Readonly<Record<YearPart, string>> = {
  selvangivelse: "Selvangivelsesperiode",
  ligning: "Ligningsperiode",
  genoptagelsesperiode: "Genoptagelsesperiode"
}

/** The periods in lifecycle order (each is entered from the one before it, domain.md §6.1). */
export const periodOrder: ReadonlyArray<YearPart> = ["selvangivelse", "ligning", "genoptagelsesperiode"]

/**
 * Why an administrator may not move a tax year from `from` to `to` by hand (staff-web.md §18), or undefined when the
 * change is allowed: one step forward or back in the lifecycle, or no change. A jump over a period is refused —
 * forwards it would leave out the assessment ("ligning") in which final statements are made, backwards it would
 * reopen the self-assessment of a year whose statements exist.
 */
export const manualChangeProblem = (from: YearPart, to: YearPart): string | undefined => {
  const a = periodOrder.indexOf(from)
  const b = periodOrder.indexOf(to)
  if (Math.abs(a - b) <= 1) return undefined
  const skipped = periodOrder.slice(Math.min(a, b) + 1, Math.max(a, b)).map((p) => yearPartLabels[p].toLowerCase())
  return (
    `Skatteåret kan ikke skifte direkte fra ${yearPartLabels[from].toLowerCase()} til ` +
    `${yearPartLabels[to].toLowerCase()}: ${skipped.join(" og ")} kan ikke springes over`
  )
}

/** An action that only some periods allow. */
export type PeriodAction =
  | "autoligning"
  | "selfReport"
  | "editSelfReportedAmount"
  | "editAmounts"
  | "generateFinalSettlements"
  | "generateBatchAndTransactions"
  | "generateIndividualFinalStatement"
  | "dispatchFinalStatement"

/** The periods in which each action is allowed (§6.1). */
export const allowedPeriods: Readonly<Record<PeriodAction, ReadonlyArray<YearPart>>> = {
  autoligning: ["selvangivelse"],
  selfReport: ["selvangivelse"],
  editSelfReportedAmount: ["selvangivelse"],
  editAmounts: ["ligning", "genoptagelsesperiode"],
  generateFinalSettlements: ["ligning"],
  generateBatchAndTransactions: ["ligning"],
  generateIndividualFinalStatement: ["genoptagelsesperiode"],
  dispatchFinalStatement: ["genoptagelsesperiode"]
}

/** The Danish name of each action, as staff know it. */
export const actionLabels: Readonly<Record<PeriodAction, string>> = {
  autoligning: "Kør autoligning",
  selfReport: "Selvangivelse",
  editSelfReportedAmount: "Ret selvangivet beløb",
  editAmounts: "Ret beløb",
  generateFinalSettlements: "Generering af KAS slutopgørelser for et givet år",
  generateBatchAndTransactions: "Generering af Transaktioner og batch for et givent år",
  generateIndividualFinalStatement: "Generer ny slutopgørelse",
  dispatchFinalStatement: "Afsendelse af KAS slutopgørelse"
}

/** True when the period allows the action. */
export const allows = (yearPart: YearPart, action: PeriodAction): boolean => allowedPeriods[action].includes(yearPart)

/**
 * The failure of a job run in the wrong period (jobs.md §3.4): "Kan kun {job title} år som er i perioden {period}",
 * where period is the `year_part` value the job needs (e.g. `ligning`).
 */
export const jobPeriodMessage = (jobTitle: string, requiredPeriod: YearPart): string =>
  `Kan kun ${jobTitle} år som er i perioden ${requiredPeriod}`

/** An action was refused because the tax year is in a period that does not allow it. */
export class TaxYearPeriodError extends Schema.TaggedError<TaxYearPeriodError>()("TaxYearPeriodError", {
  action: Schema.String,
  yearPart: YearPart,
  allowed: Schema.Array(YearPart),
  message: Schema.String
}) {}

const staffMessage = (action: PeriodAction, yearPart: YearPart): string => {
  const allowed = allowedPeriods[action].map((p) => yearPartLabels[p].toLowerCase()).join(" og ")
  const current = yearPartLabels[yearPart].toLowerCase()
  return `"${actionLabels[action]}" er kun tilladt i ${allowed}; skatteåret er i ${current}`
}

/**
 * Right when the period allows the action, else the error. With `jobTitle` the message is the job text of
 * jobs.md §3.4 (the required periods joined with " eller "); otherwise it names the action and the allowed periods.
 */
export const check = (
  yearPart: YearPart,
  action: PeriodAction,
  options?: { readonly jobTitle?: string | undefined }
): Either.Either<void, TaxYearPeriodError> => {
  if (allows(yearPart, action)) return Either.void
  const allowed = allowedPeriods[action]
  const message =
    options?.jobTitle === undefined
      ? staffMessage(action, yearPart)
      : `Kan kun ${options.jobTitle} år som er i perioden ${allowed.join(" eller ")}`
  return Either.left(new TaxYearPeriodError({ action, yearPart, allowed, message }))
}
