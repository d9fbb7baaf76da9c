import { Schema } from "effect"

/** A person's participation in one tax year (audited, domain.md §2.4). */
export class PersonTaxYear extends Schema.Class<PersonTaxYear>("PersonTaxYear")({
  id: Schema.Number,
  tax_year_id: Schema.Number,
  person_id: Schema.Number,
  number_of_days: Schema.NullOr(Schema.Int),
  fully_tax_liable: Schema.Boolean,
  foreign_pension_notes: Schema.NullOr(Schema.String),
  general_notes: Schema.NullOr(Schema.String),
  all_documents_and_notes_handled: Schema.Boolean,
  tax_slip_id: Schema.NullOr(Schema.Number),
  corrected_r75_data: Schema.Boolean,
  future_r75_data: Schema.Boolean,
  updated_by: Schema.NullOr(Schema.String.pipe(Schema.maxLength(150)))
}) {}

/** One imported census record of a person-year (audited, domain.md §2.5). */
export class CensusEntry extends Schema.Class<CensusEntry>("CensusEntry")({
  id: Schema.Number,
  person_tax_year_id: Schema.Number,
  imported_census_id: Schema.UUID,
  number_of_days: Schema.NullOr(Schema.Int),
  fully_tax_liable: Schema.Boolean
}) {}
