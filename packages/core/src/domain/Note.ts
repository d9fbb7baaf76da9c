import { Schema } from "effect"

/** "notat" (audited, domain.md §2.9); `author_id` is a `web.users` id. */
export class Note extends Schema.Class<Note>("Note")({
  id: Schema.Number,
  person_tax_year_id: Schema.Number,
  policy_tax_year_id: Schema.NullOr(Schema.Number),
  author_id: Schema.Number,
  content: Schema.String,
  date: Schema.DateFromSelf
}) {}

/** "bilag" (audited, domain.md §2.10); the content is in the `FileStore` under `file_id`. */
export class PolicyDocument extends Schema.Class<PolicyDocument>("PolicyDocument")({
  id: Schema.Number,
  person_tax_year_id: Schema.Number,
  policy_tax_year_id: Schema.NullOr(Schema.Number),
  uploaded_by_id: Schema.NullOr(Schema.Number),
  uploaded_at: Schema.DateFromSelf,
  name: Schema.String.pipe(Schema.maxLength(255)),
  description: Schema.String.pipe(Schema.maxLength(255)),
  file_id: Schema.UUID
}) {}
