import type { Context } from "koa"

/** A message shown once on the next page (e.g. "Mandtal opdateret" after a redirect), kept in the session. */
export const setFlash = (ctx: Context, message: string): void => {
  ctx.session.data.flash = message
  ctx.session.changed()
}

/** The waiting message, removed from the session (the header shows it as `flash`). */
export const takeFlash = (ctx: Context): string | undefined => {
  const flash = ctx.session.data.flash
  if (typeof flash !== "string") return undefined
  delete ctx.session.data.flash
  ctx.session.changed()
  return flash
}
