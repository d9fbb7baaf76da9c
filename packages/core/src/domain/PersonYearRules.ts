/**
 * Derived rules of a person-year (domain.md §7.1, §7.2): days and liability recomputed from its census entries,
 * the system note a changed result gets, and the flags derived from its policies.
 */

/** One census entry of the person-year (domain.md §2.5). */
export interface CensusEntryDays {
  readonly numberOfDays: number | null
  readonly fullyTaxLiable: boolean
}

/** The census-derived fields of a person-year. */
export interface CensusResult {
  readonly numberOfDays: number
  readonly fullyTaxLiable: boolean
}

/** §7.1: days = min(days in year, Σ days of fully liable entries, null as 0); liable = any entry is fully liable. */
export const fromCensus = (entries: ReadonlyArray<CensusEntryDays>, daysInYear: number): CensusResult => {
  let days = 0
  for (const entry of entries) if (entry.fullyTaxLiable) days += entry.numberOfDays ?? 0
  return { numberOfDays: Math.min(daysInYear, days), fullyTaxLiable: entries.some((e) => e.fullyTaxLiable) }
}

/** True when the recomputed census fields differ from the stored ones (then save and recalculate, §7.1). */
export const censusChanged = (
  stored: { readonly numberOfDays: number | null; readonly fullyTaxLiable: boolean },
  recomputed: CensusResult
): boolean => stored.numberOfDays !== recomputed.numberOfDays || stored.fullyTaxLiable !== recomputed.fullyTaxLiable

/** The exact text of the system note on a policy whose `calculated_result` changed after a census change (§7.1). */
export const censusChangeNote = (year: number): string =>
  `Personens antal skattedage i ${year} er blevet opdateret; denne police er blevet påvirket af ændringen, og ` +
  "beregningen kan afvige fra en evt. oprettet slutopgørelse."

/** What §7.2 reads of a policy-year. */
export interface PolicyFlags {
  readonly active: boolean
  readonly slutlignet: boolean
  readonly efterbehandling: boolean
  /** "YYYY-MM-DD" or null. */
  readonly nextProcessingDate: string | null
}

/** The person-year is slutlignet when no **active** policy is not slutlignet (true without active policies). */
export const slutlignet = (policies: ReadonlyArray<PolicyFlags>): boolean =>
  !policies.some((p) => p.active && !p.slutlignet)

/** The person-year needs follow-up when **any** policy (inactive ones too) does. */
export const efterbehandling = (policies: ReadonlyArray<PolicyFlags>): boolean =>
  policies.some((p) => p.efterbehandling)

/** The latest `next_processing_date` after today ("YYYY-MM-DD") among the policies, or null. */
export const latestProcessingDate = (policies: ReadonlyArray<PolicyFlags>, today: string): string | null => {
  let latest: string | null = null
  for (const p of policies) {
    const date = p.nextProcessingDate
    if (date !== null && date > today && (latest === null || date > latest)) latest = date
  }
  return latest
}

/** A tax slip goes to person-years that are fully tax liable with more than 0 days (domain.md §2.4). */
export const receivesTaxSlip = (personYear: {
  readonly fullyTaxLiable: boolean
  readonly numberOfDays: number | null
}): boolean => personYear.fullyTaxLiable && (personYear.numberOfDays ?? 0) > 0
