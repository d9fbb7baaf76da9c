import { Schema } from "effect"
import { Kroner } from "./Kroner.js"

/** e-Boks dispatch status (domain.md §2.11). */
export const DispatchStatus = Schema.Literal("created", "send", "post_processing", "failed")
/** e-Boks post-processing status. */
export const PostProcessingStatus = Schema.Literal(
  "",
  "pending",
  "address resolved",
  "address not found",
  "remote printed"
)
/** e-Boks recipient status. */
export const RecipientStatus = Schema.Literal("", "exempt", "invalid", "dead", "minor")
/** 1 BULK, 2 DUE_ON_DATE, 3 DUE, 4 PREV_AMOUNT_DUE, 5 REFUND (domain.md §2.13). */
export const TextUsedForPayment = Schema.Literal(1, 2, 3, 4, 5)

/** "slutopgørelse" (domain.md §2.13); `amounts` is the snapshot of §5.1/§5.2 taken at generation. */
export class FinalStatement extends Schema.Class<FinalStatement>("FinalStatement")({
  uuid: Schema.UUID,
  person_tax_year_id: Schema.Number,
  lock_id: Schema.Number,
  pdf_file_id: Schema.UUID,
  invalid: Schema.Boolean,
  interest_on_remainder: Schema.NumberFromString,
  extra_payment_for_previous_missing: Schema.Int,
  text_used_for_payment: TextUsedForPayment,
  due_date_used: Schema.NullOr(Schema.String),
  indifference_limited: Schema.Boolean,
  amounts: Schema.Unknown,
  title: Schema.String,
  status: DispatchStatus,
  post_processing_status: PostProcessingStatus,
  recipient_status: RecipientStatus,
  message_id: Schema.NullOr(Schema.String),
  created_at: Schema.DateFromSelf,
  send_at: Schema.NullOr(Schema.DateFromSelf)
}) {}

/** Transaction status (domain.md §2.14). */
export const TransactionStatus = Schema.Literal("created", "ready", "transferred", "cancelled", "indifferent")
/** Transaction type. */
export const TransactionType = Schema.Literal("prisme10q", "prepayment")

/** A Prisme transaction: positive = the citizen pays, negative = refund (domain.md §2.14). */
export class Transaction extends Schema.Class<Transaction>("Transaction")({
  uuid: Schema.UUID,
  person_tax_year_id: Schema.Number,
  amount: Kroner,
  status: TransactionStatus,
  type: TransactionType,
  created_at: Schema.DateFromSelf,
  final_statement_uuid: Schema.NullOr(Schema.UUID),
  prepayment_file_id: Schema.NullOr(Schema.Number),
  prepayment_id: Schema.NullOr(Schema.String),
  prisme10q_batch_id: Schema.NullOr(Schema.Number),
  summary: Schema.String,
  prisme10q_content: Schema.String
}) {}

/** Batch status (domain.md §2.15). */
export const BatchStatus = Schema.Literal("created", "delivering", "failed", "delivered", "cancelled")

/** A Prisme 10Q batch (domain.md §2.15). */
export class Prisme10QBatch extends Schema.Class<Prisme10QBatch>("Prisme10QBatch")({
  id: Schema.Number,
  tax_year_id: Schema.Number,
  created: Schema.DateFromSelf,
  created_by_id: Schema.NullOr(Schema.Number),
  collect_date: Schema.NullOr(Schema.String),
  status: BatchStatus,
  delivered: Schema.NullOr(Schema.DateFromSelf),
  delivered_by_id: Schema.NullOr(Schema.Number),
  delivery_error: Schema.String
}) {}

/** A staff member's one-time token to represent a citizen in self-service (domain.md §2.18). */
export class RepresentationToken extends Schema.Class<RepresentationToken>("RepresentationToken")({
  id: Schema.Number,
  token: Schema.String.pipe(Schema.pattern(/^[A-Za-z0-9]{64}$/)),
  person_id: Schema.Number,
  user_id: Schema.Number,
  created: Schema.DateFromSelf,
  consumed: Schema.Boolean
}) {}
