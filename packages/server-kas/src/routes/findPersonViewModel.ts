import { type PersonSearchFilter, type PersonSearchRow, type PersonSearchSort, personSearchSortKeys } from "@kas/core"
import { Either, Schema } from "effect"
import type { Format } from "../web/Format.js"
import { type Paging, queryString } from "../web/Paging.js"

/** "Find person" (staff-web.md §3): the query string decoded, validated and turned into a view. */

const Text = Schema.optional(Schema.String)
const Choice = Schema.optional(Schema.Literal("", "true", "false"))

/** The query string of the search (the filters are kept in the URL, so a search can be bookmarked and shared). */
export const SearchQuery = Schema.Struct({
  year: Text,
  cpr: Text,
  name: Text,
  municipality_code: Text,
  municipality_name: Text,
  address: Text,
  fully_tax_liable: Choice,
  slutlignet: Choice,
  sort: Schema.optional(Schema.Literal(...personSearchSortKeys, ...personSearchSortKeys.map((k) => `-${k}` as const))),
  page: Schema.optional(Schema.NumberFromString.pipe(Schema.int(), Schema.positive())),
  format: Schema.optional(Schema.Literal("excel"))
})
/** The decoded query. */
export type SearchQuery = typeof SearchQuery.Type

/** The form's values as typed (for the inputs and the links that keep them). */
export interface SearchForm {
  readonly year: string
  readonly cpr: string
  readonly name: string
  readonly municipality_code: string
  readonly municipality_name: string
  readonly address: string
  readonly fully_tax_liable: string
  readonly slutlignet: string
}

/** The messages of the search form, by field. */
export const messages = {
  cpr: "CPR-nummer skal starte med et tal",
  municipalityCode: "Kommunekode skal være et helt tal",
  year: "Vælg et skatteår fra listen",
  empty: "Udfyld mindst ét søgefelt"
} as const

/** A parsed search: the form as typed, errors by field, and the filter when the search can run. */
export interface ParsedSearch {
  readonly form: SearchForm
  readonly errors: Readonly<Partial<Record<keyof SearchForm, string>>>
  readonly sort: PersonSearchSort
  readonly page: number
  readonly excel: boolean
  /** Undefined while every field has its default (nothing is searched) or a field is invalid. */
  readonly filter: PersonSearchFilter | undefined
}

const first = (v: string | ReadonlyArray<string> | undefined) => (typeof v === "string" ? v : v?.[0])

/** Decodes the raw query (a repeated parameter counts once); a value outside its choices is ignored. */
export const decodeQuery = (raw: Readonly<Record<string, string | ReadonlyArray<string> | undefined>>): SearchQuery => {
  const flat = Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, first(v)]))
  const decoded = Schema.decodeUnknownEither(SearchQuery)(flat, { onExcessProperty: "ignore" })
  if (Either.isRight(decoded)) return decoded.right
  // One bad parameter should not lose the others: decode them one by one.
  const out: Record<string, unknown> = {}
  for (const [key, schema] of Object.entries(SearchQuery.fields)) {
    const one = Schema.decodeUnknownEither(Schema.Struct({ [key]: schema }))({ [key]: flat[key] })
    if (Either.isRight(one)) Object.assign(out, one.right)
  }
  return out as SearchQuery
}

/**
 * The search of a query: `years` maps the tax years offered to their ids, `defaultYear` is the one preselected. CPR
 * must start with a digit and loses its other non-digits; Kommunekode is a whole number; no filter runs until a field
 * differs from its default.
 */
export const parseSearch = (
  query: SearchQuery,
  years: ReadonlyMap<number, number>,
  defaultYear: number | undefined
): ParsedSearch => {
  const trim = (s: string | undefined) => (s ?? "").trim()
  const form: SearchForm = {
    year: trim(query.year) || (defaultYear === undefined ? "" : String(defaultYear)),
    cpr: trim(query.cpr),
    name: trim(query.name),
    municipality_code: trim(query.municipality_code),
    municipality_name: trim(query.municipality_name),
    address: trim(query.address),
    fully_tax_liable: query.fully_tax_liable ?? "",
    slutlignet: query.slutlignet ?? ""
  }
  const errors: Partial<Record<keyof SearchForm, string>> = {}
  const taxYearId = /^\d{4}$/.test(form.year) ? years.get(Number(form.year)) : undefined
  if (taxYearId === undefined && form.year !== "") errors.year = messages.year
  if (form.cpr !== "" && !/^\d/.test(form.cpr)) errors.cpr = messages.cpr
  if (form.municipality_code !== "" && !/^\d{1,9}$/.test(form.municipality_code))
    errors.municipality_code = messages.municipalityCode
  const sortKey = query.sort ?? "cpr"
  const sort: PersonSearchSort = {
    key: (sortKey.startsWith("-") ? sortKey.slice(1) : sortKey) as PersonSearchSort["key"],
    descending: sortKey.startsWith("-")
  }
  const changed =
    form.year !== (defaultYear === undefined ? "" : String(defaultYear)) ||
    [
      form.cpr,
      form.name,
      form.municipality_code,
      form.municipality_name,
      form.address,
      form.fully_tax_liable,
      form.slutlignet
    ].some((v) => v !== "")
  const bool = (v: string) => (v === "" ? undefined : v === "true")
  const filter: PersonSearchFilter | undefined =
    changed && taxYearId !== undefined && Object.keys(errors).length === 0
      ? {
          taxYearId,
          cpr: form.cpr.replace(/\D/g, "") || undefined,
          name: form.name || undefined,
          municipalityCode: form.municipality_code === "" ? undefined : Number(form.municipality_code),
          municipalityName: form.municipality_name || undefined,
          address: form.address || undefined,
          fullyTaxLiable: bool(form.fully_tax_liable),
          slutlignet: bool(form.slutlignet)
        }
      : undefined
  return { form, errors, sort, page: query.page ?? 1, excel: query.format === "excel", filter }
}

/** The column headers of the result list, with their sort keys. */
export const columns: ReadonlyArray<{ readonly key: PersonSearchSort["key"]; readonly label: string }> = [
  { key: "cpr", label: "CPR" },
  { key: "name", label: "Navn" },
  { key: "address", label: "Adresse" },
  { key: "municipality", label: "Kommune" },
  { key: "policies", label: "Antal policer" },
  { key: "next_date", label: "Næste behandlingsdato" }
]

/** The XLSX export's headers: the visible columns plus the two counts (staff-web.md §3). */
export const excelHeaders = [
  ...columns.map((c) => c.label),
  "Antal slutlignede policer",
  "Antal ikke-slutlignede policer"
]

/** A municipality as shown: "code name". */
const municipalityOf = (r: PersonSearchRow) =>
  [r.municipalityCode, r.municipalityName].filter((x) => x !== null && x !== "").join(" ")

/** One row of the export (the same values as the page shows). */
export const excelRow = (fmt: Format, r: PersonSearchRow) => [
  fmt.cpr(r.cpr),
  r.name,
  r.fullAddress,
  municipalityOf(r),
  r.policies,
  fmt.date(r.nextProcessingDate),
  r.finished,
  r.unfinished
]

/** The page's view model. */
export const searchView = (
  parsed: ParsedSearch,
  years: ReadonlyArray<number>,
  result: { readonly rows: ReadonlyArray<PersonSearchRow>; readonly paging: Paging } | undefined,
  fmt: Format
) => {
  const sortParam = (key: string, descending: boolean) =>
    key === "cpr" && !descending ? undefined : `${descending ? "-" : ""}${key}`
  const keep = { ...parsed.form, sort: sortParam(parsed.sort.key, parsed.sort.descending) }
  const href = (extra: Record<string, string | number | undefined>) => `/${queryString({ ...keep, ...extra })}`
  return {
    title: "Find person",
    years,
    form: parsed.form,
    errors: parsed.errors,
    errorList: Object.values(parsed.errors),
    searched: result !== undefined,
    prompt: result === undefined && Object.keys(parsed.errors).length === 0 ? messages.empty : undefined,
    rows: (result?.rows ?? []).map((r) => ({
      href: `/tax_year/${parsed.form.year}/persons/${r.personId}/`,
      cpr: fmt.cpr(r.cpr),
      name: r.name ?? "",
      address: r.fullAddress ?? "",
      municipality: municipalityOf(r),
      policies: r.policies,
      nextDate: fmt.date(r.nextProcessingDate)
    })),
    paging: result?.paging,
    pageHref: (page: number) => href({ page }),
    columns: columns.map((c) => {
      const active = parsed.sort.key === c.key
      return {
        label: c.label,
        href: href({ sort: sortParam(c.key, active && !parsed.sort.descending), page: undefined }),
        sort: active ? (parsed.sort.descending ? "descending" : "ascending") : "none"
      }
    }),
    excelHref: href({ format: "excel", page: undefined })
  }
}
