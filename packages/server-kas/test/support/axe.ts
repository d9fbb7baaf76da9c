import axe from "axe-core"
import type { Page } from "playwright-core"
import { Accessibility } from "@kas/core/testing"

/**
 * Kept for tests written before the shared audit: prefer `Accessibility.Audit` of `@kas/core/testing` (see
 * CONTRIBUTING), which needs no `bypassCSP` and lists the pages a test forgot to check. Runs the same axe-core rules
 * (`Accessibility.violations`, WCAG 2.1 A/AA) on the page as it is now and fails with every violation listed; it
 * injects axe as a script without the page's nonce, so the context must be created with `bypassCSP: true`.
 */
export const expectAccessible = async (page: Page): Promise<void> => {
  if (!(await page.evaluate(() => "axe" in globalThis))) await page.addScriptTag({ content: axe.source })
  const found = await Accessibility.violations(page)
  if (found.length > 0) throw new Error(`Accessibility violations on ${page.url()}:\n  ${found.join("\n  ")}`)
}
