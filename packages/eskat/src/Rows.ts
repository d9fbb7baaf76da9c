import { Cpr as DomainCpr } from "@kas/core"
import { BigDecimal, Either, ParseResult, Schema } from "effect"

/**
 * Row schemas of the eSkat views (eskat.md §4). The drivers hand over loosely typed values (PostgreSQL: numbers,
 * strings, Dates; Oracle: NUMBER as number, RAW as Buffer, VARCHAR2 as string), so each column schema accepts
 * what either driver can produce and decodes to one logical type.
 */

const UUID_RE = /^([0-9a-f]{8})-?([0-9a-f]{4})-?([0-9a-f]{4})-?([0-9a-f]{4})-?([0-9a-f]{12})$/i

/** The canonical lowercase dashed form of a UUID written dashed or as 32 hex digits, or null. */
export const canonicalUuid = (s: string): string | null => {
  const m = UUID_RE.exec(s.trim())
  return m ? m.slice(1).join("-").toLowerCase() : null
}

/** A UUID in canonical lowercase form; accepts dashed or 32-hex text (Oracle GUIDs). */
export const Uuid = Schema.transformOrFail(Schema.String, Schema.String, {
  strict: true,
  decode: (s, _, ast) => {
    const c = canonicalUuid(s)
    return c !== null
      ? ParseResult.succeed(c)
      : ParseResult.fail(new ParseResult.Type(ast, s, `is not a UUID: ${JSON.stringify(s)}`))
  },
  encode: ParseResult.succeed
})

/** A whole number given as a number or as digits (PostgreSQL bigint, Oracle NUMBER). */
export const Int = Schema.Union(Schema.Int, Schema.NumberFromString.pipe(Schema.int()))

/** Text; an Oracle NUMBER in a text column is accepted as its decimal digits. */
export const Text = Schema.Union(
  Schema.String,
  Schema.transform(Schema.Number, Schema.String, { strict: true, decode: (n) => String(n), encode: Number })
)

/** A 10-digit CPR (domain.md §2.3: the whole value must match): the domain's `Cpr`, with the import's message. */
export const Cpr = DomainCpr.annotations({ message: (i) => `is not a 10-digit CPR: ${JSON.stringify(i.actual)}` })

/** A decimal amount, canonical text (e.g. "1234.5"), from a number or a numeric string. */
export const Decimal = Schema.transformOrFail(Schema.Union(Schema.String, Schema.Number), Schema.String, {
  strict: true,
  decode: (v, _, ast) =>
    Either.match(
      Either.fromOption(typeof v === "number" ? BigDecimal.safeFromNumber(v) : BigDecimal.fromString(v), () => v),
      {
        onLeft: () => ParseResult.fail(new ParseResult.Type(ast, v, `is not a decimal: ${JSON.stringify(v)}`)),
        onRight: (d) => ParseResult.succeed(BigDecimal.format(BigDecimal.normalize(d)))
      }
    ),
  encode: ParseResult.succeed
})

/** A timestamp from a Date (both drivers) or ISO text. */
export const Timestamp = Schema.Union(Schema.DateFromSelf, Schema.Date)

const N = Schema.NullOr

/** The person and address columns the census and calculation views share, in view order. */
const PersonColumns = {
  cpr: Cpr,
  bank_reg_nr: N(Text),
  bank_konto_nr: N(Text),
  kommune_no: N(Int),
  kommune: N(Text),
  skatteaar: Int,
  navn: N(Text),
  adresselinje1: N(Text),
  adresselinje2: N(Text),
  adresselinje3: N(Text),
  adresselinje4: N(Text),
  adresselinje5: N(Text),
  fuld_adresse: N(Text),
  cpr_dashed: N(Text)
}

/**
 * The plain shape of a column's value: a value of that shape decodes to itself under the column's schema (a canonical
 * lowercase dashed UUID, a safe integer as a number, a string, a 10-digit CPR; `?` also null). A row whose values all
 * have their plain shape is built without running the schema (`internal/views.ts`); any other value (digits for a
 * number, an Oracle GUID in hex, something invalid) goes through the schema, which decodes it or says why not.
 */
export type Plain = "uuid" | "uuid?" | "int" | "int?" | "text" | "text?" | "cpr"

const PersonPlain = {
  cpr: "cpr",
  bank_reg_nr: "text?",
  bank_konto_nr: "text?",
  kommune_no: "int?",
  kommune: "text?",
  skatteaar: "int",
  navn: "text?",
  adresselinje1: "text?",
  adresselinje2: "text?",
  adresselinje3: "text?",
  adresselinje4: "text?",
  adresselinje5: "text?",
  fuld_adresse: "text?",
  cpr_dashed: "text?"
} as const satisfies { readonly [K in keyof typeof PersonColumns]: Plain }

/** One row of `kas_mandtal`, the census of tax-liable persons (eskat.md §4.1). */
export class CensusRow extends Schema.Class<CensusRow>("CensusRow")({
  pt_census_guid: Uuid,
  ...PersonColumns,
  skatteomfang: N(Text),
  skattedage: N(Int)
}) {}

/** One row of `r75_idx_4500230`, a policy's reported return (eskat.md §4.2; ASCII names for the two ø/æ columns). */
export class R75Row extends Schema.Class<R75Row>("R75Row")({
  r75_ctl_sekvens_guid: Uuid,
  pt_census_guid: N(Uuid),
  tax_year: Int,
  cpr: Cpr,
  r75_ctl_indeks_guid: N(Uuid),
  idx_nr: N(Int),
  res: N(Text),
  ktd: N(Text),
  ktt: N(Text),
  kontotype: N(Text),
  ibn: N(Text),
  esk: N(Text),
  ejerstatuskode: N(Text),
  indestaaende: N(Text),
  renteindtaegt: N(Text),
  r75_dato: N(Text)
}) {}

/** The plain shape of each `CensusRow` column. */
export const censusPlain: { readonly [K in keyof typeof CensusRow.fields]: Plain } = {
  pt_census_guid: "uuid",
  ...PersonPlain,
  skatteomfang: "text?",
  skattedage: "int?"
}

/** The plain shape of each `R75Row` column. */
export const r75Plain: { readonly [K in keyof typeof R75Row.fields]: Plain } = {
  r75_ctl_sekvens_guid: "uuid",
  pt_census_guid: "uuid?",
  tax_year: "int",
  cpr: "cpr",
  r75_ctl_indeks_guid: "uuid?",
  idx_nr: "int?",
  res: "text?",
  ktd: "text?",
  ktt: "text?",
  kontotype: "text?",
  ibn: "text?",
  esk: "text?",
  ejerstatuskode: "text?",
  indestaaende: "text?",
  renteindtaegt: "text?",
  r75_dato: "text?"
}

/**
 * One row of `kas_beregninger_x`, eSkat's 2018/2019 calculations per census record. The spec lists no columns (the
 * view is out of scope, spec README §5); these are the columns of the original system's model of the view.
 */
export class BeregningXRow extends Schema.Class<BeregningXRow>("BeregningXRow")({
  pension_crt_calc_guid: Uuid,
  pt_census_guid: N(Uuid),
  ...PersonColumns,
  pension_crt_lock_batch_guid: N(Uuid),
  reg_date: N(Timestamp),
  is_locked: N(Text),
  no: N(Int),
  capital_return: N(Decimal),
  sum_negative_capital_return: N(Decimal),
  used_negative_capital_return: N(Decimal),
  capital_return_base: N(Decimal),
  capital_return_tax: N(Decimal),
  crt_payment: N(Decimal),
  police_payment: N(Decimal),
  deficit_crt: N(Decimal),
  surplus_crt_payment: N(Decimal),
  surplus_police_payment: N(Decimal),
  total_surplus: N(Decimal),
  result_surplus_crt_payment: N(Decimal),
  annotation: N(Text),
  is_locking_allowed: N(Text)
}) {}

/** A source row that did not decode: its view, key (when readable) and why. Counted and reported, never thrown. */
export class InvalidRow extends Schema.Class<InvalidRow>("InvalidRow")({
  view: Schema.String,
  key: Schema.NullOr(Schema.String),
  reason: Schema.String
}) {}

/** One page of a view: the rows that decoded and the ones that did not. */
export interface Page<A> {
  readonly rows: ReadonlyArray<A>
  readonly invalid: ReadonlyArray<InvalidRow>
}
