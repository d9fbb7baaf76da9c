import { I18n, type Rest } from "@kas/core"
import { errorTable } from "@kas/core/web"

const genericPage = (ctx: { readonly state: { readonly t?: I18n.Translate } }) => {
  const text = (ctx.state.t ?? I18n.translator("da"))("genericError")
  return { title: text, text }
}

/**
 * Selvbetjening's one table of typed failures (error `_tag` → status and page); what is not here is a 500 that
 * exposes nothing. The back office being unusable is the generic error page of selvbetjening.md §7.5.
 */
export const selvbetjeningErrors = errorTable<Rest.RestError>()({
  RestError: { status: 502, page: { view: "message", data: (_, ctx) => genericPage(ctx) } }
})
