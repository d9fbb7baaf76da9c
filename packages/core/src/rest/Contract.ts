/**
 * The back-office REST contract (selvbetjening.md §16): request and response bodies and query filters, shared by
 * the server (kas web) and its typed client (selvbetjening). The OpenAPI document is generated from these.
 */
import { Schema } from "effect"
import * as Domain from "../domain/Cpr.js"

/** A CPR number: exactly 10 digits (the domain's `Cpr`, named "Cpr" in the OpenAPI document). */
export const Cpr = Domain.Cpr.annotations({ identifier: "Cpr" })

/** The header that scopes a request to one citizen (§16.3). */
export const CPR_HEADER = "X-KAS-CPR"

/** A lifecycle period of a tax year. */
export const YearPartOut = Schema.Literal("selvangivelse", "ligning", "genoptagelsesperiode")

/** `/rest/tax_year/` item. */
export const TaxYearOut = Schema.Struct({
  id: Schema.Int,
  year: Schema.Int,
  days_in_year: Schema.Literal(365, 366),
  year_part: YearPartOut
}).annotations({ identifier: "TaxYear" })
/** A tax year as the API returns it. */
export type TaxYearOut = typeof TaxYearOut.Type

/** `/rest/pension_company/` item. */
export const PensionCompanyOut = Schema.Struct({
  id: Schema.Int,
  name: Schema.NullOr(Schema.String),
  address: Schema.NullOr(Schema.String),
  email: Schema.NullOr(Schema.String),
  phone: Schema.NullOr(Schema.String),
  res: Schema.NullOr(Schema.Int),
  agreement_present: Schema.Boolean
}).annotations({ identifier: "PensionCompany" })
/** A pension company as the API returns it. */
export type PensionCompanyOut = typeof PensionCompanyOut.Type

/** `/rest/person/` item. */
export const PersonOut = Schema.Struct({ id: Schema.Int, cpr: Cpr }).annotations({ identifier: "Person" })
/** A person as the API returns it. */
export type PersonOut = typeof PersonOut.Type

/** `/rest/person_tax_year/` item. */
export const PersonTaxYearOut = Schema.Struct({
  id: Schema.Int,
  tax_year: Schema.Int,
  person: Cpr,
  fully_tax_liable: Schema.Boolean,
  number_of_days: Schema.NullOr(Schema.Int),
  days_in_year_factor: Schema.Number,
  foreign_pension_notes: Schema.NullOr(Schema.String),
  general_notes: Schema.NullOr(Schema.String),
  updated_by: Schema.NullOr(Schema.String)
}).annotations({ identifier: "PersonTaxYear" })
/** A person-year as the API returns it. */
export type PersonTaxYearOut = typeof PersonTaxYearOut.Type

/** A citizen-uploaded document inside a policy. */
export const DocumentOut = Schema.Struct({
  id: Schema.Int,
  name: Schema.String,
  description: Schema.String,
  uploaded_at: Schema.String
}).annotations({ identifier: "Document" })
/** A document as embedded in a policy. */
export type DocumentOut = typeof DocumentOut.Type

/** `/rest/policy_document/` item. */
export const PolicyDocumentOut = Schema.Struct({
  id: Schema.Int,
  policy_tax_year: Schema.Int,
  name: Schema.String,
  description: Schema.String,
  uploaded_at: Schema.String
}).annotations({ identifier: "PolicyDocument" })
/** A policy document as the API returns it. */
export type PolicyDocumentOut = typeof PolicyDocumentOut.Type

const Amount = Schema.Int
const AmountOrNull = Schema.NullOr(Schema.Int)

/** `/rest/policy_tax_year/` item. */
export const PolicyTaxYearOut = Schema.Struct({
  id: Schema.Int,
  policy_number: Schema.String,
  pension_company: Schema.Int,
  person_tax_year: Schema.Int,
  active: Schema.Boolean,
  updated_by: Schema.NullOr(Schema.String),
  prefilled_amount: AmountOrNull,
  prefilled_adjusted_amount: AmountOrNull,
  self_reported_amount: AmountOrNull,
  year_adjusted_amount: Amount,
  calculated_result: Amount,
  applied_deduction_from_previous_years: Amount,
  available_deduction_from_previous_years: AmountOrNull,
  preliminary_paid_amount: AmountOrNull,
  from_pension: Schema.Boolean,
  foreign_paid_amount_self_reported: Amount,
  foreign_paid_amount_actual: Amount,
  pension_company_pays: Schema.Boolean,
  documents: Schema.Array(DocumentOut)
}).annotations({ identifier: "PolicyTaxYear" })
/** A policy-year as the API returns it. */
export type PolicyTaxYearOut = typeof PolicyTaxYearOut.Type

const IntParam = Schema.NumberFromString.pipe(Schema.int())
const BoolParam = Schema.transform(Schema.Literal("true", "false"), Schema.Boolean, {
  strict: true,
  decode: (s) => s === "true",
  encode: (b) => (b ? "true" : "false")
})

/** Filters of `/rest/tax_year/` and `/rest/person_tax_year/`. */
export const YearFilter = Schema.Struct({ year: Schema.optional(IntParam), year_lt: Schema.optional(IntParam) })
/** Filters of `/rest/pension_company/`. */
export const PensionCompanyFilter = Schema.Struct({ res: Schema.optional(IntParam) })
/** Filters of `/rest/policy_tax_year/`. */
export const PolicyFilter = Schema.Struct({
  year: Schema.optional(IntParam),
  year_lt: Schema.optional(IntParam),
  active: Schema.optional(BoolParam),
  person_tax_year: Schema.optional(IntParam),
  pension_company: Schema.optional(IntParam)
})
/** Filters of `/rest/policy_document/`. */
export const DocumentFilter = Schema.Struct({ policy_tax_year: Schema.optional(IntParam) })

/** Filter of `/rest/overview/`: the year is required. */
export const OverviewFilter = Schema.Struct({ year: IntParam })

/**
 * `/rest/overview/?year=` (decision, an addition to §16.4): everything the citizen's year overview (§6) needs in one
 * CPR-scoped answer, so that a page view costs one back-office call instead of four. Each part is exactly what the
 * resource of the same name answers: all the person's years, the tax year `year` (null when there is none), the
 * active policies of `year`, the pension companies of those policies (as `/rest/pension_company/` answers them,
 * ordered by name and id), and whether `/final_settlement/<year>/<cpr>/exists/` would answer 200.
 */
export const CitizenOverview = Schema.Struct({
  person_tax_years: Schema.Array(PersonTaxYearOut),
  tax_year: Schema.NullOr(TaxYearOut),
  policies: Schema.Array(PolicyTaxYearOut),
  pension_companies: Schema.Array(PensionCompanyOut),
  final_statement_exists: Schema.Boolean
}).annotations({ identifier: "CitizenOverview" })
/** A decoded overview answer. */
export type CitizenOverview = typeof CitizenOverview.Type

/** A file part of the submission and its description. */
export const NewFileRef = Schema.Struct({ part: Schema.String, description: Schema.String })
/** A kept or deleted existing document. */
export const DocumentChange = Schema.Struct({ id: Schema.Int, keep: Schema.Boolean, description: Schema.String })

/** An existing policy in a submission. */
export const SubmittedPolicy = Schema.Struct({
  id: Schema.Int,
  self_reported_amount: Schema.optional(Schema.NullOr(Schema.Int)),
  documents: Schema.optionalWith(Schema.Array(DocumentChange), { default: () => [] }),
  new_files: Schema.optionalWith(Schema.Array(NewFileRef), { default: () => [] })
})

/** A new policy in a submission. */
export const NewPolicy = Schema.Struct({
  pension_company_id: Schema.NullOr(Schema.Int),
  pension_company_name: Schema.NullOr(Schema.String),
  policy_number: Schema.String,
  self_reported_amount: Schema.NullOr(Schema.Int),
  new_files: Schema.optionalWith(Schema.Array(NewFileRef), { default: () => [] })
})

/** The `data` part of `POST /rest/submission/` (§16.5). */
export const Submission = Schema.Struct({
  year: Schema.Int,
  updated_by: Schema.String.pipe(Schema.minLength(1), Schema.maxLength(150)),
  person_tax_year: Schema.Struct({
    general_notes: Schema.NullOr(Schema.String),
    foreign_pension_notes: Schema.NullOr(Schema.String)
  }),
  policies: Schema.Array(SubmittedPolicy),
  new_policies: Schema.Array(NewPolicy)
}).annotations({ identifier: "Submission" })
/** A decoded submission. */
export type Submission = typeof Submission.Type

/** 200 answer of the submission. */
export const SubmissionResult = Schema.Struct({
  person_tax_year: PersonTaxYearOut,
  policies: Schema.Array(PolicyTaxYearOut)
}).annotations({ identifier: "SubmissionResult" })
/** A decoded submission answer. */
export type SubmissionResult = typeof SubmissionResult.Type

/** 400 answer with field messages: path → Danish messages. */
export const ValidationErrors = Schema.Struct({
  errors: Schema.Record({ key: Schema.String, value: Schema.Array(Schema.String) })
}).annotations({ identifier: "ValidationErrors" })
/** Field path → messages. */
export type FieldErrors = Record<string, ReadonlyArray<string>>

/** Any other error answer. */
export const Detail = Schema.Struct({ detail: Schema.String }).annotations({ identifier: "Detail" })

/**
 * 400 answer to a request the API cannot scope or filter: the `detail` selvbetjening.md §16.3 gives, and the field
 * messages in the shape of {@link ValidationErrors} (the header or the query parameter as the path), so that every
 * 400 under `/rest/` carries `errors`.
 */
export const BadRequest = Schema.Struct({
  detail: Schema.String,
  errors: ValidationErrors.fields.errors
}).annotations({ identifier: "BadRequest" })
/** A {@link BadRequest} answer. */
export type BadRequest = typeof BadRequest.Type

/** The answer to a missing or malformed {@link CPR_HEADER} (§16.3): its `detail` and the CPR rule's message. */
export const cprHeaderRefusal: BadRequest = {
  detail: "Missing or invalid X-KAS-CPR header",
  errors: { [CPR_HEADER]: [Domain.CPR_MESSAGE] }
}

/** The answer to query parameters a filter refuses: their names in `detail`, each one's messages in `errors`. */
export const filterRefusal = (errors: FieldErrors): BadRequest => ({
  detail: `Invalid filter: ${Object.keys(errors).join(", ")}`,
  errors
})

/** 200 answer of `POST /token/` (§16.6). */
export const TokenExchange = Schema.Struct({
  CPR: Cpr,
  PersonName: Schema.String,
  AdminUsername: Schema.String,
  AdminUserID: Schema.Int
}).annotations({ identifier: "TokenExchange" })
/** A decoded token exchange answer. */
export type TokenExchange = typeof TokenExchange.Type

/** Filters of `/rest/person/`: none. */
export const NoFilter = Schema.Struct({})

/**
 * A read-only resource of §16.4: `GET /rest/<name>/` (filtered by `filter`, decoded from the query string) and
 * `GET /rest/<name>/<id>/`, answering `item`s; `scoped` resources answer only the `X-KAS-CPR` citizen's rows.
 */
export interface Resource<F, FI, A, AI> {
  readonly name: string
  readonly filter: Schema.Schema<F, FI>
  readonly item: Schema.Schema<A, AI>
  readonly scoped: boolean
}

const resource = <F, FI, A, AI>(
  name: string,
  filter: Schema.Schema<F, FI>,
  item: Schema.Schema<A, AI>,
  scoped: boolean
): Resource<F, FI, A, AI> => ({ name, filter, item, scoped })

/** The read-only resources: the server mounts and the OpenAPI document describes exactly these. */
export const resources = {
  taxYear: resource("tax_year", YearFilter, TaxYearOut, false),
  pensionCompany: resource("pension_company", PensionCompanyFilter, PensionCompanyOut, false),
  person: resource("person", NoFilter, PersonOut, true),
  personTaxYear: resource("person_tax_year", YearFilter, PersonTaxYearOut, true),
  policyTaxYear: resource("policy_tax_year", PolicyFilter, PolicyTaxYearOut, true),
  policyDocument: resource("policy_document", DocumentFilter, PolicyDocumentOut, true)
}
