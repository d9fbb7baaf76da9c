import Router from "@koa/router"
import { PersonSearch, TaxYears, defaultYear } from "@kas/core"
import { Effect, Stream } from "effect"
import type { AppContext } from "../web/AppContext.js"
import { currentYear, makeFormat } from "../web/Format.js"
import { PAGE_SIZE, pagingOf, requestedPage } from "../web/Paging.js"
import { requirePermission } from "../web/StaffAuth.js"
import { sendXlsx } from "../web/Xlsx.js"
import { decodeQuery, excelHeaders, excelRow, parseSearch, searchView } from "./findPersonViewModel.js"

/**
 * "Find person" (staff-web.md §3), the front page: the filter form, the results a page at a time (htmx replaces them
 * as the user types, the filters stay in the URL) and their XLSX export (`?format=excel`).
 */
export const findPersonRoutes = (app: AppContext) => {
  const router = new Router()
  const fmt = makeFormat(app.settings.timezone)

  router.get("/", requirePermission("persontaxyear.view"), async (ctx) => {
    const query = decodeQuery(ctx.query)
    // One run per search: the years (for the filter and the year's id) and the page they select.
    const { years, parsed, result } = await app.run(
      ctx,
      Effect.gen(function* () {
        const years = yield* Effect.flatMap(TaxYears, (t) => t.choices())
        const parsed = parseSearch(
          query,
          new Map(years.map((y) => [y.year, y.id])),
          defaultYear(
            years.map((y) => y.year),
            currentYear(app.settings.timezone)
          )
        )
        const filter = parsed.filter
        if (filter === undefined || parsed.excel) return { years, parsed, result: undefined }
        const search = yield* PersonSearch
        const found = yield* search.page(filter, parsed.sort, requestedPage(parsed.page))
        const paging = pagingOf(parsed.page, found.total, PAGE_SIZE, found.more)
        // A page past the end shows the last one (past the end, the count is exact).
        if (found.rows.length > 0 || found.total === 0) return { years, parsed, result: { rows: found.rows, paging } }
        const last = yield* search.page(filter, parsed.sort, { offset: paging.offset, limit: paging.limit })
        const lastPaging = pagingOf(paging.page, last.total, PAGE_SIZE, last.more)
        return { years, parsed, result: { rows: last.rows, paging: lastPaging } }
      })
    )
    const filter = parsed.filter
    if (parsed.excel && filter !== undefined) {
      return sendXlsx(app, ctx, {
        filename: `find_person_${parsed.form.year}.xlsx`,
        sheet: "Personer",
        headers: excelHeaders,
        rows: Stream.unwrap(
          Effect.map(PersonSearch, (s) => s.stream(filter, parsed.sort).pipe(Stream.map((r) => excelRow(fmt, r))))
        )
      })
    }
    const view = searchView(
      parsed,
      years.map((y) => y.year),
      result,
      fmt
    )
    // htmx asks for the results only (search as you type); a history restore or a plain request gets the whole page.
    ctx.vary("HX-Request")
    if (ctx.get("HX-Request") && !ctx.get("HX-History-Restore-Request")) return ctx.render("person/results", view)
    await ctx.render("person/search", view, view.errorList.length > 0 ? 400 : undefined)
  })
  return router
}
