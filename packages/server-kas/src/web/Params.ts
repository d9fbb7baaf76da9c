import { HttpError } from "@kas/core/web"
import { Either, Schema } from "effect"

/** A positive whole number in a path (an id or a year). */
export const PathId = Schema.NumberFromString.pipe(
  Schema.int(),
  Schema.positive(),
  Schema.lessThanOrEqualTo(2_147_483_647)
)

/** Decodes route parameters with a Schema; anything that does not decode is a page that does not exist (404). */
export const decodeParams = <A, I>(schema: Schema.Schema<A, I>, params: unknown): A => {
  const decoded = Schema.decodeUnknownEither(schema)(params, { onExcessProperty: "ignore" })
  if (Either.isLeft(decoded)) throw new HttpError(404)
  return decoded.right
}
