import Router from "@koa/router"
import { DomainRuleError, Prisme10QBatches, PrismeDestination } from "@kas/core"
import { contentDisposition } from "@kas/core/web"
import { JobStore } from "@kas/jobs"
import { Effect, Schema, Stream } from "effect"
import type { Context } from "koa"
import { Readable } from "node:stream"
import type { ReadableStream as WebReadableStream } from "node:stream/web"
import { startSendBatch } from "../jobs/prismeJobs.js"
import type { AppContext } from "../web/AppContext.js"
import { makeFormat } from "../web/Format.js"
import { pagingOf, requestedPage } from "../web/Paging.js"
import { decodeParams, PathId } from "../web/Params.js"
import { hasPermission, requirePermission } from "../web/StaffAuth.js"
import { BATCH_PAGE_SIZE, batchRow, batchView, notSendableMessage, sendable } from "./prismeViewModel.js"

const BatchParams = Schema.Struct({ pk: PathId })

const pageOf = (ctx: Context) => {
  const n = Number(ctx.query.page)
  return Number.isInteger(n) && n > 0 ? n : 1
}

/**
 * The Prisme 10Q batch pages (staff-web.md §12): the list, a batch with its progress bars and active transactions,
 * the file download, and the send page that starts "Sender et Q10 batch" for a destination this environment allows.
 */
export const prismeRoutes = (app: AppContext) => {
  const router = new Router({ prefix: "/prisme/batch" })
  const fmt = makeFormat(app.settings.timezone)
  const view = requirePermission("batch.view")
  const send = requirePermission("batch.view", "batch.send")
  const limit = app.settings.transactionIndifferenceLimit
  const destinations = PrismeDestination.allowedIn(app.settings.environment)

  router.get("/", view, async (ctx) => {
    const requested = pageOf(ctx)
    const found = await app.run(
      ctx,
      Effect.flatMap(Prisme10QBatches, (b) => b.page(requestedPage(requested, BATCH_PAGE_SIZE)))
    )
    const paging = pagingOf(requested, found.total, BATCH_PAGE_SIZE)
    await ctx.render("prisme/list", {
      title: "Prisme-overførsler",
      rows: found.rows.map((b) => batchRow(fmt, b)),
      paging,
      pageHref: (p: number) => `/prisme/batch/?page=${p}`
    })
  })

  router.get("/:pk/", view, async (ctx) => {
    const { pk } = decodeParams(BatchParams, ctx.params)
    const requested = pageOf(ctx)
    const { batch, transactions, jobs } = await app.run(
      ctx,
      Effect.gen(function* () {
        const batches = yield* Prisme10QBatches
        const batch = yield* batches.detail(pk)
        const transactions = yield* batches.activePage(pk, {
          ...requestedPage(requested, BATCH_PAGE_SIZE),
          indifferenceLimit: limit
        })
        const jobs = yield* (yield* JobStore).unfinishedOfType("SendBatch", { pk })
        return { batch, transactions, jobs }
      })
    )
    const paging = pagingOf(requested, transactions.total, BATCH_PAGE_SIZE)
    await ctx.render(
      "prisme/batch",
      batchView(fmt, batch, { rows: transactions.rows, paging }, jobs, hasPermission(ctx.state.user, "batch.send"))
    )
  })

  router.get("/:pk/download", view, async (ctx) => {
    const { pk } = decodeParams(BatchParams, ctx.params)
    const batch = await app.run(
      ctx,
      Effect.flatMap(Prisme10QBatches, (b) => b.detail(pk))
    )
    const stream = Stream.unwrap(Effect.map(Prisme10QBatches, (b) => b.contentStream(pk, { indifferenceLimit: limit })))
    ctx.status = 200
    ctx.type = "text/plain; charset=utf-8"
    ctx.set(
      "Content-Disposition",
      contentDisposition(
        "attachment",
        PrismeDestination.downloadFileName(batch.id, batch.created, app.settings.timezone)
      )
    )
    ctx.set("Cache-Control", "no-store")
    const runtime = await app.runtime.runtime()
    ctx.body = Readable.fromWeb(Stream.toReadableStreamRuntime(stream, runtime) as WebReadableStream<Uint8Array>)
  })

  const sendPage = (pk: number) =>
    Effect.gen(function* () {
      const batch = yield* (yield* Prisme10QBatches).detail(pk)
      if (!sendable(batch.status)) {
        return yield* Effect.fail(
          new DomainRuleError({ rule: "batch-status", message: notSendableMessage(batch.status) })
        )
      }
      return batch
    })

  router.get("/:pk/send", send, async (ctx) => {
    const { pk } = decodeParams(BatchParams, ctx.params)
    const batch = await app.run(ctx, sendPage(pk))
    await ctx.render("prisme/send", {
      title: "Send til Prisme",
      batch: batchRow(fmt, batch),
      destinations,
      value: destinations[0]?.value ?? "",
      error: undefined
    })
  })

  router.post("/:pk/send", send, async (ctx) => {
    const { pk } = decodeParams(BatchParams, ctx.params)
    const batch = await app.run(ctx, sendPage(pk))
    const destination = String((ctx.request.body as Record<string, unknown> | undefined)?.destination ?? "")
    if (!destinations.some((d) => d.value === destination)) {
      return ctx.render(
        "prisme/send",
        {
          title: "Send til Prisme",
          batch: batchRow(fmt, batch),
          destinations,
          value: destination,
          error: "Vælg en af de tilladte destinationer"
        },
        400
      )
    }
    await app.run(
      ctx,
      startSendBatch({
        batchId: pk,
        destination,
        environment: app.settings.environment,
        createdBy: ctx.state.user!.username
      })
    )
    ctx.redirect(`/prisme/batch/${pk}/`)
  })

  return router
}
