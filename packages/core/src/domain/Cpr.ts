/**
 * The CPR number (domain.md §2.3): exactly ten digits, the whole value. Parsed once where it enters (the SAML
 * callback, the development login, the REST header, job parameters, eSkat rows) into the branded `Cpr`; code inside
 * takes a `Cpr` and does not check again.
 */
import { Option, Schema } from "effect"

const TEN_DIGITS = /^[0-9]{10}$/

/** The Danish message of a value that is not a CPR number (the staff forms' job parameters, the REST header). */
export const CPR_MESSAGE = "CPR-nummeret skal være 10 cifre"

/** A CPR number: exactly 10 digits, with {@link CPR_MESSAGE}. */
export const Cpr = Schema.String.pipe(Schema.pattern(TEN_DIGITS, { message: () => CPR_MESSAGE }), Schema.brand("Cpr"))

/** A parsed CPR number. */
export type Cpr = typeof Cpr.Type

/** True when `value` is a CPR number (the check of `Cpr`, without building a parse error: for hot paths). */
export const isCpr = (value: unknown): value is Cpr => typeof value === "string" && TEN_DIGITS.test(value)

/** The CPR number in `value`, or none: for edges that answer a wrong value with their own page or status. */
export const parseCpr = (value: unknown): Option.Option<Cpr> => (isCpr(value) ? Option.some(value) : Option.none())

/** The CPR as staff read it: DDMMYY-SSSS. */
export const dashedCpr = (cpr: Cpr): string => `${cpr.slice(0, 6)}-${cpr.slice(6)}`
