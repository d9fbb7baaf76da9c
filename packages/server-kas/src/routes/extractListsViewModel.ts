import {
  type PersonExtractKind,
  type PersonExtractRow,
  type PersonExtractSortKey,
  PolicyNumber,
  type PolicyExtractFilter,
  type PolicyExtractKind,
  type PolicyExtractRow,
  type PolicyExtractSortKey,
  SubmissionRules
} from "@kas/core"
import { Either, Schema } from "effect"
import type { Format } from "../web/Format.js"
import { type Paging, queryString } from "../web/Paging.js"
import type { XlsxCell } from "../web/Xlsx.js"
import { messages as searchMessages } from "./findPersonViewModel.js"

/**
 * The six extract lists ("Udtrækslister", staff-web.md §5): each list's definition (title, columns, default sort,
 * filters), the query string decoded and validated, and the view of a page. The routes are in `extractLists.ts`.
 */

/** A column: its sort key, header, the value exported and the text shown. */
export interface ListColumn<R, K extends string> {
  readonly key: K
  readonly label: string
  readonly numeric?: boolean
  /** The cell of the XLSX export (numbers stay numbers). */
  readonly value: (fmt: Format, row: R) => XlsxCell
  /** The text on the page (default: the exported value as text). */
  readonly text?: (fmt: Format, row: R) => string
  /** A link from the cell. */
  readonly href?: (year: number, row: R) => string
}

/** A list: where it lives, what it shows and how it sorts by default. */
export interface ListDefinition<R, K extends string> {
  readonly path: string
  readonly title: string
  readonly help: string
  /** The XLSX file name before `_<year>.xlsx`, and its sheet. */
  readonly filename: string
  readonly sheet: string
  readonly columns: ReadonlyArray<ListColumn<R, K>>
  readonly defaultSort: { readonly key: K; readonly descending: boolean }
  /** The policy lists also filter on company name, policy number and Slutlignet. */
  readonly policyFilters: boolean
}

/** The messages of the list filters. */
export const messages = {
  year: searchMessages.year,
  policyNumber: PolicyNumber.messages.tooLong,
  company: `Pensionsselskabets navn må højst være ${SubmissionRules.MAX_COMPANY_NAME} tegn`
} as const

const personYearHref = (year: number, r: { readonly personId: number }) => `/tax_year/${year}/persons/${r.personId}/`
const municipalityOf = (r: PersonExtractRow) =>
  [r.municipalityCode, r.municipalityName].filter((x) => x !== null && x !== "").join(" ")

type PersonColumn = ListColumn<PersonExtractRow, PersonExtractSortKey>
const personColumns = {
  cpr: { key: "cpr", label: "CPR", value: (fmt, r) => fmt.cpr(r.cpr), href: personYearHref },
  name: { key: "name", label: "Navn", value: (_, r) => r.name },
  address: { key: "address", label: "Adresse", value: (_, r) => r.fullAddress },
  municipality: { key: "municipality", label: "Kommune", value: (_, r) => municipalityOf(r) },
  count: { key: "count", label: "Antal", numeric: true, value: (_, r) => r.count },
  foreign: { key: "foreign_notes", label: "Noter om pension i udlandet", value: (_, r) => r.foreignPensionNotes },
  general: { key: "general_notes", label: "Yderligere noter", value: (_, r) => r.generalNotes }
} satisfies Record<string, PersonColumn>

/** The four person lists. */
export const personLists: Readonly<Record<PersonExtractKind, ListDefinition<PersonExtractRow, PersonExtractSortKey>>> =
  {
    unfinished: {
      path: "/person/unfinished/",
      title: "Personer med policer der kræver efterbehandling",
      help:
        'Personer med mindst én aktiv police der kræver efterbehandling i det valgte skatteår. "Antal" er antallet ' +
        "af sådanne policer; listen er sorteret efter det, flest først.",
      filename: "personer_efterbehandling",
      sheet: "Personer",
      columns: [personColumns.cpr, personColumns.name, personColumns.count],
      defaultSort: { key: "count", descending: true },
      policyFilters: false
    },
    failsend: {
      path: "/person/failsend/",
      title: "Personer med fejlet afsendelse af selvangivelse",
      help: "Personer i det valgte skatteår hvis seneste selvangivelse ikke kunne sendes til e-Boks.",
      filename: "personer_fejlet_afsendelse",
      sheet: "Personer",
      columns: [personColumns.cpr, personColumns.name, personColumns.address, personColumns.municipality],
      defaultSort: { key: "cpr", descending: false },
      policyFilters: false
    },
    unhandled: {
      path: "/person/unhandled/",
      title: "Personer med nye dokumenter eller notater",
      help:
        "Personer i det valgte skatteår med notater eller bilag der endnu ikke er markeret som behandlet " +
        '("Alle bilag og notater behandlet" på personens side).',
      filename: "personer_nye_dokumenter",
      sheet: "Personer",
      columns: [personColumns.cpr, personColumns.name, personColumns.address, personColumns.municipality],
      defaultSort: { key: "cpr", descending: false },
      policyFilters: false
    },
    foreign: {
      path: "/person/foreign/",
      title: "Personer med udenlandsk pensionsnotat",
      help:
        "Personer i det valgte skatteår hvor borgeren har skrevet noter om pension i udlandet eller yderligere " +
        "noter i selvangivelsen. Begge noter vises.",
      filename: "personer_udenlandsk_pensionsnotat",
      sheet: "Personer",
      columns: [personColumns.cpr, personColumns.name, personColumns.foreign, personColumns.general],
      defaultSort: { key: "cpr", descending: false },
      policyFilters: false
    }
  }

type PolicyColumn = ListColumn<PolicyExtractRow, PolicyExtractSortKey>
const amount = (
  key: PolicyExtractSortKey,
  label: string,
  pick: (r: PolicyExtractRow) => number | null
): PolicyColumn => ({ key, label, numeric: true, value: (_, r) => pick(r), text: (fmt, r) => fmt.kroner(pick(r)) })
const policyColumns: ReadonlyArray<PolicyColumn> = [
  { key: "cpr", label: "CPR", value: (fmt, r) => fmt.cpr(r.cpr), href: personYearHref },
  { key: "name", label: "Navn", value: (_, r) => r.name },
  {
    key: "company",
    label: "Pensionsselskab",
    value: (_, r) => (r.companyRes === null ? r.companyName : `${r.companyName ?? ""} (${r.companyRes})`)
  },
  {
    key: "policy_number",
    label: "Police nr.",
    value: (_, r) => r.policyNumber,
    href: (_, r) => `/policy/${r.policyTaxYearId}/`
  },
  amount("prefilled", "Fortrykt beløb", (r) => r.prefilledAmount),
  amount("self_reported", "Selvangivet beløb", (r) => r.selfReportedAmount),
  amount("difference", "Forskel", (r) => r.difference),
  { key: "difference_percent", label: "Forskel %", numeric: true, value: (_, r) => r.differencePercent },
  { key: "next_date", label: "Næste behandlingsdato", value: (fmt, r) => fmt.date(r.nextProcessingDate) }
]

/** The two policy lists. */
export const policyLists: Readonly<Record<PolicyExtractKind, ListDefinition<PolicyExtractRow, PolicyExtractSortKey>>> =
  {
    unfinished: {
      path: "/policy/unfinished/",
      title: "Policer der kræver efterbehandling",
      help:
        "Aktive policer i det valgte skatteår der kræver efterbehandling. Forskel er selvangivet minus fortrykt " +
        "beløb; Forskel % er forskellen i procent af det fortrykte beløb (tom når det fortrykte beløb er 0 eller " +
        "mangler). Listen er sorteret efter Forskel %, tomme værdier sidst.",
      filename: "policer_efterbehandling",
      sheet: "Policer",
      columns: policyColumns,
      defaultSort: { key: "difference_percent", descending: false },
      policyFilters: true
    },
    taxdifference: {
      path: "/policy/taxdifference/",
      title: "Policer med forskel på fortrykt og selvangivet beløb",
      help:
        "Aktive policer i det valgte skatteår hvor både det fortrykte og det selvangivne beløb er udfyldt, og de " +
        "er forskellige. Listen er sorteret efter Forskel, tomme værdier sidst.",
      filename: "policer_forskel",
      sheet: "Policer",
      columns: policyColumns,
      defaultSort: { key: "difference", descending: false },
      policyFilters: true
    }
  }

const Text = Schema.optional(Schema.String)

/** The query string of a list (the filters are kept in the URL). */
export const ListQuery = Schema.Struct({
  year: Text,
  company: Text,
  policy_number: Text,
  slutlignet: Schema.optional(Schema.Literal("", "true", "false")),
  sort: Text,
  page: Schema.optional(Schema.NumberFromString.pipe(Schema.int(), Schema.positive())),
  format: Schema.optional(Schema.Literal("excel"))
})
/** The decoded query. */
export type ListQuery = typeof ListQuery.Type

const first = (v: string | ReadonlyArray<string> | undefined) => (typeof v === "string" ? v : v?.[0])

/** Decodes the raw query (a repeated parameter counts once); a value outside its choices is left out. */
export const decodeListQuery = (
  raw: Readonly<Record<string, string | ReadonlyArray<string> | undefined>>
): ListQuery => {
  const flat = Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, first(v)]))
  const out: Record<string, unknown> = {}
  for (const [key, schema] of Object.entries(ListQuery.fields)) {
    const one = Schema.decodeUnknownEither(Schema.Struct({ [key]: schema }))({ [key]: flat[key] })
    if (Either.isRight(one)) Object.assign(out, one.right)
  }
  return out as ListQuery
}

/** The filter form as typed. */
export interface ListForm {
  readonly year: string
  readonly company: string
  readonly policy_number: string
  readonly slutlignet: string
}

/** A parsed list request. */
export interface ParsedList<K extends string> {
  readonly form: ListForm
  readonly errors: Readonly<Partial<Record<keyof ListForm, string>>>
  readonly sort: { readonly key: K; readonly descending: boolean }
  readonly page: number
  readonly excel: boolean
  /** The year's id and the filters, when the list can be read (a known year, no invalid field). */
  readonly filter: PolicyExtractFilter | undefined
}

/**
 * A list request: `years` maps the tax years offered to their ids, `defaultYear` is the one shown without input
 * (staff-web.md §3). An unknown year, an over-long policy number or company name is refused with its message; a sort
 * key the list does not show falls back to its default order.
 */
export const parseList = <R, K extends string>(
  list: ListDefinition<R, K>,
  query: ListQuery,
  years: ReadonlyMap<number, number>,
  defaultYear: number | undefined
): ParsedList<K> => {
  const trim = (s: string | undefined) => (s ?? "").trim()
  const form: ListForm = {
    year: trim(query.year) || (defaultYear === undefined ? "" : String(defaultYear)),
    company: list.policyFilters ? trim(query.company) : "",
    policy_number: list.policyFilters ? trim(query.policy_number) : "",
    slutlignet: list.policyFilters ? (query.slutlignet ?? "") : ""
  }
  const errors: Partial<Record<keyof ListForm, string>> = {}
  const taxYearId = /^\d{4}$/.test(form.year) ? years.get(Number(form.year)) : undefined
  if (taxYearId === undefined && form.year !== "") errors.year = messages.year
  if (PolicyNumber.problemOf(form.policy_number) === "too-long") errors.policy_number = messages.policyNumber
  if (form.company.length > SubmissionRules.MAX_COMPANY_NAME) errors.company = messages.company
  const requested = query.sort ?? ""
  const key = requested.startsWith("-") ? requested.slice(1) : requested
  const column = list.columns.find((c) => c.key === key)
  const sort = column ? { key: column.key, descending: requested.startsWith("-") } : list.defaultSort
  const filter: PolicyExtractFilter | undefined =
    taxYearId !== undefined && Object.keys(errors).length === 0
      ? {
          taxYearId,
          companyName: form.company || undefined,
          policyNumber: form.policy_number || undefined,
          slutlignet: form.slutlignet === "" ? undefined : form.slutlignet === "true"
        }
      : undefined
  return { form, errors, sort, page: query.page ?? 1, excel: query.format === "excel", filter }
}

/** The XLSX file name of a list for a year. */
export const excelFilename = <R, K extends string>(list: ListDefinition<R, K>, year: string) =>
  `${list.filename}_${year}.xlsx`

/** The headers and one row of a list's export (the values the page shows, numbers as numbers, empty cells empty). */
export const excelOf = <R, K extends string>(list: ListDefinition<R, K>, fmt: Format) => ({
  headers: list.columns.map((c) => c.label),
  row: (r: R): ReadonlyArray<XlsxCell> =>
    list.columns.map((c) => {
      const value = c.value(fmt, r)
      return value === "" ? null : value
    })
})

/** The view of a list page. */
export const listView = <R, K extends string>(
  list: ListDefinition<R, K>,
  parsed: ParsedList<K>,
  years: ReadonlyArray<number>,
  result: { readonly rows: ReadonlyArray<R>; readonly paging: Paging } | undefined,
  fmt: Format
) => {
  const sortParam = (key: K, descending: boolean) =>
    key === list.defaultSort.key && descending === list.defaultSort.descending
      ? undefined
      : `${descending ? "-" : ""}${key}`
  const keep = { ...parsed.form, sort: sortParam(parsed.sort.key, parsed.sort.descending) }
  const href = (extra: Record<string, string | number | undefined>) =>
    `${list.path}${queryString({ ...keep, ...extra })}`
  const year = Number(parsed.form.year)
  return {
    title: list.title,
    help: list.help,
    path: list.path,
    policyFilters: list.policyFilters,
    years,
    form: parsed.form,
    errors: parsed.errors,
    errorList: Object.values(parsed.errors),
    noYears: years.length === 0,
    columns: list.columns.map((c) => {
      const active = parsed.sort.key === c.key
      // A click on the sorted column flips it; another column sorts ascending.
      const descending = active ? !parsed.sort.descending : false
      return {
        label: c.label,
        numeric: c.numeric === true,
        href: href({ sort: sortParam(c.key, descending), page: undefined }),
        sort: active ? (parsed.sort.descending ? "descending" : "ascending") : "none"
      }
    }),
    rows: (result?.rows ?? []).map((r) =>
      list.columns.map((c) => {
        const value = c.value(fmt, r)
        return {
          text: c.text ? c.text(fmt, r) : value === null ? "" : String(value),
          href: c.href?.(year, r),
          numeric: c.numeric === true
        }
      })
    ),
    paging: result?.paging,
    pageHref: (page: number) => href({ page }),
    excelHref: href({ format: "excel", page: undefined })
  }
}
