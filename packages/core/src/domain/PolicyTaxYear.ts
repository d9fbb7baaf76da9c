import { Schema } from "effect"
import { Kroner, KronerOrNull } from "./Kroner.js"
import { PolicyNumber } from "./PolicyNumber.js"

/** Which amount the labels call the one used (1 PREFILLED, 3 SELF_REPORTED); the calculation never reads it. */
export const ActiveAmount = Schema.Literal(1, 3)

/** One policy of one person in one year (audited, domain.md §2.7). */
export class PolicyTaxYear extends Schema.Class<PolicyTaxYear>("PolicyTaxYear")({
  id: Schema.Number,
  person_tax_year_id: Schema.Number,
  pension_company_id: Schema.Number,
  policy_number: PolicyNumber,
  prefilled_amount: KronerOrNull,
  prefilled_amount_edited: KronerOrNull,
  self_reported_amount: KronerOrNull,
  assessed_amount: KronerOrNull,
  base_calculation_amount: KronerOrNull,
  year_adjusted_amount: Kroner,
  preliminary_paid_amount: KronerOrNull,
  foreign_paid_amount_self_reported: Kroner,
  foreign_paid_amount_actual: Kroner,
  calculated_full_tax: Kroner,
  calculated_result: Kroner,
  available_negative_return: KronerOrNull,
  /** The deduction the stored taxes were computed with; always Σ of the cells into the year (domain.md §4.2 step 6). */
  used_negative_return: Kroner,
  indifference_limited: Schema.Boolean,
  active_amount: ActiveAmount,
  from_pension: Schema.Boolean,
  active: Schema.Boolean,
  slutlignet: Schema.Boolean,
  efterbehandling: Schema.Boolean,
  next_processing_date: Schema.NullOr(Schema.String),
  citizen_pay_override: Schema.Boolean,
  company_pay_override: Schema.Boolean,
  updated_by: Schema.NullOr(Schema.String.pipe(Schema.maxLength(150)))
}) {}

/** One cell of the loss carry-forward matrix (audited, domain.md §2.8). */
export class LossTransfer extends Schema.Class<LossTransfer>("LossTransfer")({
  id: Schema.Number,
  used_from_id: Schema.Number,
  used_for_id: Schema.Number,
  transferred_negative_payout: Kroner,
  protected_against_recalculations: Schema.Boolean
}) {}
