/**
 * The policy-number rule (domain.md §2.7 "Policenummer", text ≤ 40, required): the one copy, used by the staff
 * "Skift policenummer", the self-service form and the back office's submission check.
 */
import { Schema } from "effect"

/** The most characters of a policy number. */
export const MAX_LENGTH = 40

/** Danish messages of the rule. */
export const messages = {
  required: "Policenummer skal udfyldes",
  tooLong: `Policenummeret må højst være ${MAX_LENGTH} tegn`
} as const

/** The rule a policy number breaks. */
export type Problem = "required" | "too-long"

/** A policy number as entered, without surrounding white space (the form it is compared and stored in). */
export const normalize = (raw: string): string => raw.trim()

/** The rule the (normalized) number breaks, or null when it is acceptable. */
export const problemOf = (number: string): Problem | null =>
  number === "" ? "required" : number.length > MAX_LENGTH ? "too-long" : null

/** A stored policy number: at most 40 characters. */
export const PolicyNumber = Schema.String.pipe(Schema.maxLength(MAX_LENGTH))
