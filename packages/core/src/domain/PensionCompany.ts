import { Schema } from "effect"

/** "pensionsselskab" (domain.md §2.6). */
export class PensionCompany extends Schema.Class<PensionCompany>("PensionCompany")({
  id: Schema.Number,
  name: Schema.NullOr(Schema.String.pipe(Schema.maxLength(255))),
  address: Schema.NullOr(Schema.String),
  email: Schema.NullOr(Schema.String),
  phone: Schema.NullOr(Schema.String),
  res: Schema.NullOr(Schema.Int.pipe(Schema.greaterThanOrEqualTo(1))),
  agreement_present: Schema.Boolean,
  agreement_file_id: Schema.NullOr(Schema.UUID)
}) {
  /** "{name} ({res})". */
  get display(): string {
    return `${this.name ?? ""} (${this.res ?? ""})`
  }
}

/** The name a company gets when the R75 import creates it (eskat.md §8.2). */
export const importedCompanyName = (res: number): string => `Pensionsselskab med identifikationsnummer ${res}`

/** A company name as compared for duplicates: case- and space-insensitive (SQL: `kas.company_name_key`). */
export const companyNameKey = (name: string): string => name.replace(/\s+/g, "").toLowerCase()

/** How many companies one person-year's submissions may create (issue 13: citizen text is not a publishing channel). */
export const MAX_SUBMITTED_COMPANIES_PER_YEAR = 10
