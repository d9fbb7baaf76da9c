import Router from "@koa/router"
import { HttpError, type UploadedFile } from "@kas/core/web"
import { isEnded, JobStore, type JobRecord, Params } from "@kas/jobs"
import { Effect } from "effect"
import type { Context } from "koa"
import { danishErrors, uploadMessage } from "../jobs/fieldErrors.js"
import { findType, type KasJobType, typesFor } from "../jobs/registry.js"
import type { AppContext } from "../web/AppContext.js"
import { hasPermission, requirePermission } from "../web/StaffAuth.js"
import { dateTimeFormatter, durationOf, rowOf, statusLabels } from "./workerViewModel.js"

const PAGE = 10

/** The job pages (jobs.md §6): list with infinite scroll, start form per type, live detail page. */
export const workerRoutes = (app: AppContext) => {
  const router = new Router({ prefix: "/worker" })
  const environment = app.settings.environment
  const formatDate = dateTimeFormatter(app.settings.timezone)
  const view = requirePermission("job.view")
  const add = requirePermission("job.view", "job.add")

  const rows = (jobs: ReadonlyArray<JobRecord>) =>
    Effect.gen(function* () {
      const store = yield* JobStore
      const active = yield* store.withActiveChildren(jobs.map((j) => j.id))
      return jobs.map((j) => rowOf(j, findType(environment, j.type), active.has(j.id), formatDate))
    })

  router.get("/", view, (ctx) => ctx.redirect("/worker/jobs/"))

  router.get("/jobs/", view, async (ctx) => {
    const list = await app.run(
      ctx,
      Effect.flatMap(JobStore, (s) => s.listTopLevel({ limit: PAGE })).pipe(Effect.flatMap(rows))
    )
    await ctx.render("worker/jobs", { title: "Jobadministration", rows: list, page: PAGE })
  })

  router.get("/joblist/:last/", view, async (ctx) => {
    const list = await app.run(
      ctx,
      Effect.flatMap(JobStore, (s) => s.listTopLevel({ limit: PAGE, before: ctx.params.last })).pipe(
        Effect.flatMap(rows)
      )
    )
    await ctx.render("worker/rows", { rows: list, page: PAGE })
  })

  const detail = (id: string) =>
    Effect.gen(function* () {
      const store = yield* JobStore
      const job = yield* store.get(id)
      const children = yield* store.children(job.id)
      const childRows = yield* rows(children)
      return { job, children, childRows }
    })

  router.get("/job/:id/", view, async (ctx) => {
    const { job, childRows } = await app.run(ctx, detail(ctx.params.id))
    const type = findType(environment, job.type)
    await ctx.render("worker/job", {
      title: "Job",
      job,
      type,
      row: rowOf(
        job,
        type,
        childRows.some((c) => !c.ended),
        formatDate
      ),
      children: childRows,
      live: !isEnded(job.status) || childRows.some((c) => !c.ended),
      startedAt: formatDate(job.startedAt),
      duration: durationOf(job),
      argumentsJson: JSON.stringify(job.arguments, null, 2),
      result: (job.result ?? {}) as Record<string, unknown>,
      // Cancelling needs the permission to start jobs (jobs.md is silent; decision).
      canCancel: !isEnded(job.status) && hasPermission(ctx.state.user, "job.view", "job.add")
    })
  })

  // Cancels a queued, deferred or running job and its unfinished children; a running one is interrupted by its worker.
  router.post("/job/:id/cancel/", add, async (ctx) => {
    const username = ctx.state.user!.username
    const changed = await app.run(
      ctx,
      Effect.flatMap(JobStore, (s) => s.cancel(ctx.params.id, `Annulleret af ${username}`))
    )
    if (!changed) throw new HttpError(409, "Jobbet er allerede afsluttet og kan ikke annulleres")
    ctx.redirect(`/worker/job/${ctx.params.id}/`)
  })

  // The live part of the detail page: htmx polls it every 2 s while the job (or a child) runs.
  router.get("/job/:id/progress/", view, async (ctx) => {
    const { job, childRows } = await app.run(ctx, detail(ctx.params.id))
    const live = !isEnded(job.status) || childRows.some((c) => !c.ended)
    // When it has just ended, reload the page once to show the summary and failure.
    if (!live && ctx.query.live === "1") ctx.set("HX-Refresh", "true")
    await ctx.render("worker/progress", {
      job,
      row: rowOf(
        job,
        findType(environment, job.type),
        childRows.some((c) => !c.ended),
        formatDate
      ),
      children: childRows,
      live,
      startedAt: formatDate(job.startedAt),
      duration: durationOf(job)
    })
  })

  router.get("/job/:id/status", view, async (ctx) => {
    const { job, children } = await app.run(ctx, detail(ctx.params.id))
    ctx.body = {
      status: job.status,
      status_label: statusLabels[job.status],
      progress: job.progress,
      current_count: job.currentCount,
      total_count: job.totalCount,
      end_at: job.endedAt?.toISOString() ?? null,
      children: children.map((c) => ({ uuid: c.id, title: c.title ?? c.type, status: c.status, progress: c.progress }))
    }
  })

  const offered = () => typesFor(environment).filter((t) => t.inDropdown)

  router.get("/jobtypeselect/", add, async (ctx) => {
    await ctx.render("worker/typeselect", { title: "Start nyt job", types: offered(), error: undefined })
  })

  router.post("/jobtypeselect/", add, async (ctx) => {
    const key = String((ctx.request.body as Record<string, unknown> | undefined)?.job_type ?? "")
    if (!offered().some((t) => t.job.key === key)) {
      return ctx.render(
        "worker/typeselect",
        { title: "Start nyt job", types: offered(), error: "Vælg en jobtype" },
        400
      )
    }
    ctx.redirect(`/worker/jobstart/${encodeURIComponent(key)}/`)
  })

  const startable = (ctx: Context) => {
    const type = offered().find((t) => t.job.key === ctx.params.key)
    if (!type) throw new HttpError(404)
    return type
  }

  /** The options of the type's row fields (companies, tax years), shown as selects. */
  const choicesOf = async (ctx: Context, type: KasJobType) =>
    type.fieldChoices === undefined ? {} : await app.run(ctx, type.fieldChoices)

  router.get("/jobstart/:key/", add, async (ctx) => {
    const type = startable(ctx)
    const values = Object.fromEntries(type.job.fields.map((f) => [f.name, f.defaultValue ?? ""]))
    const fieldChoices = await choicesOf(ctx, type)
    await ctx.render("worker/start", { title: type.job.label, type, values, errors: {}, fieldChoices })
  })

  router.post("/jobstart/:key/", add, async (ctx) => {
    const type = startable(ctx)
    const body = (ctx.request.body ?? {}) as Record<string, unknown>
    const uploads = (ctx.state.uploads ?? []) as ReadonlyArray<UploadedFile>
    const input: Record<string, string> = {}
    const uploadErrors: Record<string, string> = {}
    const files: Array<{ readonly field: string; readonly upload: UploadedFile }> = []
    for (const f of type.job.fields) {
      const v = body[f.name]
      if (f.kind === "file") {
        const upload = uploads.find((u) => u.field === f.name)
        if (upload === undefined) {
          uploadErrors[f.name] = "Vælg en fil"
          continue
        }
        const problem = Params.uploadProblem(f, {
          filename: upload.filename,
          size: upload.content.length,
          truncated: upload.truncated
        })
        if (problem !== undefined) uploadErrors[f.name] = uploadMessage(problem, f)
        else files.push({ field: f.name, upload })
      } else if (typeof v === "string") input[f.name] = v
      else if (f.kind === "boolean") input[f.name] = "false"
    }
    const createdBy = ctx.state.user!.username
    const rerender = async (errors: Record<string, string>) =>
      ctx.render(
        "worker/start",
        { title: type.job.label, type, values: input, errors, fieldChoices: await choicesOf(ctx, type) },
        400
      )
    if (Object.keys(uploadErrors).length > 0) return rerender(uploadErrors)
    const invalid = await app.run(
      ctx,
      Effect.flatMap(JobStore, (s) =>
        s.transaction(
          Effect.gen(function* () {
            // An upload is stored with the job, in the same transaction: a refused job leaves no file behind.
            for (const { field, upload } of files) {
              if (!type.storeUpload) return yield* Effect.die(new Error(`${type.job.key} stores no uploads`))
              // A store that fails is the server's fault (500), not the form's.
              input[field] = yield* type
                .storeUpload({ filename: upload.filename, content: upload.content }, createdBy)
                .pipe(Effect.orDie)
            }
            return yield* s.submit(type.job, input, { createdBy, strings: true })
          })
        )
      ).pipe(
        Effect.as(undefined),
        Effect.catchTag("InvalidParams", (e) => Effect.succeed(e))
      )
    )
    if (invalid !== undefined) return rerender(danishErrors(type.job.fields, invalid.errors))
    ctx.redirect("/worker/jobs/")
  })

  return router
}
