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

/** The editable fields of a company (the staff edit form, staff-web.md §14). */
export interface CompanyEdit {
  readonly res: number | null
  readonly name: string
  readonly address: string | null
  readonly email: string | null
  readonly phone: string | null
  readonly agreement_present: boolean
}

/** The largest registration number the column holds. */
export const MAX_RES = 2_147_483_647

/** The messages of the company edit rules. */
export const companyEditMessages = {
  nameRequired: "Dette felt er påkrævet",
  nameTooLong: "Navnet må højst være 255 tegn",
  res: "Reg.nr. skal være et helt tal på mindst 1",
  resTaken: "Et andet pensionsselskab har allerede dette reg.nr.",
  email: "Indtast en gyldig e-mailadresse"
} as const

/** The rules of the company edit form, by field; empty when the edit is valid. */
export const companyEditProblems = (edit: CompanyEdit): Partial<Record<keyof CompanyEdit, string>> => {
  const problems: Partial<Record<keyof CompanyEdit, string>> = {}
  if (edit.name.trim() === "") problems.name = companyEditMessages.nameRequired
  else if (edit.name.length > 255) problems.name = companyEditMessages.nameTooLong
  if (edit.res !== null && !(Number.isInteger(edit.res) && edit.res >= 1 && edit.res <= MAX_RES))
    problems.res = companyEditMessages.res
  if (edit.email !== null && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(edit.email)) problems.email = companyEditMessages.email
  return problems
}

/** "Har aftale" (flag or file) / "Har ikke aftale" / "Med og uden aftale" (the company list's filter). */
export type AgreementFilter = "with" | "without" | "all"

/** A row of the company list: the company, whether it has an agreement file, and its number of policies. */
export interface CompanyListRow {
  readonly id: number
  readonly res: number | null
  readonly name: string | null
  readonly agreement_present: boolean
  readonly has_agreement_file: boolean
  readonly policies: number
}
