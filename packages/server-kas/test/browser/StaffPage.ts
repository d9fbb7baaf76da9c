import { Accessibility } from "@kas/core/testing"
import type { BrowserContext, BrowserContextOptions, Browser as Chromium, Page } from "playwright-core"

/** A staff user's browser context with the axe-core audit installed, and its page. */
export interface StaffPage {
  readonly context: BrowserContext
  readonly page: Page
  readonly audit: Accessibility.Audit
}

/** Fills and sends the login form of the page shown (staff users of the test fixtures have the password "admin"). */
export const logIn = async (page: Page, username: string, password = "admin") => {
  await page.fill("input[name=username]", username)
  await page.fill("input[name=password]", password)
  await page.click("form[action='/accounts/login/'] button[type=submit]")
}

/**
 * The start of every staff browser test: a new context (with `contextOptions`) whose pages axe-core checks, a page
 * that opens `start` anonymously, lands on the login page (checked), logs in as `username` and is sent back to
 * `start` (checked too).
 */
export const staffPage = async (
  browser: Chromium,
  baseUrl: string,
  options: { readonly username: string; readonly start?: string; readonly contextOptions?: BrowserContextOptions }
): Promise<StaffPage> => {
  const context = await browser.newContext(options.contextOptions)
  const audit = new Accessibility.Audit(baseUrl)
  await audit.install(context)
  const page = await context.newPage()
  page.setDefaultTimeout(30_000)
  const start = `${baseUrl}${options.start ?? "/"}`
  await page.goto(start)
  await page.waitForURL("**/login/**")
  await audit.check(page)
  await logIn(page, options.username)
  await page.waitForURL(start)
  await audit.check(page)
  return { context, page, audit }
}
