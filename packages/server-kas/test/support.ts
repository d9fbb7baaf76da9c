import { Effect, Either, ManagedRuntime, Option, Redacted } from "effect"
import type { AddressInfo } from "node:net"
import type http from "node:http"
import { KasConfig } from "@kas/core"
import { TestDatabase } from "@kas/core/testing"
import { makeApp } from "../src/app.js"
import type { GroupName } from "../src/auth/Permissions.js"
import { StaffUsers } from "../src/auth/StaffUsers.js"
import { type AppRuntime, makeLayer } from "../src/runtime.js"
import { seedStaff, type StaffFixture } from "./staffFixtures.js"

/**
 * The settings of kas web as in staging (no development users; behind the reverse proxy, so the client address and
 * scheme come from X-Forwarded-For / X-Forwarded-Proto, and cookies are Secure).
 */
export const STAGING_ENV = {
  ENVIRONMENT: "staging",
  COMMIT_TAG: "test",
  SECRET_KEY: "a-staging-secret-key-for-the-tests-0123456789abcdef",
  TIMEZONE: "America/Nuuk",
  REST_TOKEN: "staging-rest-token-0123456789",
  SELVBETJENING_REPRESENTATION_START: "https://selvbetjening.example/represent-start/",
  SELVBETJENING_REPRESENTATION_STOP: "https://selvbetjening.example/represent-stop/",
  ALLOWED_HOSTS: '["kas.example"]',
  TENQ_PROJECT_ID: "KAS"
}

/** A started kas web on a fresh test database. */
export interface KasWeb {
  readonly url: string
  readonly databaseUrl: string
  readonly runtime: AppRuntime
  readonly settings: KasConfig.BackOfficeConfig.KasWebSettings
  readonly stop: () => Promise<void>
}

/** Starts kas web in this process on a clone of the test template, with development users seeded. */
export const startKasWeb = async (env: Record<string, string> = {}): Promise<KasWeb> => {
  const db: TestDatabase.TestDb = env.DATABASE_URL
    ? { name: "", url: env.DATABASE_URL, drop: async () => {} }
    : await TestDatabase.createTestDatabase()
  const provider = KasConfig.ConfigReport.providerFromEnv({ ENVIRONMENT: "development", DATABASE_URL: db.url, ...env })
  const settings = Either.getOrThrow(
    Effect.runSync(Effect.either(KasConfig.load("kas web", KasConfig.BackOfficeConfig.kasWeb, provider)))
  )
  const runtime = ManagedRuntime.make(makeLayer(settings))
  await runtime.runPromise(
    Effect.flatMap(StaffUsers, (u) =>
      u.seed({
        development: settings.environment === "development",
        adminPassword: Option.map(settings.adminPassword, Redacted.value),
        restToken: Redacted.value(settings.restToken)
      })
    )
  )
  const app = makeApp(settings, runtime)
  const server: http.Server = await new Promise((resolve) => {
    const s = app.listen(0, "127.0.0.1", () => resolve(s))
  })
  const port = (server.address() as AddressInfo).port
  return {
    url: `http://127.0.0.1:${port}`,
    databaseUrl: db.url,
    runtime,
    settings,
    stop: async () => {
      server.closeAllConnections()
      await new Promise<void>((r) => server.close(() => r()))
      await runtime.dispose()
      await db.drop().catch(() => undefined)
    }
  }
}

/** A tiny browser: keeps cookies, follows nothing automatically, reads CSRF tokens from pages. */
export class Browser {
  private readonly cookies = new Map<string, string>()
  constructor(
    readonly base: string,
    private readonly defaultHeaders: Record<string, string> = {}
  ) {}

  async request(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers)
    for (const [k, v] of Object.entries(this.defaultHeaders)) headers.set(k, v)
    if (this.cookies.size) headers.set("cookie", [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; "))
    const res = await fetch(this.base + path, { ...init, headers, redirect: "manual" })
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(";")
      const [k, ...v] = pair!.split("=")
      const value = v.join("=")
      if (value === "" || /max-age=0/i.test(c)) this.cookies.delete(k!.trim())
      else this.cookies.set(k!.trim(), value)
    }
    return res
  }

  get(path: string) {
    return this.request(path)
  }

  /** The Cookie header this browser sends (for a hand-written request on a raw socket). */
  cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ")
  }

  /** The CSRF token of a page's forms. */
  async csrf(path = "/accounts/login/"): Promise<string> {
    const html = await (await this.get(path)).text()
    const m = html.match(/name="csrfmiddlewaretoken" value="([^"]+)"/)
    if (!m) throw new Error(`no CSRF token on ${path}`)
    return m[1]!
  }

  /** Posts a form (adds the CSRF token unless `csrf: false`); a list value repeats its field (checkboxes). */
  async post(
    path: string,
    fields: Record<string, string | ReadonlyArray<string>>,
    options: { csrf?: boolean | string; from?: string } = {}
  ) {
    const token =
      options.csrf === false
        ? undefined
        : typeof options.csrf === "string"
          ? options.csrf
          : await this.csrf(options.from ?? path)
    const body = new URLSearchParams()
    for (const [k, v] of Object.entries(fields)) for (const one of typeof v === "string" ? [v] : v) body.append(k, one)
    if (token) body.set("csrfmiddlewaretoken", token)
    return this.request(path, {
      method: "POST",
      body,
      headers: { "content-type": "application/x-www-form-urlencoded" }
    })
  }

  async login(username: string, password = "admin") {
    const res = await this.post("/accounts/login/", { username, password })
    if (res.status !== 302) throw new Error(`login as ${username} failed: ${res.status}`)
    return this
  }
}

/** Creates (or resets) a staff user with password "admin" and the given groups (none: a user without permissions). */
export const createStaffUser = (web: KasWeb, username: string, groups: ReadonlyArray<GroupName> = []) =>
  web.runtime.runPromise(Effect.flatMap(StaffUsers, (u) => u.upsertUser({ username, password: "admin", groups })))

/** kas web for the staff page tests: started, seeded with the staff fixture (`extra` paging persons) and a clerk. */
export interface StaffWeb {
  readonly web: KasWeb
  readonly fx: StaffFixture
  /** Logged in as `sagsbehandler`. */
  readonly clerk: Browser
}

/** Starts kas web, seeds the staff fixture (`seedStaff(url, extra)`) and logs a `sagsbehandler` in. */
export const startStaffWeb = async (extra = 0): Promise<StaffWeb> => {
  const web = await startKasWeb()
  const fx = await seedStaff(web.databaseUrl, extra)
  const clerk = await new Browser(web.url).login("sagsbehandler")
  return { web, fx, clerk }
}
