import type { Environment } from "../config/Environment.js"
import type { Destination } from "../database/repositories/Prisme10QBatches.js"

/** The destinations of a 10Q batch (integrations.md §2.7), with their labels, in the order of the select. */
export const destinations: ReadonlyArray<{ readonly value: Destination; readonly label: string }> = [
  { value: "10q_production", label: "Produktionssystem" },
  { value: "10q_development", label: "Undervisningssystem" },
  { value: "10q_mocking", label: "Mocking" }
]

const allowed: Record<Environment, ReadonlyArray<Destination>> = {
  production: ["10q_production", "10q_development"],
  staging: ["10q_development"],
  development: ["10q_development", "10q_mocking"]
}

/** The destinations allowed in an environment (§2.7). */
export const allowedIn = (environment: Environment) =>
  destinations.filter((d) => allowed[environment].includes(d.value))

/** Whether a destination may be used in an environment. */
export const isAllowed = (environment: Environment, destination: string): destination is Destination =>
  allowed[environment].some((d) => d === destination)

/** The label of a destination ("Produktionssystem" …). */
export const labelOf = (destination: Destination): string =>
  destinations.find((d) => d.value === destination)?.label ?? destination

/** The refusal of a destination the environment does not allow. */
export const notAllowedMessage = (destination: string) => `Destinationen ${destination} er ikke tilladt i dette miljø`

/** The name of the uploaded file (§2.6 step 4): `KAS_10Q_export_YYYY-MM-DDTHH-MM-SS.10q`, UTC. */
export const uploadFileName = (at: Date) => `KAS_10Q_export_${at.toISOString().slice(0, 19).replaceAll(":", "-")}.10q`

/** The download name (§2.9, staff-web.md §12): `KAS_10Q__{pk}__{yy-mm-dd_HH_MM_SS}.txt` of the batch's creation. */
export const downloadFileName = (batchId: number, created: Date, timeZone: string) => {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-GB", {
      timeZone,
      year: "2-digit",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
      hourCycle: "h23"
    })
      .formatToParts(created)
      .map((p) => [p.type, p.value])
  )
  const date = `${parts.year}-${parts.month}-${parts.day}`
  return `KAS_10Q__${batchId}__${date}_${parts.hour}_${parts.minute}_${parts.second}.txt`
}

/** Batch status labels (domain.md §2.15). */
export const batchStatusLabels: Readonly<Record<string, string>> = {
  created: "Ikke afsendt",
  delivering: "Afsender",
  failed: "Afsendelse fejlet",
  delivered: "Afsendt",
  cancelled: "Annulleret"
}

/** Transaction status labels (domain.md §2.14). */
export const transactionStatusLabels: Readonly<Record<string, string>> = {
  created: "Oprettet",
  ready: "Klar til overførsel",
  transferred: "Overført",
  cancelled: "Annulleret",
  indifferent: "Afregnes ikke"
}
