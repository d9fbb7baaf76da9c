import { Option, type Schema, type SchemaAST } from "effect"

/**
 * A plain predicate compiled once from a Schema without transformations: true exactly when the Schema would decode
 * the value unchanged (structs, arrays, unions, literals, strings, numbers, booleans, null and refinements such as
 * `Int` or the CPR pattern, whose own filters run). `undefined` when the Schema has a part it does not know (a
 * transformation, say): then the Schema's own decoding is the only check. Decoding the back office's answers with
 * Effect Schema built a new object tree per answer (about 20 µs for the overview); a check that passes lets the
 * parsed JSON be the decoded value, and a failed check is decoded again by the Schema for its message.
 */
export const compileValidator = <A, I>(schema: Schema.Schema<A, I>): ((u: unknown) => u is A) | undefined =>
  compile(schema.ast) as ((u: unknown) => u is A) | undefined

type Check = (u: unknown) => boolean

const NO_OPTIONS: SchemaAST.ParseOptions = {}

const compile = (ast: SchemaAST.AST): Check | undefined => {
  switch (ast._tag) {
    case "StringKeyword":
      return (u) => typeof u === "string"
    case "NumberKeyword":
      return (u) => typeof u === "number"
    case "BooleanKeyword":
      return (u) => typeof u === "boolean"
    case "Literal": {
      const literal = ast.literal
      return (u) => u === literal
    }
    case "Union": {
      const members = ast.types.map(compile)
      if (members.some((m) => m === undefined)) return undefined
      const checks = members as Array<Check>
      return (u) => {
        for (const check of checks) if (check(u)) return true
        return false
      }
    }
    case "Refinement": {
      const from = compile(ast.from)
      if (from === undefined) return undefined
      return (u) => from(u) && Option.isNone(ast.filter(u, NO_OPTIONS, ast))
    }
    case "TupleType": {
      if (ast.elements.length > 0 || ast.rest.length !== 1) return undefined
      const item = compile(ast.rest[0]!.type)
      if (item === undefined) return undefined
      return (u) => {
        if (!Array.isArray(u)) return false
        for (const x of u) if (!item(x)) return false
        return true
      }
    }
    case "TypeLiteral": {
      if (ast.indexSignatures.length > 0) return undefined
      const props: Array<readonly [PropertyKey, Check, boolean]> = []
      for (const p of ast.propertySignatures) {
        const check = compile(p.type)
        if (check === undefined) return undefined
        props.push([p.name, check, p.isOptional])
      }
      return (u) => {
        if (typeof u !== "object" || u === null) return false
        const o = u as Record<PropertyKey, unknown>
        for (const [name, check, optional] of props) {
          if (optional && !Object.hasOwn(o, name)) continue
          if (!check(o[name])) return false
        }
        return true
      }
    }
    default:
      return undefined
  }
}
