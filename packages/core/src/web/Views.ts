import ejs from "ejs"
import type { Context, Middleware } from "koa"
import { existsSync, readFileSync } from "node:fs"
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
  const globals = options.globals ?? {}
  return async (ctx, next) => {
    ctx.render = async (view, data = {}, status) => {
      // The globals, then the state, then the page's data, then ctx (as `{ ...globals, ...state, ...data, ctx }`, which
      // cost several times more: the state has an accessor, csrfToken, and object spread has no fast path for that).
      const locals: Record<string, unknown> = Object.assign({}, globals)
      const state = ctx.state as Record<string, unknown>
      for (const key of Object.keys(state)) locals[key] = state[key]
      Object.assign(locals, data)
      locals.ctx = ctx
      const html = await renderView(dirs, view, locals, options.cache)
      ctx.type = "text/html; charset=utf-8" // first, so that setting the body does not look for a type of its own
      ctx.body = html
      if (status) ctx.status = status
    }
    await next()
  }
}

/** Renders a view to a string (used by the error pages and by job result templates). */
export const renderView = async (
  dirs: ReadonlyArray<string>,
  view: string,
  data: Record<string, unknown>,
  cache = true
): Promise<string> => runTemplate(dirs, resolveView(dirs, view, cache), data, cache)

/** A template compiled in EJS's "client" form: the include function is ours to give. */
type Template = (
  locals: Record<string, unknown>,
  escapeHtml: (s: unknown) => string,
  include: (path: string, data?: Record<string, unknown>) => string
) => string

/**
 * Runs a template with `include` resolved by us: EJS's own include looks each included file up on disk (existsSync) and
 * copies all the page's data for every include on every render; here an include is resolved once (with caching on) and
 * gets the page's data itself, or a copy with the include's own data over it, as in EJS.
 */
const runTemplate = (
  dirs: ReadonlyArray<string>,
  file: string,
  data: Record<string, unknown>,
  cache: boolean
): string =>
  compiledTemplate(dirs, file, cache)(data, ejs.escapeXML, (included, extra) =>
    runTemplate(dirs, resolveInclude(dirs, file, included, cache), extra ? { ...data, ...extra } : data, cache)
  )

const templates = new Map<string, Template>()
const compiledTemplate = (dirs: ReadonlyArray<string>, file: string, cache: boolean): Template => {
  const hit = cache ? templates.get(file) : undefined
  if (hit) return hit
  const template = compileTemplate(readFileSync(file, "utf8"), file, dirs)
  if (cache) templates.set(file, template)
  return template
}

/**
 * Compiles without EJS's `with (locals)`, which makes every name in a template a slow dynamic lookup (about half the
 * time of the overview page): the names the template's code uses are declared from the data instead (`var t =
 * locals.t`, undefined when absent, as `with` gives), except JavaScript's own globals. Should a template not compile
 * that way, it is compiled with `with`, as EJS does by default.
 */
const compileTemplate = (source: string, file: string, dirs: ReadonlyArray<string>): Template => {
  const options = { client: true, filename: file, views: [...dirs], async: false, rmWhitespace: false }
  try {
    return ejs.compile(source, {
      ...options,
      _with: false,
      destructuredLocals: localNames(source)
    }) as unknown as Template
  } catch {
    return ejs.compile(source, options) as unknown as Template
  }
}

const NOT_LOCALS = new Set(
  (
    "break case catch class const continue debugger default delete do else enum export extends false finally for " +
    "function if import in instanceof new null return super switch this throw true try typeof var void while with " +
    "yield let static await of undefined arguments implements interface package private protected public eval " +
    "locals include escapeFn rethrow __output __append __line __lines __filename __locals"
  ).split(" ")
)

/**
 * The names a template's code may read from its data: every identifier in its tags that is not a property name, a
 * keyword or one of JavaScript's globals (a superset: a name the template declares itself shadows its copy, one in a
 * string is merely unused; a clash, such as a top-level `const`, makes the compile fall back to `with`).
 */
const localNames = (source: string): Array<string> => {
  const code = [...source.matchAll(/<%[-=_]?([\s\S]*?)[-_]?%>/g)].map((m) => m[1]).join("\n")
  const names = new Set([...code.matchAll(/(?<![.\w$])[A-Za-z_$][\w$]*/g)].map((m) => m[0]))
  return [...names].filter((n) => !NOT_LOCALS.has(n) && !(n in globalThis))
}

// Where an include of a file was found (EJS's rules: relative to the including file, else in the view directories).
const includes = new Map<string, string>()
const resolveInclude = (dirs: ReadonlyArray<string>, from: string, included: string, cache: boolean): string => {
  const key = `${from}\0${included}`
  const hit = cache ? includes.get(key) : undefined
  if (hit) return hit
  const name = path.extname(included) ? included : `${included}.ejs`
  const relative = path.resolve(path.dirname(from), name)
  const found = existsSync(relative) ? relative : findView(dirs, name)
  if (cache) includes.set(key, found)
  return found
}

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
