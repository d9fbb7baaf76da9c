import { Rest } from "@kas/core"
import { isMultipart, parseMultipart, type UploadedFile } from "@kas/core/web"
import type { Context, Middleware } from "koa"

declare module "koa" {
  interface DefaultState {
    /** The files of a multipart staff form. */
    uploads?: ReadonlyArray<UploadedFile>
  }
}

/** The answer to a staff form with more files than `MAX_STAFF_FILES` (its file rows say the same). */
export const tooManyStaffFiles = `Højst ${Rest.Uploads.MAX_STAFF_FILES} filer ad gangen`

/**
 * Reads the files of a staff form (`multipart/form-data`) before the CSRF check, which needs the form's fields; only
 * for a session with a logged-in user (anonymous requests are not read). A file over the per-file limit is kept cut
 * and marked `truncated`, so the form can say it is too large (staff-web.md §7); a request over the total limit is a
 * 413, and so is a form with more than `MAX_STAFF_FILES` files. The fields become `ctx.request.body` (first value of
 * each), the files `uploadsOf(ctx)`.
 */
export const staffMultipart: Middleware = async (ctx, next) => {
  // A body another reader took (the job start form's, with its own limits) is left as it is.
  if (
    ctx.method === "POST" &&
    ctx.state.uploads === undefined &&
    isMultipart(ctx.req) &&
    typeof ctx.session.data.userId === "number"
  ) {
    const body = await parseMultipart(ctx.req, {
      maxFileBytes: Rest.Uploads.MAX_FILE_BYTES,
      maxTotalBytes: Rest.Uploads.MAX_REQUEST_BYTES,
      maxFiles: Rest.Uploads.MAX_STAFF_FILES,
      tooLargeMessage: Rest.Uploads.uploadMessages.requestTooLarge,
      tooManyFilesMessage: tooManyStaffFiles
    })
    ctx.request.body = Object.fromEntries(Object.entries(body.fields).map(([k, v]) => [k, v[0] ?? ""]))
    ctx.state.uploads = body.files
  }
  await next()
}

/** The files of the request's form (none unless it was multipart). */
export const uploadsOf = (ctx: Context): ReadonlyArray<UploadedFile> => ctx.state.uploads ?? []
