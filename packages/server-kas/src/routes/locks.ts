import Router from "@koa/router"
import { defaultYear, Locks, TaxYears } from "@kas/core"
import { HttpError } from "@kas/core/web"
import { Effect, Either, Schema, Stream } from "effect"
import type { Context } from "koa"
import type { AppContext } from "../web/AppContext.js"
import { setFlash, takeFlash } from "../web/Flash.js"
import { currentYear, makeFormat } from "../web/Format.js"
import { pagingOf, requestedPage } from "../web/Paging.js"
import { decodeParams, PathId } from "../web/Params.js"
import { hasPermission, requirePermission } from "../web/StaffAuth.js"
import { sendXlsx } from "../web/Xlsx.js"
import { createDialogView, detailView, excelHeaders, excelRow, listView, rowsView } from "./locksViewModel.js"

const Pk = Schema.Struct({ pk: PathId })
const YearQuery = Schema.Struct({ year: PathId })
const PageQuery = Schema.Struct({ page: Schema.NumberFromString.pipe(Schema.int(), Schema.positive()) })

/** The `year` of a query or form, or undefined when absent or not a year. */
const yearOf = (raw: unknown): number | undefined =>
  Either.getOrUndefined(Schema.decodeUnknownEither(YearQuery)(raw, { onExcessProperty: "ignore" }))?.year

/** A tax year and its locks with their totals (404 for a year that does not exist). */
const locksOf = (year: number) =>
  Effect.gen(function* () {
    const taxYear = yield* (yield* TaxYears).getByYear(year)
    return { taxYear, locks: yield* (yield* Locks).listWithTotals(taxYear.id) }
  })

/**
 * "Låse" (staff-web.md §13): the locks of a year with their totals [lock.view], "Opret ny lås" with its two dialogs
 * [lock.change] (the outstanding-amount rule is core's and is checked again when the POST closes the lock), and the
 * lock detail with its XLSX export [lock.view].
 */
export const lockRoutes = (app: AppContext) => {
  const router = new Router()
  const fmt = makeFormat(app.settings.timezone)
  const view = requirePermission("lock.view")
  const change = requirePermission("lock.change")
  const canCreate = (ctx: Context) => hasPermission(ctx.state.user, "lock.change")

  router.get("/lock/", view, async (ctx) => {
    const years = await app.run(
      ctx,
      Effect.flatMap(TaxYears, (t) => t.list())
    )
    const chosen =
      yearOf(ctx.query) ??
      defaultYear(
        years.map((y) => y.year),
        currentYear(app.settings.timezone)
      )
    if (chosen === undefined) {
      return ctx.render("lock/list", listView([], 0, [], fmt, false, takeFlash(ctx)))
    }
    const { locks } = await app.run(ctx, locksOf(chosen))
    await ctx.render("lock/list", listView(years, chosen, locks, fmt, canCreate(ctx), takeFlash(ctx)))
  })

  router.get("/lock/rows/", view, async (ctx) => {
    const year = yearOf(ctx.query)
    if (year === undefined) throw new HttpError(404)
    const { locks } = await app.run(ctx, locksOf(year))
    await ctx.render("lock/rows", rowsView(year, locks, fmt, canCreate(ctx)))
  })

  const renderDialog = async (ctx: Context, year: number, refusal?: string) => {
    const { locks } = await app.run(ctx, locksOf(year))
    const open = locks.find((l) => l.isOpen)
    const modal = Boolean(ctx.get("HX-Request")) && refusal === undefined
    ctx.vary("HX-Request")
    const dialog = createDialogView(year, open, modal, refusal)
    if (modal) return ctx.render("lock/_createDialog", dialog)
    await ctx.render("lock/create", dialog, refusal === undefined ? undefined : 400)
  }

  router.get("/lock/create/", change, async (ctx) => {
    const year = yearOf(ctx.query)
    if (year === undefined) throw new HttpError(404)
    await renderDialog(ctx, year)
  })

  router.post("/lock/create/", change, async (ctx) => {
    const year = yearOf(ctx.request.body ?? {})
    if (year === undefined) throw new HttpError(404)
    const closed = await app.run(
      ctx,
      Effect.gen(function* () {
        const taxYears = yield* TaxYears
        const taxYear = yield* taxYears.getByYear(year)
        return yield* taxYears.closeLock(taxYear.id).pipe(
          Effect.map((lock) => Either.right(lock) as Either.Either<typeof lock, string>),
          Effect.catchTag("DomainRuleError", (e) => Effect.succeed(Either.left(e.message)))
        )
      })
    )
    if (Either.isLeft(closed)) return renderDialog(ctx, year, closed.left)
    setFlash(ctx, `Ny lås for ${year} oprettet fra ${fmt.date(closed.right.interval_from)}`)
    ctx.redirect(`/lock/?year=${year}`)
  })

  router.get("/lock/:pk/", view, async (ctx) => {
    const { pk } = decodeParams(Pk, ctx.params)
    const requested =
      Either.getOrUndefined(Schema.decodeUnknownEither(PageQuery)(ctx.query, { onExcessProperty: "ignore" }))?.page ?? 1
    const data = await app.run(
      ctx,
      Effect.gen(function* () {
        const locks = yield* Locks
        const lock = yield* locks.totals(pk)
        const found = yield* locks.statementPage(pk, requestedPage(requested))
        const paging = pagingOf(requested, found.total)
        // A page past the end shows the last one.
        const rows =
          found.rows.length > 0 || found.total === 0 ? found.rows : (yield* locks.statementPage(pk, paging)).rows
        return { lock, rows, paging }
      })
    )
    await ctx.render("lock/detail", detailView(data.lock, data.rows, data.paging, fmt))
  })

  router.get("/lock/:pk/excel/", view, async (ctx) => {
    const { pk } = decodeParams(Pk, ctx.params)
    const lock = await app.run(
      ctx,
      Effect.flatMap(Locks, (l) => l.totals(pk))
    )
    sendXlsx(app, ctx, {
      filename: `laas_${lock.year}_${lock.id}.xlsx`,
      sheet: `Lås for ${lock.year}`,
      headers: excelHeaders,
      rows: Stream.unwrap(Effect.map(Locks, (l) => l.statementStream(pk).pipe(Stream.map((r) => excelRow(fmt, r)))))
    })
  })
  return router
}
