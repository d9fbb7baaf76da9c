import Router from "@koa/router"
import { defaultYear, PersonExtracts, PolicyExtracts, TaxYears } from "@kas/core"
import { Effect, Stream } from "effect"
import type { Context } from "koa"
import type { AppContext } from "../web/AppContext.js"
import { currentYear, makeFormat } from "../web/Format.js"
import { pagingOf, requestedPage } from "../web/Paging.js"
import { requirePermission } from "../web/StaffAuth.js"
import { sendXlsx } from "../web/Xlsx.js"
import type { AppServices } from "../runtime.js"
import {
  decodeListQuery,
  excelFilename,
  excelOf,
  type ListDefinition,
  listView,
  type ParsedList,
  parseList,
  personLists,
  policyLists
} from "./extractListsViewModel.js"

/** How a list reads its rows: a page, or all of them as a stream. */
interface ListSource<R, K extends string> {
  readonly page: (
    parsed: ParsedList<K>,
    filter: NonNullable<ParsedList<K>["filter"]>,
    paging: { readonly offset: number; readonly limit: number }
  ) => Effect.Effect<{ readonly rows: ReadonlyArray<R>; readonly total: number }, unknown, AppServices>
  readonly stream: (
    parsed: ParsedList<K>,
    filter: NonNullable<ParsedList<K>["filter"]>
  ) => Stream.Stream<R, unknown, AppServices>
}

/**
 * The six extract lists ("Udtrækslister", staff-web.md §5) [persontaxyear.list]: each opens for the default year
 * without input, pages by 20, sorts by its columns (empty values last) and exports every row as XLSX (`?format=excel`,
 * streamed from a cursor).
 */
export const extractListRoutes = (app: AppContext) => {
  const router = new Router()
  const fmt = makeFormat(app.settings.timezone)

  const listRoute = <R, K extends string>(list: ListDefinition<R, K>, source: ListSource<R, K>) =>
    router.get(list.path, requirePermission("persontaxyear.list"), async (ctx: Context) => {
      const years = await app.run(
        ctx,
        Effect.flatMap(TaxYears, (t) => t.choices())
      )
      const parsed = parseList(
        list,
        decodeListQuery(ctx.query),
        new Map(years.map((y) => [y.year, y.id])),
        defaultYear(
          years.map((y) => y.year),
          currentYear(app.settings.timezone)
        )
      )
      const filter = parsed.filter
      if (parsed.excel && filter !== undefined) {
        const excel = excelOf(list, fmt)
        return sendXlsx(app, ctx, {
          filename: excelFilename(list, parsed.form.year),
          sheet: list.sheet,
          headers: excel.headers,
          rows: source.stream(parsed, filter).pipe(Stream.map(excel.row))
        })
      }
      const result =
        filter === undefined
          ? undefined
          : await app.run(
              ctx,
              Effect.gen(function* () {
                const found = yield* source.page(parsed, filter, requestedPage(parsed.page))
                const paging = pagingOf(parsed.page, found.total)
                // A page past the end shows the last one.
                if (found.rows.length > 0 || found.total === 0) return { rows: found.rows, paging }
                const last = yield* source.page(parsed, filter, { offset: paging.offset, limit: paging.limit })
                return { rows: last.rows, paging: pagingOf(paging.page, last.total) }
              })
            )
      const view = listView(
        list,
        parsed,
        years.map((y) => y.year),
        result,
        fmt
      )
      await ctx.render("extract/list", view, view.errorList.length > 0 ? 400 : undefined)
    })

  for (const [kind, list] of Object.entries(personLists) as Array<
    [keyof typeof personLists, (typeof personLists)[keyof typeof personLists]]
  >) {
    listRoute(list, {
      page: (parsed, filter, paging) =>
        Effect.flatMap(PersonExtracts, (s) => s.page(kind, filter.taxYearId, parsed.sort, paging)),
      stream: (parsed, filter) =>
        Stream.unwrap(Effect.map(PersonExtracts, (s) => s.stream(kind, filter.taxYearId, parsed.sort)))
    })
  }
  for (const [kind, list] of Object.entries(policyLists) as Array<
    [keyof typeof policyLists, (typeof policyLists)[keyof typeof policyLists]]
  >) {
    listRoute(list, {
      page: (parsed, filter, paging) =>
        Effect.flatMap(PolicyExtracts, (s) => s.page(kind, filter, parsed.sort, paging)),
      stream: (parsed, filter) => Stream.unwrap(Effect.map(PolicyExtracts, (s) => s.stream(kind, filter, parsed.sort)))
    })
  }
  return router
}
