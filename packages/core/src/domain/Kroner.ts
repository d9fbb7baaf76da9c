import { ParseResult, Schema } from "effect"

const decodeKroner = (value: string | number | bigint, ast: import("effect").SchemaAST.AST) => {
  const n = typeof value === "number" ? value : Number(value)
  return Number.isSafeInteger(n)
    ? ParseResult.succeed(n)
    : ParseResult.fail(new ParseResult.Type(ast, value, `Not whole kroner within ±2^53: ${String(value)}`))
}

/**
 * Whole kroner read from PostgreSQL `bigint` (a string with the `pg` driver) as a JS number, refused when it is
 * not a safe integer; encoded back as a number.
 */
export const Kroner = Schema.transformOrFail(
  Schema.Union(Schema.String, Schema.Number, Schema.BigIntFromSelf),
  Schema.Number,
  {
    strict: true,
    decode: (value, _, ast) => decodeKroner(value, ast),
    encode: (n) => ParseResult.succeed(n)
  }
)

/** Nullable whole kroner. */
export const KronerOrNull = Schema.NullOr(Kroner)

/** Decodes one bigint column value quickly (bulk paths), throwing on anything that is not a safe integer. */
export const kronerOf = (value: string | number | bigint | null): number => {
  const n = typeof value === "number" ? value : Number(value)
  if (value === null || !Number.isSafeInteger(n))
    throw new RangeError(`Not whole kroner within ±2^53: ${String(value)}`)
  return n
}

/** As `kronerOf`, keeping null. */
export const kronerOrNullOf = (value: string | number | bigint | null): number | null =>
  value === null ? null : kronerOf(value)
