import { Schema } from "effect"
import { Cpr } from "./Cpr.js"

/** Person status (domain.md §2.3). */
export const PersonStatus = Schema.Literal("Undefined", "Alive", "Dead", "Invalid")

/** A person (audited, domain.md §2.3). */
export class Person extends Schema.Class<Person>("Person")({
  id: Schema.Number,
  cpr: Cpr,
  name: Schema.NullOr(Schema.String),
  municipality_code: Schema.NullOr(Schema.Number),
  municipality_name: Schema.NullOr(Schema.String),
  address_line_1: Schema.NullOr(Schema.String),
  address_line_2: Schema.NullOr(Schema.String),
  address_line_3: Schema.NullOr(Schema.String),
  address_line_4: Schema.NullOr(Schema.String),
  address_line_5: Schema.NullOr(Schema.String),
  full_address: Schema.NullOr(Schema.String),
  updated_from_dafo: Schema.Boolean,
  status: PersonStatus,
  is_test_person: Schema.Boolean
}) {
  /** The non-empty address lines joined with newlines. */
  get postal_address(): string {
    return [this.address_line_1, this.address_line_2, this.address_line_3, this.address_line_4, this.address_line_5]
      .filter((l): l is string => l !== null && l.trim() !== "")
      .join("\n")
  }
}

/** The writable fields of a person (everything but the id). */
export const PersonFields = Person.pipe(Schema.omit("id"))
/** Writable person fields. */
export type PersonFields = typeof PersonFields.Type
