import { Either, ParseResult, Schema, SchemaAST as AST } from "effect"
import type { FieldError } from "./JobError.js"

/**
 * Job parameters as fields: what a start form or a command line needs to know about a params Schema (a Struct),
 * read from the Schema's AST and its annotations (`title` = label, `description` = help text, `default`).
 */

/** The input control a field needs. */
export type FieldKind = "string" | "integer" | "number" | "boolean" | "choice" | "file"

/** What a file parameter accepts: file name endings (e.g. `.csv`) and the largest size in bytes. */
export interface FileOptions {
  readonly accept: ReadonlyArray<string>
  readonly maxBytes: number
}

/** The annotation that makes a string parameter a file upload. */
export const FileAnnotationId: unique symbol = Symbol.for("@kas/jobs/Params/File")

/**
 * A file parameter: the form uploads a file, the server that receives it stores it (where is its business) and
 * the stored argument is the id it gave the file, as a string. The options say what the form accepts.
 */
export const file = (options: FileOptions) =>
  Schema.String.pipe(Schema.minLength(1)).annotations({ [FileAnnotationId]: options })

/** Why an upload does not fit its file parameter: a name ending not accepted, too large, or empty. */
export type UploadProblem = "type" | "size" | "empty"

/** Checks an upload against a file field (no problem: undefined). */
export const uploadProblem = (
  field: ParamField,
  upload: { readonly filename: string; readonly size: number; readonly truncated?: boolean }
): UploadProblem | undefined => {
  const options = field.file
  if (!options) return undefined
  const name = upload.filename.toLowerCase()
  if (options.accept.length > 0 && !options.accept.some((a) => name.endsWith(a.toLowerCase()))) return "type"
  if (upload.truncated || upload.size > options.maxBytes) return "size"
  if (upload.size === 0) return "empty"
  return undefined
}

/** One parameter of a job type. */
export interface ParamField {
  readonly name: string
  readonly label: string
  readonly description: string | undefined
  readonly kind: FieldKind
  /** False when the field may be left out (optional, or has a default). */
  readonly required: boolean
  readonly choices: ReadonlyArray<{ readonly value: string; readonly label: string }>
  /** The `default` annotation, as text, for pre-filling a form. */
  readonly defaultValue: string | undefined
  /** For `kind` "file": what the upload must be. */
  readonly file?: FileOptions | undefined
}

const unwrapOptional = (ast: AST.AST): AST.AST =>
  AST.isUnion(ast)
    ? ast.types.filter((t) => !AST.isUndefinedKeyword(t)).length === 1
      ? ast.types.filter((t) => !AST.isUndefinedKeyword(t))[0]
      : ast
    : ast

/** The base of refinements, transformations and suspensions, and whether an Int refinement was on the way. */
const baseOf = (ast: AST.AST): { base: AST.AST; int: boolean } => {
  let int = false
  let cur = ast
  for (;;) {
    if (AST.getSchemaIdAnnotation(cur).pipe((o) => o._tag === "Some" && o.value === Schema.IntSchemaId)) int = true
    if (AST.isRefinement(cur)) cur = cur.from
    else if (AST.isTransformation(cur)) cur = cur.from
    else if (AST.isSuspend(cur)) cur = cur.f()
    else return { base: cur, int }
  }
}

const text = (o: { _tag: "Some"; value: unknown } | { _tag: "None" }): string | undefined =>
  o._tag === "Some" && typeof o.value === "string" && o.value !== "" ? o.value : undefined

/** The property signatures of the encoded side of a Struct schema (where optional-with-default fields are optional). */
const propertiesOf = (ast: AST.AST): ReadonlyArray<AST.PropertySignature> => {
  let cur = ast
  while (AST.isTransformation(cur) || AST.isRefinement(cur) || AST.isSuspend(cur)) {
    cur = AST.isSuspend(cur) ? cur.f() : cur.from
  }
  return AST.isTypeLiteral(cur) ? cur.propertySignatures : []
}

const fieldOf = (ps: AST.PropertySignature): ParamField => {
  const optional = ps.isOptional
  const node = unwrapOptional(ps.type)
  const { base, int } = baseOf(node)
  const title = text(AST.getTitleAnnotation(ps)) ?? text(AST.getTitleAnnotation(node))
  const description = text(AST.getDescriptionAnnotation(ps)) ?? text(AST.getDescriptionAnnotation(node))
  const def = AST.getDefaultAnnotation(ps).pipe((o) => (o._tag === "Some" ? o : AST.getDefaultAnnotation(node)))
  let kind: FieldKind = "string"
  let choices: Array<{ value: string; label: string }> = []
  const fileOptions = AST.getAnnotation<FileOptions>(FileAnnotationId)(node)
  if (fileOptions._tag === "Some") kind = "file"
  else if (AST.isNumberKeyword(base)) kind = int ? "integer" : "number"
  else if (AST.isBooleanKeyword(base)) kind = "boolean"
  else if (AST.isLiteral(base) || (AST.isUnion(base) && base.types.every(AST.isLiteral))) {
    kind = "choice"
    const lits = AST.isUnion(base) ? (base.types as ReadonlyArray<AST.Literal>) : [base]
    choices = lits.map((l) => ({
      value: String(l.literal),
      label: text(AST.getTitleAnnotation(l)) ?? String(l.literal)
    }))
  }
  return {
    name: String(ps.name),
    label: title ?? String(ps.name),
    description,
    kind,
    required: !optional,
    choices,
    defaultValue: def._tag === "Some" && def.value !== undefined ? String(def.value) : undefined,
    ...(fileOptions._tag === "Some" ? { file: fileOptions.value } : {})
  }
}

/** The fields of a params schema, in declaration order (a non-Struct schema has none). */
export const fields = (schema: Schema.Schema.AnyNoContext): ReadonlyArray<ParamField> =>
  propertiesOf(schema.ast).map(fieldOf)

const coerce = (field: ParamField | undefined, raw: string): unknown => {
  if (!field) return raw
  const value = raw.trim()
  switch (field.kind) {
    case "integer":
    case "number":
      return value === "" ? undefined : Number(value)
    case "boolean":
      return ["true", "on", "1", "yes", "ja"].includes(value.toLowerCase())
    case "choice": {
      if (value === "") return undefined
      const numeric =
        field.choices.length > 0 && field.choices.every((c) => c.value !== "" && !Number.isNaN(Number(c.value)))
      return numeric ? Number(value) : value
    }
    default:
      return field.required || value !== "" ? raw : undefined
  }
}

const toFieldErrors = (error: ParseResult.ParseError): ReadonlyArray<FieldError> =>
  ParseResult.ArrayFormatter.formatErrorSync(error).map((issue) => ({
    field: issue.path.map(String).join("."),
    kind: issue._tag === "Missing" ? "missing" : issue._tag === "Unexpected" ? "unexpected" : "invalid",
    message: issue.message
  }))

const options = { errors: "all", onExcessProperty: "error" } as const

/** Decodes an already-structured input (JSON from an API) with the schema; field errors on failure. */
export const decode = <A, I>(
  schema: Schema.Schema<A, I, never>,
  input: unknown
): Either.Either<A, ReadonlyArray<FieldError>> => {
  // An empty Struct accepts any object in Effect; parameters must not, so unknown keys are checked here too.
  const known = new Set(propertiesOf(schema.ast).map((p) => String(p.name)))
  const extra: ReadonlyArray<FieldError> =
    typeof input === "object" && input !== null && !Array.isArray(input)
      ? Object.keys(input)
          .filter((k) => !known.has(k))
          .map((k) => ({ field: k, kind: "unexpected", message: "is unexpected" }))
      : []
  return Schema.decodeUnknownEither(
    schema,
    options
  )(input).pipe(
    Either.mapLeft(toFieldErrors),
    Either.mapLeft((errors) => [...extra.filter((e) => !errors.some((x) => x.field === e.field)), ...errors]),
    Either.flatMap((a) => (extra.length > 0 ? Either.left(extra) : Either.right(a)))
  )
}

/**
 * Decodes text input (a form or `--name value` options): each value is first converted to what its field
 * expects (numbers, booleans, numeric choices; empty optional fields are left out), then decoded.
 */
export const decodeStrings = <A, I>(
  schema: Schema.Schema<A, I, never>,
  input: Readonly<Record<string, string | undefined>>
): Either.Either<A, ReadonlyArray<FieldError>> => {
  const byName = new Map(fields(schema).map((f) => [f.name, f]))
  const out: Record<string, unknown> = {}
  for (const [key, raw] of Object.entries(input)) {
    if (raw === undefined) continue
    const value = coerce(byName.get(key), raw)
    if (value !== undefined) out[key] = value
  }
  return decode(schema, out)
}
