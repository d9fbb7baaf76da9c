import { Schema } from "effect"

/** A referenced row does not exist. */
export class NotFound extends Schema.TaggedError<NotFound>()("NotFound", {
  entity: Schema.String,
  id: Schema.String,
  message: Schema.String
}) {
  /** The error for an entity and key. */
  static of(entity: string, id: string | number): NotFound {
    return new NotFound({ entity, id: String(id), message: `${entity} ${id} findes ikke` })
  }
}

/** A domain rule refused the change (e.g. a loss cell between two different policies); nothing was changed. */
export class DomainRuleError extends Schema.TaggedError<DomainRuleError>()("DomainRuleError", {
  rule: Schema.String,
  message: Schema.String
}) {}

/**
 * A company merge would give two policies with the same person-year and policy number at the target (jobs.md §8.14).
 */
export class MergeConflict extends Schema.TaggedError<MergeConflict>()("MergeConflict", {
  /** "{cpr} {year} {policy number}" per conflict. */
  conflicts: Schema.Array(Schema.String),
  message: Schema.String
}) {
  /** The error listing the conflicts, one per line. */
  static of(conflicts: ReadonlyArray<string>): MergeConflict {
    return new MergeConflict({
      conflicts,
      message:
        "Fletningen ville give to policer med samme policenummer for samme person og år:\n" + conflicts.join("\n")
    })
  }
}
