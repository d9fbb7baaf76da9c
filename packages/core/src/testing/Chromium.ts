import { existsSync } from "node:fs"

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
