import Router from "@koa/router"
import { Notes } from "@kas/core"
import { contentDisposition } from "@kas/core/web"
import { Effect, Schema } from "effect"
import type { Context } from "koa"
import type { AppContext } from "../web/AppContext.js"
import { setFlash } from "../web/Flash.js"
import { makeFormat } from "../web/Format.js"
import { decodeParams, PathId } from "../web/Params.js"
import { hasPermission, requirePermission } from "../web/StaffAuth.js"
import { uploadsOf } from "../web/Uploads.js"
import {
  addView,
  backOf,
  loadNote,
  loadTarget,
  type NotesTarget,
  noteEditView,
  notesForm,
  parseNoteEdit,
  parseNotesForm
} from "./notesViewModel.js"
import { personYearPath } from "./personYear.js"

const Pk = Schema.Struct({ pk: PathId })

/** Notes and attachments (staff-web.md §7): add at person-year and policy level, edit a note, download a file. */
export const notesRoutes = (app: AppContext) => {
  const router = new Router()
  const fmt = makeFormat(app.settings.timezone)
  const add = requirePermission("note.add", "document.add")

  /** The date field is offered at policy level to users with policy.change. */
  const withDate = (ctx: Context, target: NotesTarget) =>
    target.kind === "policy" && hasPermission(ctx.state.user, "policy.change")

  const addPage = (kind: NotesTarget["kind"]) => {
    const target = (ctx: Context): NotesTarget => ({ kind, id: decodeParams(Pk, ctx.params).pk })
    return {
      get: async (ctx: Context) => {
        const t = target(ctx)
        const d = await app.run(ctx, loadTarget(t))
        await ctx.render("notes/add", addView(d, fmt, withDate(ctx, t), notesForm(d), {}))
      },
      post: async (ctx: Context) => {
        const t = target(ctx)
        const d = await app.run(ctx, loadTarget(t))
        const dated = withDate(ctx, t)
        const input = parseNotesForm(d, (ctx.request.body ?? {}) as Record<string, unknown>, uploadsOf(ctx), dated)
        if (!input.valid)
          return ctx.render("notes/add", addView(d, fmt, dated, input.form, input.errors, input.error), 400)
        const user = ctx.state.user!
        await app.run(
          ctx,
          Effect.flatMap(Notes, (n) =>
            n.addNotesAttachments(
              { person_tax_year_id: d.personYear.id, policy_tax_year_id: d.policy?.id ?? null },
              input.values,
              { id: user.id, username: user.username }
            )
          )
        )
        setFlash(ctx, "Bilag og notater er gemt")
        ctx.redirect(backOf(d))
      }
    }
  }
  const person = addPage("person")
  const policy = addPage("policy")
  router.get("/person/:pk/add/notes-attachments/", add, person.get)
  router.post("/person/:pk/add/notes-attachments/", add, person.post)
  router.get("/policy/:pk/add/notes-attachments/", add, policy.get)
  router.post("/policy/:pk/add/notes-attachments/", add, policy.post)

  const change = requirePermission("note.change")
  router.get("/note/:pk/", change, async (ctx) => {
    const d = await app.run(ctx, loadNote(decodeParams(Pk, ctx.params).pk))
    await ctx.render("notes/edit", noteEditView(d, fmt, d.note.content, {}))
  })
  router.post("/note/:pk/", change, async (ctx) => {
    const d = await app.run(ctx, loadNote(decodeParams(Pk, ctx.params).pk))
    const input = parseNoteEdit((ctx.request.body ?? {}) as Record<string, unknown>)
    if (!input.valid) return ctx.render("notes/edit", noteEditView(d, fmt, input.content, input.errors), 400)
    const user = ctx.state.user!
    await app.run(
      ctx,
      Effect.flatMap(Notes, (n) => n.editNote(d.note.id, user.id, input.content, user.username))
    )
    setFlash(ctx, "Notatet er gemt")
    ctx.redirect(personYearPath(d.taxYear.year, d.person.id))
  })

  // The file with its original name and the type it was stored with (a download, never shown inline).
  router.get("/policy_document/:pk/", requirePermission("document.view"), async (ctx) => {
    const { document, file } = await app.run(
      ctx,
      Effect.flatMap(Notes, (n) => n.documentFile(decodeParams(Pk, ctx.params).pk))
    )
    ctx.type = file.contentType
    ctx.set("Content-Disposition", contentDisposition("attachment", document.name))
    ctx.set("Cache-Control", "private, no-store")
    ctx.body = Buffer.from(file.content)
  })
  return router
}
