import { type AgreementFilter, type CompanyEdit, type CompanyListRow, Companies, type PensionCompany } from "@kas/core"
import { Effect } from "effect"
import { checkbox } from "../web/FormFields.js"
import { PAGE_SIZE, queryString } from "../web/Paging.js"

/** The pension company pages (staff-web.md §14): the list's query, rows and merge form; the edit form. */

/** The list's filters as typed (kept in the URL and sent with every scroll request). */
export interface ListQuery {
  readonly search: string
  readonly agreement: AgreementFilter
}

const first = (v: unknown) => (Array.isArray(v) ? v[0] : v)

/** The filters of a query string (an unknown agreement choice counts as "Med og uden aftale"). */
export const parseListQuery = (query: Readonly<Record<string, unknown>>): ListQuery => {
  const search = first(query.search)
  const agreement = first(query.agreement)
  return {
    search: typeof search === "string" ? search.trim().slice(0, 255) : "",
    agreement: agreement === "with" || agreement === "without" ? agreement : "all"
  }
}

/** The choices of the agreement filter. */
export const agreementChoices: ReadonlyArray<{ readonly value: AgreementFilter; readonly label: string }> = [
  { value: "all", label: "Med og uden aftale" },
  { value: "with", label: "Har aftale" },
  { value: "without", label: "Har ikke aftale" }
]

/** A row of the list as shown. */
export interface CompanyRowView {
  readonly id: number
  readonly res: string
  readonly name: string
  readonly editHref: string
  /** "file" (an agreement file; links to it), "flag" (only the flag) or "none". */
  readonly agreement: "file" | "flag" | "none"
  readonly agreementHref: string
  readonly policies: number
  readonly marked: boolean
}

/** The rows of a page; the last row of a full page loads the next ones when it scrolls into view. */
export const rowsView = (rows: ReadonlyArray<CompanyListRow>, query: ListQuery, marked: ReadonlySet<number>) => {
  const views = rows.map(
    (r): CompanyRowView => ({
      id: r.id,
      res: r.res === null ? "" : String(r.res),
      name: r.name ?? "",
      editHref: `/pensioncompany/${r.id}/edit/`,
      agreement: r.has_agreement_file ? "file" : r.agreement_present ? "flag" : "none",
      agreementHref: `/pensioncompany/${r.id}/agreement/`,
      policies: r.policies,
      marked: marked.has(r.id)
    })
  )
  const last = views.length === PAGE_SIZE ? views[views.length - 1] : undefined
  return {
    rows: views,
    nextHref:
      last === undefined
        ? undefined
        : `/pensioncompany/rows/${last.id}/${queryString({
            search: query.search || undefined,
            agreement: query.agreement === "all" ? undefined : query.agreement
          })}`
  }
}

/** The merge form as posted: the target and the marked companies. */
export interface MergeForm {
  readonly target: number | undefined
  readonly toBeMerged: ReadonlyArray<number>
}

const ids = (raw: unknown): Array<number> =>
  (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw])
    .map((v) => (typeof v === "string" && /^\d{1,9}$/.test(v) ? Number(v) : Number.NaN))
    .filter((n) => Number.isSafeInteger(n) && n > 0)

/** Decodes the merge form (a repeated `to_be_merged` per marked company). */
export const parseMergeForm = (body: Readonly<Record<string, unknown>>): MergeForm => ({
  target: ids(body.target)[0],
  toBeMerged: [...new Set(ids(body.to_be_merged))]
})

/** The messages of the merge form that the page gives before asking `CompanyMerge`. */
export const mergeMessages = { target: "Vælg det pensionsselskab, der skal flettes ind i" } as const

/**
 * Loads the list page: the first rows, every company for the target select, and the companies marked in a refused
 * merge form (shown first, still marked, wherever the list has them).
 */
export const loadList = (query: ListQuery, marked: ReadonlyArray<number> = []) =>
  Effect.gen(function* () {
    const companies = yield* Companies
    const rows = yield* companies.listPage({ search: query.search, agreement: query.agreement, limit: PAGE_SIZE })
    const markedRows =
      marked.length === 0
        ? []
        : yield* companies.listPage({ search: "", agreement: "all", ids: marked, limit: marked.length })
    const all = yield* companies.list()
    return { rows, markedRows, all }
  })

/** The list page's view model. */
export const listView = (
  data: {
    readonly rows: ReadonlyArray<CompanyListRow>
    readonly markedRows: ReadonlyArray<CompanyListRow>
    readonly all: ReadonlyArray<PensionCompany>
  },
  query: ListQuery,
  merge: MergeForm = { target: undefined, toBeMerged: [] },
  error?: string
) => {
  const marked = new Set(merge.toBeMerged)
  const page = rowsView(data.rows, query, marked)
  const extra = rowsView(
    data.markedRows.filter((m) => !data.rows.some((r) => r.id === m.id)),
    query,
    marked
  ).rows
  return {
    title: "Pensionsselskaber",
    first: true,
    query,
    agreementChoices,
    rows: [...extra, ...page.rows],
    nextHref: page.nextHref,
    targets: data.all.map((c) => ({ id: c.id, label: c.display, selected: c.id === merge.target })),
    error
  }
}

/** The edit form's values as typed. */
export interface EditFormValues {
  readonly res: string
  readonly name: string
  readonly address: string
  readonly email: string
  readonly phone: string
  readonly agreement_present: boolean
}

/** The form of a stored company. */
export const editFormOf = (c: PensionCompany): EditFormValues => ({
  res: c.res === null ? "" : String(c.res),
  name: c.name ?? "",
  address: c.address ?? "",
  email: c.email ?? "",
  phone: c.phone ?? "",
  agreement_present: c.agreement_present
})

const text = (raw: unknown) => (typeof raw === "string" ? raw.trim() : "")
const orNull = (s: string) => (s === "" ? null : s)

/** The posted form and the edit it asks for (a reg.nr. that is not a whole number is an error here). */
export const parseEditForm = (body: Readonly<Record<string, unknown>>) => {
  const form: EditFormValues = {
    res: text(body.res),
    name: text(body.name),
    address: text(body.address),
    email: text(body.email),
    phone: text(body.phone),
    agreement_present: checkbox(body.agreement_present)
  }
  const res = form.res === "" ? null : /^\d{1,10}$/.test(form.res) ? Number(form.res) : Number.NaN
  const edit: CompanyEdit = {
    res,
    name: form.name,
    address: orNull(form.address),
    email: orNull(form.email),
    phone: orNull(form.phone),
    agreement_present: form.agreement_present
  }
  return { form, edit }
}

/** The edit page's view model. */
export const editView = (
  company: PensionCompany,
  form: EditFormValues,
  errors: Readonly<Record<string, string>>,
  flash?: string
) => ({
  title: `Rediger ${company.name ?? "pensionsselskab"}`,
  company: { id: company.id, name: company.name ?? "", hasAgreementFile: company.agreement_file_id !== null },
  action: `/pensioncompany/${company.id}/edit/`,
  agreementHref: `/pensioncompany/${company.id}/agreement/`,
  form,
  errors,
  errorList: Object.values(errors),
  flash
})
