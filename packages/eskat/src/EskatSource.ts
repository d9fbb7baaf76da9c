import { Context, Effect, Layer, Option, Stream } from "effect"
import type { Cpr } from "@kas/core"
import type { EskatError } from "./EskatError.js"
import type { BeregningXRow, CensusRow, Page, R75Row } from "./Rows.js"
import * as Views from "./internal/views.js"

/** Which rows of a view to read: one tax year, optionally one person; `pageSize` rows per round trip. */
export interface ReadQuery {
  readonly year: number
  readonly cpr?: Cpr | undefined
  readonly pageSize?: number | undefined
}

/**
 * The eSkat views (design.md §5): one paged reader per view. Each page is decoded with Schema; rows that do not
 * decode come back in `invalid` with their key and reason. Pages are read by keyset, one at a time, so memory stays
 * constant however many rows the view holds.
 */
export interface EskatSourceService {
  readonly kind: "mock" | "live"
  /** `kas_mandtal` rows of a year (and a CPR). */
  readonly census: (query: ReadQuery) => Stream.Stream<Page<CensusRow>, EskatError>
  /** `r75_idx_4500230` rows of a year with a `res` longer than 4 characters (eskat.md §7.2). */
  readonly r75: (query: ReadQuery) => Stream.Stream<Page<R75Row>, EskatError>
  /** `kas_beregninger_x` rows of a year (and a CPR). */
  readonly beregningerX: (query: ReadQuery) => Stream.Stream<Page<BeregningXRow>, EskatError>
  /** How many rows the census reader will return for `query` (valid or not), for progress. */
  readonly countCensus: (query: ReadQuery) => Effect.Effect<number, EskatError>
  /** How many rows the R75 reader will return for `query`, for progress. */
  readonly countR75: (query: ReadQuery) => Effect.Effect<number, EskatError>
  /**
   * Only the mock source: the tables behind the census and R75 views are in the KAS database itself, under these
   * qualified names (ASCII column names). An import then copies a page's rows there by key instead of sending the
   * values it read back to the same database; the rows are still read and decoded first, so invalid rows are
   * reported in the same way.
   */
  readonly sameDatabase?: { readonly census: string; readonly r75: string } | undefined
}

/** The eSkat source port; `layerMock` (PostgreSQL `eskat_mock`) and `layerLive` (Oracle) implement it. */
export class EskatSource extends Context.Tag("@kas/eskat/EskatSource")<EskatSource, EskatSourceService>() {}

/** The default number of rows per page. */
export const DEFAULT_PAGE_SIZE = 5000

/**
 * Runs one page query: `text` with positional `params`; returns the rows as value arrays in select-list order.
 * This is all an implementation supplies.
 */
export type Execute = (
  text: string,
  params: ReadonlyArray<unknown>
) => Effect.Effect<ReadonlyArray<ReadonlyArray<unknown>>, EskatError>

/** Builds the readers from a dialect's bind syntax and its `execute`: the query text is the same for every dialect. */
export const make = (options: {
  readonly kind: "mock" | "live"
  readonly bind: (i: number) => string
  readonly execute: Execute
}): EskatSourceService => {
  const reader =
    <A>(view: Views.View<A>) =>
    (query: ReadQuery): Stream.Stream<Page<A>, EskatError> => {
      const pageSize = query.pageSize ?? DEFAULT_PAGE_SIZE
      const first = Views.pageQuery(view, { cpr: query.cpr !== undefined, after: false }, pageSize, options.bind)
      const next = Views.pageQuery(view, { cpr: query.cpr !== undefined, after: true }, pageSize, options.bind)
      const base: ReadonlyArray<unknown> = query.cpr !== undefined ? [query.year, query.cpr] : [query.year]
      return Stream.paginateEffect(Option.none<unknown>(), (after) =>
        options.execute(Option.isSome(after) ? next : first, Option.isSome(after) ? [...base, after.value] : base).pipe(
          Effect.map((raw) => {
            const page = Views.decodePage(view, raw)
            const more = raw.length >= pageSize ? Option.some(Option.some(page.lastKey)) : Option.none()
            return [{ rows: page.rows, invalid: page.invalid }, more] as const
          }),
          Effect.withSpan(`EskatSource.${view.name}`)
        )
      )
    }
  const counter =
    <A>(view: Views.View<A>) =>
    (query: ReadQuery): Effect.Effect<number, EskatError> =>
      options
        .execute(
          Views.countQuery(view, { cpr: query.cpr !== undefined, after: false }, options.bind),
          query.cpr !== undefined ? [query.year, query.cpr] : [query.year]
        )
        .pipe(Effect.map((rows) => Number(rows[0]?.[0] ?? 0)))
  return {
    kind: options.kind,
    countCensus: counter(Views.census),
    countR75: counter(Views.r75),
    census: reader(Views.census),
    r75: reader(Views.r75),
    beregningerX: reader(Views.beregningerX)
  }
}

/** A source over fixed pages, for tests of code that consumes `EskatSource`. */
export const layerTest = (service: EskatSourceService) => Layer.succeed(EskatSource, service)
