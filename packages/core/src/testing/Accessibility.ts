import { readFileSync } from "node:fs"
import { createRequire } from "node:module"
import type { BrowserContext, Page } from "playwright-core"

/** The axe-core rule tags the browser tests hold every page to: WCAG 2.0 and 2.1, levels A and AA. */
export const WCAG_TAGS: ReadonlyArray<string> = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

let source: string | undefined
const axeSource = () => (source ??= readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8"))

interface AxeResult {
  readonly violations: ReadonlyArray<{
    readonly id: string
    readonly impact: string | null
    readonly help: string
    readonly nodes: ReadonlyArray<{ readonly target: ReadonlyArray<unknown>; readonly failureSummary?: string }>
  }>
}

/** Every WCAG 2.1 A/AA violation axe-core finds on the page as it is now: one line per rule and element. */
export const violations = async (page: Page): Promise<ReadonlyArray<string>> => {
  // Runs in the page: `axe` and `document` are the page's globals.
  const result = await page.evaluate(
    (tags) => {
      type Axe = { run: (context: unknown, options: unknown) => Promise<AxeResult> }
      const page = globalThis as unknown as { axe: Axe; document: unknown }
      return page.axe.run(page.document, { runOnly: { type: "tag", values: tags }, resultTypes: ["violations"] })
    },
    [...WCAG_TAGS]
  )
  return result.violations.flatMap((v) =>
    v.nodes.map((n) => `${v.id} (${v.impact}): ${v.help} at ${JSON.stringify(n.target)} ${n.failureSummary ?? ""}`)
  )
}

/**
 * The accessibility audit of a browser test: `install` puts axe-core into every page of the context (as an init
 * script, which the pages' CSP does not block) and records every page of `base` the context loads; `check(page)`
 * fails on any violation of the page as it is; `unchecked()` lists the loads no check saw, so a test asserting it
 * empty has audited every page it visited.
 */
export class Audit {
  private pending: Array<string> = []
  private readonly checked: Array<string> = []

  constructor(private readonly base: string) {}

  /** Makes axe-core available on every page of `context` and records each page of `base` it loads. */
  async install(context: BrowserContext): Promise<void> {
    await context.addInitScript({ content: axeSource() })
    const track = (page: Page) =>
      page.on("load", () => {
        if (page.url().startsWith(this.base)) this.pending.push(page.url())
      })
    context.pages().forEach(track)
    context.on("page", track)
  }

  /** Runs axe-core on the page; throws with every violation when there is one. */
  async check(page: Page): Promise<void> {
    await page.waitForLoadState("load")
    const found = await violations(page)
    if (found.length > 0) throw new Error(`accessibility violations on ${page.url()}:\n  ${found.join("\n  ")}`)
    this.pending = this.pending.filter((url) => url !== page.url())
    this.checked.push(page.url())
  }

  /** The pages loaded and never checked (empty when every page was audited). */
  unchecked(): ReadonlyArray<string> {
    return [...this.pending]
  }

  /** The pages checked so far, in order. */
  pages(): ReadonlyArray<string> {
    return [...this.checked]
  }
}
