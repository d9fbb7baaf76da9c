import { Cause, Option } from "effect"
import type { Context as KoaContext } from "koa"
import { HttpError } from "./HttpError.js"

/** What a server answers for one kind of typed failure: a status and the page or JSON body that goes with it. */
export interface ErrorAnswer<E> {
  readonly status: number
  /** The error page's message, or the JSON `detail` under an API prefix. Default: the status's own text. */
  readonly message?: (error: E, ctx: KoaContext) => string
  /** Another view than `error`, with its data (e.g. a message page in the citizen's language). */
  readonly page?: { readonly view: string; readonly data: (error: E, ctx: KoaContext) => Record<string, unknown> }
  /** A JSON body sent as it is (REST answers) instead of a page. */
  readonly body?: (error: E, ctx: KoaContext) => unknown
}

/** A failure with a tag (`Schema.TaggedError`, `Data.TaggedError`). */
export interface Tagged {
  readonly _tag: string
}

/**
 * One server's table of typed failures: error `_tag` → answer. Domain and service errors carry no HTTP details; the
 * edge chooses them here. A failure whose tag is not in the table, and every defect, is a 500 that exposes nothing.
 */
export type ErrorTable<E extends Tagged> = {
  readonly [K in E["_tag"]]?: ErrorAnswer<Extract<E, { readonly _tag: K }>>
}

/** Any server's table, as the runner reads it. */
export type AnyErrorTable = { readonly [tag: string]: ErrorAnswer<never> | undefined }

/** Declares a server's table for the failures `E` (a union of error classes); each entry is typed by its class. */
export const errorTable =
  <E extends Tagged>() =>
  <const T extends ErrorTable<E>>(table: T): T =>
    table

const isTagged = (u: unknown): u is Tagged =>
  typeof u === "object" && u !== null && typeof (u as { _tag?: unknown })._tag === "string"

/**
 * The HTTP error for a failed route effect: the table's answer for a typed failure, else a 500. Answers of 500 and
 * above, and every failure not in the table, are logged with `Cause.pretty`.
 */
export const httpErrorOf = <E>(
  table: AnyErrorTable,
  cause: Cause.Cause<E>,
  ctx: KoaContext,
  log: (message: string) => void
): HttpError => {
  const failure = Cause.failureOption(cause)
  const error = Option.getOrUndefined(failure)
  const answer = isTagged(error) ? table[error._tag] : undefined
  if (answer === undefined || answer.status >= 500) log(`${ctx.method} ${ctx.path}: ${Cause.pretty(cause)}`)
  if (answer === undefined) return new HttpError(500)
  const e = error as never
  return new HttpError(answer.status, answer.message?.(e, ctx), {
    ...(answer.body ? { body: answer.body(e, ctx) } : {}),
    ...(answer.page ? { page: { view: answer.page.view, data: answer.page.data(e, ctx) } } : {})
  })
}
