/** The citizen portal's texts in Danish and Greenlandic (selvbetjening.md §12): one catalogue per language. */
import { da, type MessageKey } from "./da.js"
import { kl } from "./kl.js"

export { da, type MessageKey } from "./da.js"
export { kl } from "./kl.js"

/** The portal's languages. */
export type Language = "da" | "kl"

/** The cookie shared with the Sullissivik portal. */
export const LANGUAGE_COOKIE = "Sullissivik.Portal.Lang"

/** The language of a cookie value: `kl`/`kl-GL` → Greenlandic, anything else → Danish. */
export const languageOf = (cookie: string | undefined | null): Language => {
  const v = (cookie ?? "").trim().toLowerCase()
  return v === "kl" || v === "kl-gl" ? "kl" : "da"
}

/** The cookie value the portal writes for a language. */
export const cookieValueOf = (lang: Language): string => (lang === "kl" ? "kl-GL" : "da-DK")

/** A translator: the text of `key` in `lang` (Danish when there is no Greenlandic text), with `{param}`s filled in. */
export type Translate = (key: MessageKey, params?: Record<string, string | number>) => string

/** The translator of a language. */
export const translator =
  (lang: Language): Translate =>
  (key, params) => {
    const text = (lang === "kl" ? kl[key] : undefined) ?? da[key]
    return params ? text.replace(/\{(\w+)\}/g, (m, p: string) => (p in params ? String(params[p]) : m)) : text
  }

/** Whole kroner with "." as thousands separator (selvbetjening.md §12). */
export const formatAmount = (n: number | null | undefined): string =>
  n === null || n === undefined
    ? ""
    : (n < 0 ? "-" : "") + String(Math.abs(Math.trunc(n))).replace(/\B(?=(\d{3})+(?!\d))/g, ".")
