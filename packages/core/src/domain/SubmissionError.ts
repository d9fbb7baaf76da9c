import { Schema } from "effect"
import { Problem } from "./SubmissionRules.js"

/**
 * The citizen has no person-year for the year, or the submission names a policy or document that is not theirs:
 * on purpose indistinguishable from one that does not exist (selvbetjening.md §16.5). Nothing was written.
 */
export class SubmissionNotFound extends Schema.TaggedError<SubmissionNotFound>()("SubmissionNotFound", {}) {}

/** The year is not in its self-assessment period (`selvangivelse`); nothing was written. */
export class SelfAssessmentClosed extends Schema.TaggedError<SelfAssessmentClosed>()("SelfAssessmentClosed", {
  year: Schema.Number
}) {
  override get message() {
    return `Selvangivelsesperioden er lukket for ${this.year}`
  }
}

/** The submission broke field rules (reason codes at §16.5 field paths, `SubmissionRules`); nothing was written. */
export class SubmissionInvalid extends Schema.TaggedError<SubmissionInvalid>()("SubmissionInvalid", {
  problems: Schema.Array(Problem)
}) {}
