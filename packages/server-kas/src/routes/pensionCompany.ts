import Router from "@koa/router"
import { Companies, CompanyMerge, Rest } from "@kas/core"
import { contentDisposition } from "@kas/core/web"
import { JobStore } from "@kas/jobs"
import { Effect, Either, Schema } from "effect"
import type { Context } from "koa"
import { MergeCompaniesJob } from "../jobs/companyJobs.js"
import type { AppContext } from "../web/AppContext.js"
import { setFlash, takeFlash } from "../web/Flash.js"
import { PAGE_SIZE } from "../web/Paging.js"
import { decodeParams, PathId } from "../web/Params.js"
import { hasPermission, requirePermission } from "../web/StaffAuth.js"
import { uploadsOf } from "../web/Uploads.js"
import {
  editFormOf,
  editView,
  listView,
  loadList,
  type MergeForm,
  mergeMessages,
  parseEditForm,
  parseListQuery,
  parseMergeForm,
  rowsView
} from "./pensionCompanyViewModel.js"

const Pk = Schema.Struct({ pk: PathId })
const Last = Schema.Struct({ last: PathId })

/**
 * Pension companies (staff-web.md §14) [pensioncompany.change]: the list (live search, agreement filter, infinite
 * scroll, policy counts) with the merge form that starts "Flet pensionsselskaber", the edit form with the agreement
 * file, and the agreement download.
 */
export const pensionCompanyRoutes = (app: AppContext) => {
  const router = new Router()
  const change = requirePermission("pensioncompany.change")

  const renderList = async (ctx: Context, merge?: MergeForm, error?: string) => {
    const query = parseListQuery(ctx.query)
    const data = await app.run(ctx, loadList(query, merge?.toBeMerged))
    const view = listView(data, query, merge, error)
    // htmx asks for the rows only (search as you type, the filter); a history restore or a plain request: the page.
    ctx.vary("HX-Request")
    if (ctx.get("HX-Request") && !ctx.get("HX-History-Restore-Request")) return ctx.render("pensioncompany/rows", view)
    await ctx.render("pensioncompany/list", { ...view, flash: takeFlash(ctx) }, error === undefined ? undefined : 400)
  }

  router.get("/pensioncompany/", change, (ctx) => renderList(ctx))

  // "Flet": checked here (the target chosen, the merge's own rules of CompanyMerge), then started as a job.
  router.post("/pensioncompany/", change, async (ctx) => {
    const merge = parseMergeForm((ctx.request.body ?? {}) as Record<string, unknown>)
    if (merge.target === undefined) return renderList(ctx, merge, mergeMessages.target)
    const input = { target: merge.target, toBeMerged: merge.toBeMerged }
    const refused = await app.run(
      ctx,
      Effect.flatMap(CompanyMerge, (m) => m.check(input)).pipe(
        Effect.as<string | undefined>(undefined),
        Effect.catchTags({
          DomainRuleError: (e) => Effect.succeed(e.message),
          NotFound: (e) => Effect.succeed(e.message)
        })
      )
    )
    if (refused !== undefined) return renderList(ctx, merge, refused)
    const user = ctx.state.user!
    const jobId = await app.run(
      ctx,
      Effect.flatMap(JobStore, (s) =>
        s.submit(
          MergeCompaniesJob,
          { target: input.target, to_be_merged: input.toBeMerged },
          { createdBy: user.username }
        )
      )
    )
    if (hasPermission(user, "job.view")) return ctx.redirect(`/worker/job/${jobId}/`)
    setFlash(ctx, "Fletningen af pensionsselskaberne er startet.")
    ctx.redirect("/pensioncompany/")
  })

  // Infinite scroll: the next rows after the last one shown, with the same filters.
  router.get("/pensioncompany/rows/:last/", change, async (ctx) => {
    const { last } = decodeParams(Last, ctx.params)
    const query = parseListQuery(ctx.query)
    const rows = await app.run(
      ctx,
      Effect.flatMap(Companies, (c) =>
        c.listPage({ search: query.search, agreement: query.agreement, after: last, limit: PAGE_SIZE })
      )
    )
    await ctx.render("pensioncompany/rows", rowsView(rows, query, new Set()))
  })

  const company = (ctx: Context) => {
    const { pk } = decodeParams(Pk, ctx.params)
    return app.run(
      ctx,
      Effect.flatMap(Companies, (c) => c.get(pk))
    )
  }

  router.get("/pensioncompany/:pk/edit/", change, async (ctx) => {
    const c = await company(ctx)
    await ctx.render("pensioncompany/edit", editView(c, editFormOf(c), {}, takeFlash(ctx)))
  })

  router.post("/pensioncompany/:pk/edit/", change, async (ctx) => {
    const c = await company(ctx)
    const { form, edit } = parseEditForm((ctx.request.body ?? {}) as Record<string, unknown>)
    const file = uploadsOf(ctx).find((f) => f.field === "agreement")
    // Every rule's message at once: the fields' (`Companies.problems`) and the file's (`Rest.Uploads`).
    const errors: Record<string, string> = {
      ...(await app.run(
        ctx,
        Effect.flatMap(Companies, (s) => s.problems(c.id, edit))
      ))
    }
    if (file !== undefined) {
      const problem = Rest.Uploads.checkAgreementUpload({
        name: file.filename,
        content: file.content,
        truncated: file.truncated
      })
      if (problem !== null) errors.agreement = problem
    }
    const saved =
      Object.keys(errors).length > 0
        ? Either.left(errors)
        : await app.run(
            ctx,
            Effect.flatMap(Companies, (s) =>
              s.update(
                c.id,
                edit,
                file === undefined
                  ? undefined
                  : { name: Rest.Uploads.safeFileName(file.filename), content: new Uint8Array(file.content) }
              )
            ).pipe(
              Effect.map((saved) => Either.right(saved)),
              Effect.catchTag("CompanyEditInvalid", (e) => Effect.succeed(Either.left(e.problems)))
            )
          )
    if (Either.isLeft(saved)) return ctx.render("pensioncompany/edit", editView(c, form, saved.left), 400)
    setFlash(ctx, `Pensionsselskabet ${saved.right.name ?? ""} blev opdateret.`)
    ctx.redirect(`/pensioncompany/${c.id}/edit/`)
  })

  router.get("/pensioncompany/:pk/agreement/", change, async (ctx) => {
    const { pk } = decodeParams(Pk, ctx.params)
    const file = await app.run(
      ctx,
      Effect.flatMap(Companies, (c) => c.agreementFile(pk))
    )
    ctx.type = file.contentType
    ctx.set("Content-Disposition", contentDisposition("attachment", file.name))
    ctx.set("Cache-Control", "no-store")
    ctx.body = Buffer.from(file.content)
  })

  return router
}
