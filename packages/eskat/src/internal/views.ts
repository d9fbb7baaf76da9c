import { isCpr } from "@kas/core"
import { Either, ParseResult, Schema } from "effect"
import {
  BeregningXRow,
  canonicalUuid,
  CensusRow,
  censusPlain,
  InvalidRow,
  type Plain,
  R75Row,
  r75Plain
} from "../Rows.js"

/** A column: its name in SQL (quoted when eSkat's name is not plain ASCII) and the row field it fills. */
export interface Column {
  readonly sql: string
  readonly field: string
}

/** Everything the readers need to know about one eSkat view. */
export interface View<A> {
  readonly name: string
  readonly columns: ReadonlyArray<Column>
  readonly key: string
  readonly year: string
  /** Extra condition of the view's import (eskat.md §7.2), in the shared SQL subset. */
  readonly where?: string
  readonly decode: (raw: Record<string, unknown>) => Either.Either<A, ParseResult.ParseError>
  /**
   * The row when every value has its plain shape (then `decode` would give the same row), else undefined and the
   * row goes through `decode`. A Schema decode costs some 20–50 µs a row; most rows are plainly valid.
   */
  readonly plain?: (raw: Record<string, unknown>) => A | undefined
}

const CANONICAL_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

const isPlain: { readonly [P in Plain]: (v: unknown) => boolean } = {
  uuid: (v) => typeof v === "string" && CANONICAL_UUID.test(v),
  "uuid?": (v) => v === null || (typeof v === "string" && CANONICAL_UUID.test(v)),
  int: (v) => typeof v === "number" && Number.isSafeInteger(v),
  "int?": (v) => v === null || (typeof v === "number" && Number.isSafeInteger(v)),
  text: (v) => typeof v === "string",
  "text?": (v) => v === null || typeof v === "string",
  cpr: isCpr
}

/**
 * An instance of a row class holding `props` as they are: what `new Row(props, true)` (no validation) builds for a
 * class without defaults, without its per-row copy and look-up of defaults (~5 µs a row).
 */
const instanceOf =
  <A extends object>(row: { readonly prototype: A }) =>
  (props: Record<string, unknown>): A =>
    Object.assign(Object.create(row.prototype) as A, props)

/** `View.plain` from the plain shape of each field and the row's constructor (the values were checked). */
const plainDecoder = <A>(shapes: Readonly<Record<string, Plain>>, make: (props: Record<string, unknown>) => A) => {
  const checks = Object.entries(shapes).map(([field, shape]) => [field, isPlain[shape]] as const)
  return (raw: Record<string, unknown>): A | undefined => {
    for (const [field, check] of checks) if (!check(raw[field])) return undefined
    return make(raw)
  }
}

const plain = (...names: ReadonlyArray<string>): ReadonlyArray<Column> => names.map((n) => ({ sql: n, field: n }))

const PERSON = ["cpr", "bank_reg_nr", "bank_konto_nr", "kommune_no", "kommune", "skatteaar", "navn"] as const
const ADDRESS = ["adresselinje1", "adresselinje2", "adresselinje3", "adresselinje4", "adresselinje5"] as const

/** `kas_mandtal` (eskat.md §4.1). */
export const census: View<CensusRow> = {
  name: "kas_mandtal",
  columns: plain("pt_census_guid", ...PERSON, ...ADDRESS, "fuld_adresse", "cpr_dashed", "skatteomfang", "skattedage"),
  key: "pt_census_guid",
  year: "skatteaar",
  decode: Schema.decodeUnknownEither(CensusRow),
  plain: plainDecoder(censusPlain, instanceOf(CensusRow))
}

/** `r75_idx_4500230` (eskat.md §4.2); the two non-ASCII columns are quoted. */
export const r75: View<R75Row> = {
  name: "r75_idx_4500230",
  columns: [
    ...plain("r75_ctl_sekvens_guid", "pt_census_guid", "tax_year", "cpr", "r75_ctl_indeks_guid", "idx_nr", "res"),
    ...plain("ktd", "ktt", "kontotype", "ibn", "esk", "ejerstatuskode"),
    { sql: `"indestående"`, field: "indestaaende" },
    { sql: `"renteindtægt"`, field: "renteindtaegt" },
    ...plain("r75_dato")
  ],
  key: "r75_ctl_sekvens_guid",
  year: "tax_year",
  where: "LENGTH(res) > 4",
  decode: Schema.decodeUnknownEither(R75Row),
  plain: plainDecoder(r75Plain, instanceOf(R75Row))
}

const MONEY = [
  "capital_return",
  "sum_negative_capital_return",
  "used_negative_capital_return",
  "capital_return_base",
  "capital_return_tax",
  "crt_payment",
  "police_payment",
  "deficit_crt",
  "surplus_crt_payment",
  "surplus_police_payment",
  "total_surplus",
  "result_surplus_crt_payment"
] as const

/** `kas_beregninger_x` (2018/2019 calculations). */
export const beregningerX: View<BeregningXRow> = {
  name: "kas_beregninger_x",
  columns: plain(
    "pension_crt_calc_guid",
    "pt_census_guid",
    ...PERSON,
    ...ADDRESS,
    "fuld_adresse",
    "cpr_dashed",
    "pension_crt_lock_batch_guid",
    "reg_date",
    "is_locked",
    "no",
    ...MONEY,
    "annotation",
    "is_locking_allowed"
  ),
  key: "pension_crt_calc_guid",
  year: "skatteaar",
  decode: Schema.decodeUnknownEither(BeregningXRow)
}

/** What a page query filters on. */
export interface PageFilter {
  readonly cpr: boolean
  readonly after: boolean
}

/**
 * The one query text of a page, in the SQL subset PostgreSQL and Oracle share: named columns, WHERE, ORDER BY the
 * key, keyset paging and `FETCH FIRST n ROWS ONLY`. `bind(i)` renders the i-th (1-based) bind parameter; binds are
 * year, then cpr, then the last key of the previous page. Rows without a year are read too, so that they are reported
 * as invalid rather than silently missing.
 */
export const pageQuery = (
  view: View<unknown>,
  filter: PageFilter,
  pageSize: number,
  bind: (i: number) => string
): string => {
  return [
    `SELECT ${view.columns.map((c) => c.sql).join(", ")}`,
    `FROM ${view.name}`,
    `WHERE ${whereOf(view, filter, bind)}`,
    `ORDER BY ${view.key}`,
    `FETCH FIRST ${Math.trunc(pageSize)} ROWS ONLY`
  ].join(" ")
}

const whereOf = (view: View<unknown>, filter: PageFilter, bind: (i: number) => string) => {
  let i = 1
  const where = [`(${view.year} = ${bind(i++)} OR ${view.year} IS NULL)`]
  if (view.where) where.push(view.where)
  if (filter.cpr) where.push(`cpr = ${bind(i++)}`)
  if (filter.after) where.push(`${view.key} > ${bind(i++)}`)
  return where.join(" AND ")
}

/** The number of rows `pageQuery` pages through (same filter, same dialect subset). */
export const countQuery = (view: View<unknown>, filter: PageFilter, bind: (i: number) => string): string =>
  `SELECT COUNT(*) FROM ${view.name} WHERE ${whereOf(view, filter, bind)}`

/** The reasons a row failed to decode, as "column: message" lines joined with "; ". */
export const reasonOf = (error: ParseResult.ParseError): string =>
  ParseResult.ArrayFormatter.formatErrorSync(error)
    .map((issue) => `${issue.path.length ? issue.path.join(".") : "row"}: ${issue.message}`)
    .join("; ")

// Oracle hands RAW columns (GUIDs) over as bytes; the row schemas read them as hex text.
const normalize = (v: unknown): unknown =>
  v === undefined ? null : v instanceof Uint8Array ? Buffer.from(v).toString("hex") : v

/** Decodes one page of raw rows (values in column order) into rows and invalid rows. */
export const decodePage = <A>(view: View<A>, raw: ReadonlyArray<ReadonlyArray<unknown>>) => {
  const rows: Array<A> = []
  const invalid: Array<InvalidRow> = []
  const keyIndex = view.columns.findIndex((c) => c.field === view.key)
  for (const values of raw) {
    const record: Record<string, unknown> = {}
    view.columns.forEach((c, i) => {
      record[c.field] = normalize(values[i])
    })
    const plain = view.plain?.(record)
    if (plain !== undefined) {
      rows.push(plain)
      continue
    }
    const decoded = view.decode(record)
    if (Either.isRight(decoded)) rows.push(decoded.right)
    else {
      const key = normalize(values[keyIndex])
      const text = key === null ? null : String(key)
      invalid.push(
        new InvalidRow({
          view: view.name,
          key: text === null ? null : (canonicalUuid(text) ?? text),
          reason: reasonOf(decoded.left)
        })
      )
    }
  }
  return { rows, invalid, lastKey: raw.length ? raw[raw.length - 1][keyIndex] : undefined }
}
