/** Decoders of the staff forms' fields: each gives the value or the field's Danish message. */

/** A field's value, or its message. */
export type Field<A> = { readonly ok: true; readonly value: A } | { readonly ok: false; readonly error: string }

/** The messages of the form fields. */
export const fieldMessages = {
  required: "Dette felt er påkrævet",
  kroner: "Indtast et helt beløb i kroner",
  date: "Indtast en gyldig dato"
} as const

const ok = <A>(value: A): Field<A> => ({ ok: true, value })
const error = (message: string): Field<never> => ({ ok: false, error: message })

const text = (raw: unknown) => (typeof raw === "string" ? raw.trim() : "")

/** Whole kroner: an optional minus, digits, "." as thousands separator allowed; empty = null unless required. */
export const kroner = (raw: unknown, options: { readonly required?: boolean } = {}): Field<number | null> => {
  const s = text(raw)
  if (s === "") return options.required ? error(fieldMessages.required) : ok(null)
  if (!/^-?(\d{1,3}(\.\d{3})+|\d+)$/.test(s)) return error(fieldMessages.kroner)
  const n = Number(s.replace(/\./g, ""))
  return Number.isSafeInteger(n) ? ok(n) : error(fieldMessages.kroner)
}

/** A date `YYYY-MM-DD` (the date input's value), a real calendar date; empty = null. */
export const date = (raw: unknown): Field<string | null> => {
  const s = text(raw)
  if (s === "") return ok(null)
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s)
  if (!m) return error(fieldMessages.date)
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])))
  return d.toISOString().slice(0, 10) === s ? ok(s) : error(fieldMessages.date)
}

/** A checkbox: checked when present with any value but "false". */
export const checkbox = (raw: unknown): boolean => raw !== undefined && raw !== "false" && raw !== ""

/** The values of fields that decoded, and the messages of those that did not. */
export const collect = <F extends Record<string, Field<unknown>>>(fields: F) => {
  const errors: Record<string, string> = {}
  const values: Record<string, unknown> = {}
  for (const [name, f] of Object.entries(fields)) {
    if (f.ok) values[name] = f.value
    else errors[name] = f.error
  }
  return {
    errors,
    values: values as { [K in keyof F]: F[K] extends Field<infer A> ? A : never },
    valid: Object.keys(errors).length === 0
  }
}
