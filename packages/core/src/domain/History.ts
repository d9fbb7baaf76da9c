import { Schema } from "effect"

/** `+` created, `~` changed, `-` deleted (domain.md §8). */
export const HistoryType = Schema.Literal("+", "~", "-")

/** The audited entity types. */
export const EntityType = Schema.Literal(
  "Person",
  "PersonTaxYear",
  "CensusEntry",
  "PolicyTaxYear",
  "LossTransfer",
  "Note",
  "PolicyDocument",
  "FinalStatement",
  "Transaction"
)
/** An audited entity type. */
export type EntityType = typeof EntityType.Type

/** One audit entry: the row as it was after the change (domain.md §8). */
export class HistoryEntry extends Schema.Class<HistoryEntry>("HistoryEntry")({
  history_id: Schema.NumberFromString,
  entity_type: Schema.String,
  entity_id: Schema.String,
  history_date: Schema.DateFromSelf,
  history_user: Schema.NullOr(Schema.String),
  history_type: HistoryType,
  change_reason: Schema.NullOr(Schema.String),
  snapshot: Schema.Record({ key: Schema.String, value: Schema.Unknown })
}) {}

/** Fixed audit reasons of domain.md §8 and §4.2–§4.5. */
export const Reasons = {
  createdByImport: "Created by import",
  updatedByImport: "Updated by import",
  clearedByImport: "Cleared by import",
  autoligning: "autoligning",
  forcedFinalization: "Forced finalization",
  manualCorrection: "Manuel rettelse",
  recalculation: "Genberegning",
  recalcR75: "Genberegning på grund af import_r75 job",
  recalcCensus: "Genberegning på grund af import_mandtal job",
  recalcAutoligning: "Genberegning på grund af autoligning job",
  recalcSelfReported: "Automatisk genberegning ved rettelse af selvangivet beløb",
  recalcAmounts: "Automatisk genberegning ved rettelse af beløb",
  selfServiceSubmitted: "Selvangivelse indsendt",
  recalcPolicyCreated: "Genberegning ved oprettelse af police",
  recalcCompanyChange: "Genberegning ved skift af pensionsselskab",
  recalcPolicyNumberChange: "Genberegning ved skift af policenummer",
  recalcCitizenPay: "Genberegning ved ændring af borgerbetaling",
  recalcActivation: "Genberegning ved afregistrering/aktivering",
  recalcAfterManual: "Genberegning efter manuel rettelse",
  recalcMerge: "Genberegning ved fletning af pensionsselskaber",
  updatedFromDafo: "Opdateret fra Datafordeler",
  /** The efterbehandling toggle of the policy page (decision: no recalculation, this reason). */
  efterbehandlingChanged: "Kræver efterbehandling ændret",
  overUse: "automatisk rettelse for at undgå at det totale resterende beløb falder under 0",
  protectedOver: (w: number) => `automatisk rettelse for at undgå at det totale anvendte beløb er over ${w}`
} as const

/**
 * Who made a change, by its audit reason (issue 14 item 10, the autoligning decision): `import` — an import and the
 * recalculations an import causes; `automatic` — autoligning itself; `person` — everything else: staff edits, citizen
 * submissions and the recalculations those edits cause (and a change written without a reason). Only `person`
 * changes send a policy to efterbehandling.
 */
export type ChangeKind = "import" | "automatic" | "person"

/** The reasons of changes made by imports and by the recalculations imports cause. */
export const importReasons: ReadonlyArray<string> = [
  Reasons.createdByImport,
  Reasons.updatedByImport,
  Reasons.clearedByImport,
  Reasons.recalcR75,
  Reasons.recalcCensus
]

/** The reasons of the automatic assessment's own changes. */
export const automaticReasons: ReadonlyArray<string> = [Reasons.autoligning, Reasons.recalcAutoligning]

/** The kind of a change with this audit reason. */
export const changeKind = (reason: string | null): ChangeKind =>
  reason !== null && importReasons.includes(reason)
    ? "import"
    : reason !== null && automaticReasons.includes(reason)
      ? "automatic"
      : "person"
