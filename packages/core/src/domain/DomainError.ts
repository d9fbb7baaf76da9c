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
