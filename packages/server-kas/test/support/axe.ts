import axe from "axe-core"
import type { Page } from "playwright-core"

/** The rules the staff pages must pass: WCAG 2.0 and 2.1, levels A and AA. */
const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

interface Violation {
  readonly id: string
  readonly help: string
  readonly nodes: ReadonlyArray<{ readonly target: ReadonlyArray<unknown>; readonly failureSummary?: string }>
}

/**
 * Runs axe-core (WCAG 2.1 AA) on the page as it is now and fails with every violation listed. The page's context
 * must be created with `bypassCSP: true`, since axe is injected as a script without the page's nonce.
 */
export const expectAccessible = async (page: Page): Promise<void> => {
  if (!(await page.evaluate(() => "axe" in globalThis))) await page.addScriptTag({ content: axe.source })
  const violations = await page.evaluate(async (tags) => {
    const run = (
      globalThis as unknown as { axe: { run: (c: unknown, o: unknown) => Promise<{ violations: Array<Violation> }> } }
    ).axe.run
    const result = await run((globalThis as unknown as { document: unknown }).document, {
      runOnly: { type: "tag", values: tags },
      resultTypes: ["violations"]
    })
    return result.violations.map((v) => ({
      id: v.id,
      help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target, failureSummary: n.failureSummary }))
    }))
  }, TAGS)
  if (violations.length > 0) {
    const lines = violations.flatMap((v: Violation) => [
      `${v.id}: ${v.help}`,
      ...v.nodes.map((n) => `  ${JSON.stringify(n.target)} ${n.failureSummary ?? ""}`)
    ])
    throw new Error(`Accessibility violations on ${page.url()}:\n${lines.join("\n")}`)
  }
}
