import { existsSync } from "node:fs"
import type { Browser } from "playwright-core"

/** Debian's Chromium, driven by playwright-core in the browser tests. */
export const CHROMIUM_PATH = "/usr/bin/chromium"

/** The flags the browser tests launch Chromium with (headless, no sandbox as root, no background traffic). */
export const CHROMIUM_ARGS: ReadonlyArray<string> = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-quic",
  "--no-first-run"
]

/**
 * Whether browser tests run: always in CI (where a missing browser is a failure, not a skip), elsewhere only when
 * Chromium is installed.
 */
export const browserTestsEnabled = (): boolean => {
  if (process.env.CI === "true") {
    if (!existsSync(CHROMIUM_PATH))
      throw new Error(`CI requires ${CHROMIUM_PATH} for the browser tests (apt-get install chromium)`)
    return true
  }
  return existsSync(CHROMIUM_PATH)
}

/**
 * Launches Debian's Chromium headless with {@link CHROMIUM_ARGS} (playwright-core, an optional peer dependency, is
 * loaded only here). One per test file, in `beforeAll`; close it in `afterAll`.
 */
export const launch = async (): Promise<Browser> => {
  const { chromium } = await import("playwright-core")
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: [...CHROMIUM_ARGS] })
}
