import { Effect, Either, ManagedRuntime } from "effect"
import { mkdtemp, writeFile } from "node:fs/promises"
import http from "node:http"
import type { AddressInfo } from "node:net"
import os from "node:os"
import path from "node:path"
import { generate } from "selfsigned"
import { KasConfig } from "@kas/core"
import { TestDatabase } from "@kas/core/testing"
// The back office's own test helpers (a started kas web and its fixture citizens); tests only.
import { type Browser, startKasWeb, type KasWeb } from "../../server-kas/test/support.js"
import { seedCitizens, type Fixture } from "../../server-kas/test/restFixtures.js"
import { makeApp } from "../src/app.js"
import { makeLayer, type AppRuntime } from "../src/runtime.js"
import { buildSaml } from "../src/saml/RequestStore.js"
import type { SamlLogin } from "../src/saml/SamlLogin.js"
import { CitizenSessions } from "../src/web/Sessions.js"
import { startTestIdp, type LoginOptions, type TestIdp } from "./TestIdp.js"

export { Browser } from "../../server-kas/test/support.js"
export { CPR_A, CPR_B, PDF, query } from "../../server-kas/test/restFixtures.js"

/** The edit year of the tests (the current year − 1). */
export const YEAR = new Date().getFullYear() - 1

/** A started portal with its back office, test IdP and fixture citizens. */
export interface Portal {
  readonly url: string
  readonly kas: KasWeb
  readonly idp: TestIdp
  readonly fx: Fixture
  readonly portalDatabaseUrl: string
  /** The portal's settings, runtime and SAML SP (to build another app on them, e.g. with forged settings). */
  readonly settings: KasConfig.SelvbetjeningConfig.SelvbetjeningSettings
  readonly runtime: AppRuntime
  readonly saml: SamlLogin | null
  /** What the portal logged (also on stderr with PORTAL_LOG set). */
  readonly logs: ReadonlyArray<string>
  readonly stop: () => Promise<void>
}

/** Starts kas web and selvbetjening (SAML against a self-signed test IdP), in this process, on fresh test databases. */
export const startPortal = async (env: Record<string, string> = {}): Promise<Portal> => {
  const kas = await startKasWeb()
  const fx = await seedCitizens(kas.databaseUrl, YEAR)
  const db = await TestDatabase.createTestDatabase()
  const dir = await mkdtemp(path.join(os.tmpdir(), "kas-sp-"))
  const sp = await generate([{ name: "commonName", value: "kas-sp" }], { keySize: 2048, algorithm: "sha256" })
  await writeFile(path.join(dir, "sp.key"), sp.private)
  await writeFile(path.join(dir, "sp.crt"), sp.cert)
  const server = http.createServer()
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const idp = await startTestIdp({
    entityId: `${url}/saml/metadata/`,
    acs: `${url}/login/callback/`,
    sloCallback: `${url}/logout/callback/`,
    spCert: sp.cert
  })
  await writeFile(path.join(dir, "idp.xml"), idp.metadata())
  const provider = KasConfig.ConfigReport.providerFromEnv({
    ENVIRONMENT: "development",
    SELVBETJENING_DATABASE_URL: db.url,
    REST_HOST: kas.url,
    LOGIN_PROVIDER: "saml",
    SAML_SP_ENTITY_ID: `${url}/saml/metadata/`,
    SAML_IDP_ENTITY_ID: idp.entityId,
    SAML_IDP_METADATA: `${idp.url}/metadata`,
    SAML_IDP_METADATA_FILE: path.join(dir, "idp.xml"),
    SAML_SP_LOGIN_CALLBACK_URI: `${url}/login/callback/`,
    SAML_SP_LOGOUT_CALLBACK_URI: `${url}/logout/callback/`,
    SAML_SP_KEY: path.join(dir, "sp.key"),
    SAML_SP_CERTIFICATE: path.join(dir, "sp.crt"),
    SAML_CONTACT_TECHNICAL_NAME: "Teknik",
    SAML_CONTACT_TECHNICAL_EMAIL: "teknik@example.gl",
    SAML_CONTACT_SUPPORT_NAME: "Support",
    SAML_CONTACT_SUPPORT_EMAIL: "support@example.gl",
    ...env
  })
  const settings = Either.getOrThrow(
    Effect.runSync(
      Effect.either(KasConfig.load("selvbetjening", KasConfig.SelvbetjeningConfig.selvbetjening, provider))
    )
  )
  const runtime = ManagedRuntime.make(makeLayer(settings))
  await runtime.runtime()
  const saml = await buildSaml(settings, runtime)
  const logs: Array<string> = []
  server.on(
    "request",
    makeApp(settings, runtime, {
      saml,
      log: (m) => {
        logs.push(m)
        if (process.env.PORTAL_LOG) console.error(m)
      }
    }).callback()
  )
  return {
    url,
    kas,
    idp,
    fx,
    portalDatabaseUrl: db.url,
    settings,
    runtime,
    saml,
    logs,
    stop: async () => {
      server.closeAllConnections()
      await new Promise<void>((r) => server.close(() => r()))
      await idp.stop()
      await runtime.dispose()
      await db.drop().catch(() => undefined)
      await kas.stop()
    }
  }
}

/**
 * Every session change committed so far (a test's update of the table, say) has reached the portal's session cache;
 * in the app that happens when PostgreSQL's notification of the change arrives.
 */
export const sessionsSettled = (portal: Portal): Promise<void> =>
  portal.runtime.runPromise(CitizenSessions).then((store) => store.sync())

/** Starts a login at the portal and returns the AuthnRequest as the IdP sees it. */
export const beginLogin = async (browser: Browser, back = "/policy/edit/") => {
  const res = await browser.get(`/login/?back=${encodeURIComponent(back)}`)
  const location = res.headers.get("location") ?? ""
  return { location, ...parseAuthn(location) }
}

const parseAuthn = (location: string) => {
  const u = new URL(location)
  return { relayState: u.searchParams.get("RelayState") ?? "", hasSignature: u.searchParams.has("Signature") }
}

/** Posts a SAMLResponse to the assertion consumer service. */
export const postResponse = (browser: Browser, samlResponse: string, relayState = "/policy/edit/") =>
  browser.request("/login/callback/", {
    method: "POST",
    body: new URLSearchParams({ SAMLResponse: samlResponse, RelayState: relayState }),
    headers: { "content-type": "application/x-www-form-urlencoded" }
  })

/** A full SAML login of `cpr` (or with other response options); returns the callback's answer. */
export const loginAs = async (portal: Portal, browser: Browser, options: Omit<LoginOptions, "inResponseTo"> = {}) => {
  const { location, relayState } = await beginLogin(browser)
  const request = portal.idp.parseRedirect(location)
  return postResponse(browser, portal.idp.response({ inResponseTo: request.id, ...options }), relayState)
}

/** Posts a multipart form with the page's CSRF token (unless `csrf: false`). */
export const postMultipart = async (
  browser: Browser,
  pathname: string,
  fields: Record<string, string>,
  files: Record<string, { name: string; content: Uint8Array; type?: string }> = {},
  options: { csrf?: boolean } = {}
) => {
  const form = new FormData()
  if (options.csrf !== false) form.set("csrfmiddlewaretoken", await browser.csrf(pathname))
  for (const [k, v] of Object.entries(fields)) form.set(k, v)
  for (const [k, f] of Object.entries(files))
    form.set(k, new Blob([f.content], { type: f.type ?? "application/pdf" }), f.name)
  return browser.request(pathname, { method: "POST", body: form })
}
