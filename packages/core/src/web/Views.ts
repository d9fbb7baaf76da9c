import ejs from "ejs"
import type { Context, Middleware } from "koa"
import { existsSync } from "node:fs"
import path from "node:path"

declare module "koa" {
  interface ExtendableContext {
    /** Renders an EJS view with ctx.state merged into its data and sends it as HTML. */
    render(view: string, data?: Record<string, unknown>, status?: number): Promise<void>
  }
}

/**
 * Adds `ctx.render` rendering EJS views from `dirs` (the first that has the file wins, so a server's views can
 * override the shared ones). `globals` are available in every view.
 */
export const views = (options: {
  readonly dirs: ReadonlyArray<string>
  readonly cache: boolean
  readonly globals?: Record<string, unknown>
}): Middleware => {
  const dirs = options.dirs.map((d) => path.resolve(d))
  return async (ctx, next) => {
    ctx.render = async (view, data = {}, status) => {
      ctx.body = await renderView(dirs, view, { ...options.globals, ...ctx.state, ...data, ctx }, options.cache)
      ctx.type = "text/html; charset=utf-8"
      if (status) ctx.status = status
    }
    await next()
  }
}

/** Renders a view to a string (used by the error pages and by job result templates). */
export const renderView = (dirs: ReadonlyArray<string>, view: string, data: Record<string, unknown>, cache = true) =>
  ejs.renderFile(resolveView(dirs, view, cache), data, { cache, views: [...dirs], async: false, rmWhitespace: false })

// With caching on, where a view was found is remembered too (no file-system lookups per page).
const resolved = new Map<string, string>()
const resolveView = (dirs: ReadonlyArray<string>, view: string, cache: boolean): string => {
  const key = `${dirs.join("\0")}\0${view}`
  const hit = cache ? resolved.get(key) : undefined
  if (hit) return hit
  const found = findView(dirs, view)
  if (cache) resolved.set(key, found)
  return found
}

const findView = (dirs: ReadonlyArray<string>, view: string): string => {
  const file = view.endsWith(".ejs") ? view : `${view}.ejs`
  for (const d of dirs) {
    const candidate = path.join(d, file)
    if (existsSync(candidate)) return candidate
  }
  throw new Error(`View not found: ${view} (looked in ${dirs.join(", ")})`)
}

/** The type of the context routes get (for helpers that take a context). */
export type ViewContext = Context
