import type { FieldError, Params } from "@kas/jobs"

/** The Danish text of an upload that does not fit its file parameter. */
export const uploadMessage = (problem: Params.UploadProblem, field: Params.ParamField): string => {
  switch (problem) {
    case "type":
      return `Filen skal være af typen ${(field.file?.accept ?? []).join(", ")}`
    case "size":
      return `Filen må højst være ${Math.floor((field.file?.maxBytes ?? 0) / (1024 * 1024))} MB`
    case "empty":
      return "Filen er tom"
  }
}

const effectDefault = /^Expected |, actual /

/**
 * The Danish text of a parameter error: the schema's own message annotation when it has one (job types write
 * those in Danish), otherwise a message by what went wrong and what the field expects.
 */
export const danishMessage = (field: Params.ParamField | undefined, error: FieldError): string => {
  if (error.kind === "missing") return "Feltet skal udfyldes"
  if (error.kind === "unexpected") return "Ukendt parameter"
  if (!effectDefault.test(error.message)) return error.message
  switch (field?.kind) {
    case "integer":
      return "Indtast et helt tal"
    case "number":
      return "Indtast et tal"
    case "choice":
      return "Vælg en af de gyldige værdier"
    default:
      return "Ugyldig værdi"
  }
}

/** Field name → Danish message (the first error of each field). */
export const danishErrors = (
  fields: ReadonlyArray<Params.ParamField>,
  errors: ReadonlyArray<FieldError>
): Readonly<Record<string, string>> => {
  const out: Record<string, string> = {}
  for (const e of errors) {
    const name = e.field.split(".")[0] ?? ""
    if (!(name in out))
      out[name] = danishMessage(
        fields.find((f) => f.name === name),
        e
      )
  }
  return out
}
