/**
 * The production check (issue 12): the Docker image's runtime stage without Docker. Builds the runtime stage from
 * the workspace's `dist/` (scripts/lib/runtimeImage.ts), then, under plain `node` with NODE_ENV=production,
 * ENVIRONMENT=production and the settings of dev-environment/production-*.env.example, against a scratch database
 * on the machine's PostgreSQL: `kas migrate`; kas web, selvbetjening (SAML against a test IdP's metadata file),
 * worker and scheduler; both health endpoints answer 200; a census import runs through the worker with
 * ESKAT_SOURCE=mock; SIGTERM stops every process within its grace period. Exits 1 with the reason on a failure.
 *
 *   npm run build && node --import tsx scripts/production-check.ts
 *
 * PRODUCTION_CHECK_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres) is the server and a user that
 * may create databases; KEEP_SCRATCH=1 keeps the scratch directory.
 */
import { randomBytes } from "node:crypto"
import { readFileSync, writeFileSync } from "node:fs"
import { createServer } from "node:net"
import path from "node:path"
import pg from "pg"
import { generate } from "selfsigned"
import { startTestIdp } from "../packages/server-selvbetjening/test/TestIdp.js"
import { buildRuntimeImage } from "./lib/runtimeImage.js"
import { failOnExit, killAll, type Started, startNode, stopWithin, waitFor } from "./lib/processes.js"
import { check, repoRoot, run, runCheck, scratchDir } from "./lib/run.js"

const adminUrl = process.env.PRODUCTION_CHECK_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres"
const KAS = "packages/server-kas/dist/bin/kas.js"
const SELVBETJENING = "packages/server-selvbetjening/dist/bin/selvbetjening.js"
/** Seconds each process may take to stop after SIGTERM: the web servers' and the worker's own grace periods. */
const GRACE = { "kas web": 10, selvbetjening: 10, "kas worker": 30, "kas scheduler": 10 } as const

/** `KEY=value` lines of an env file (docker's env_file format: no quotes, `#` comments). */
const readEnvFile = (file: string): Record<string, string> =>
  Object.fromEntries(
    readFileSync(file, "utf8")
      .split("\n")
      .filter((l) => /^[A-Z_][A-Z0-9_]*=/.test(l))
      .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)])
  )

/** The example file with the machine-specific values replaced; every `<…>` placeholder must have been replaced. */
const settings = (example: string, overrides: Record<string, string | undefined>): Record<string, string> => {
  const env: Record<string, string | undefined> = {
    ...readEnvFile(path.join(repoRoot, "dev-environment", example)),
    ...overrides
  }
  const filled = Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined))
  const open = Object.entries(filled)
    .filter(([, v]) => /<[^>]+>/.test(v))
    .map(([k]) => k)
  check(open.length === 0, `dev-environment/${example}: no value for ${open.join(", ")} in the check`)
  check(filled.ENVIRONMENT === "production", `dev-environment/${example} must say ENVIRONMENT=production`)
  return filled
}

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const address = server.address()
      server.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))
      )
    })
  })

const databaseUrl = (name: string) => Object.assign(new URL(adminUrl), { pathname: `/${name}` }).toString()

/** GET `url` as the TLS-terminating reverse proxy forwards it (not following redirects): status, Location, body. */
const get = async (url: string) => {
  const headers = { "x-forwarded-proto": "https" }
  const res = await fetch(url, { headers, redirect: "manual", signal: AbortSignal.timeout(10_000) })
  return { status: res.status, location: res.headers.get("location") ?? "", body: await res.text() }
}

const main = async () => {
  const scratch = scratchDir("kas-production-check")
  const admin = new pg.Client({ connectionString: adminUrl })
  const suffix = `${process.pid}_${randomBytes(3).toString("hex")}`
  const databases = [`kas_production_check_${suffix}`, `selvbetjening_production_check_${suffix}`]
  const processes: Array<Started> = []
  let idp: Awaited<ReturnType<typeof startTestIdp>> | undefined
  await admin.connect()
  try {
    console.log("== the Dockerfile's runtime stage, from the built workspace")
    const image = await buildRuntimeImage(repoRoot, path.join(scratch.dir, "app"))
    check(image.env.NODE_ENV === "production", "the runtime stage must set NODE_ENV=production")
    for (const db of databases) await admin.query(`create database ${db}`)

    console.log("== settings (dev-environment/production-*.env.example) and SAML files")
    const [kasPort, portalPort] = [await freePort(), await freePort()]
    const portal = `http://127.0.0.1:${portalPort}`
    const sp = await generate([{ name: "commonName", value: "kas-production-check" }], {
      keySize: 2048,
      algorithm: "sha256"
    })
    const file = (name: string, text: string) => {
      writeFileSync(path.join(scratch.dir, name), text)
      return path.join(scratch.dir, name)
    }
    idp = await startTestIdp({
      entityId: `${portal}/saml/metadata/`,
      acs: `${portal}/login/callback/`,
      sloCallback: `${portal}/logout/callback/`,
      spCert: sp.cert
    })
    const restToken = randomBytes(24).toString("hex")
    const kasEnv = {
      ...image.env,
      ...settings("production-kas.env.example", {
        DATABASE_URL: databaseUrl(databases[0]),
        SECRET_KEY: randomBytes(32).toString("hex"),
        REST_TOKEN: restToken,
        PORT: String(kasPort),
        ALLOWED_HOSTS: JSON.stringify(["127.0.0.1"]),
        ESKAT_SOURCE: "mock",
        ESKAT_HOST: undefined,
        ESKAT_DB: undefined,
        ESKAT_USER: undefined,
        ESKAT_PASSWORD: undefined,
        // No SFTP server is contacted in the check (nothing is sent to Prisme); the settings must only be valid.
        TENQ_HOST: "127.0.0.1",
        TENQ_USER: "kas",
        TENQ_PASSWORD: randomBytes(12).toString("hex"),
        TENQ_PROD_PATH: "/prod",
        TENQ_TEST_PATH: "/test",
        // The census import asks the Datafordeler mock (no PITU gateway here).
        PITU_MOCK: "true",
        PITU_URL: undefined,
        PITU_UXP_CLIENT: undefined,
        PITU_UXP_SERVICE_CPR: undefined,
        // no e-Boks proxy here
        EBOKS_MOCK: "true",
        EBOKS_HOST: undefined,
        EBOKS_CLIENT_ID: undefined,
        EBOKS_SYSTEM_ID: undefined,
        EBOKS_CONTENT_TYPE_ID: undefined,
        EBOKS_CLIENT_CERTIFICATES: undefined,
        EBOKS_CLIENT_PRIVATE_KEY: undefined,
        EBOKS_VERIFY: undefined,
        DISABLE_METRICS: "true" // no push gateway here
      })
    }
    const portalEnv = {
      ...image.env,
      ...settings("production-selvbetjening.env.example", {
        SELVBETJENING_DATABASE_URL: databaseUrl(databases[1]),
        SECRET_KEY: randomBytes(32).toString("hex"),
        REST_TOKEN: restToken,
        REST_HOST: `http://127.0.0.1:${kasPort}`,
        PORT: String(portalPort),
        ALLOWED_HOSTS: JSON.stringify(["127.0.0.1"]),
        SAML_SP_ENTITY_ID: `${portal}/saml/metadata/`,
        SAML_SP_LOGIN_CALLBACK_URI: `${portal}/login/callback/`,
        SAML_SP_LOGOUT_CALLBACK_URI: `${portal}/logout/callback/`,
        SAML_SP_KEY: file("saml-sp.key", sp.private),
        SAML_SP_CERTIFICATE: file("saml-sp.crt", sp.cert),
        SAML_IDP_ENTITY_ID: idp.entityId,
        SAML_IDP_METADATA: `${idp.url}/metadata`,
        SAML_IDP_METADATA_FILE: file("idp-metadata.xml", idp.metadata()),
        PULL_IDP_METADATA: "false",
        SAML_CONTACT_TECHNICAL_NAME: "Drift",
        SAML_CONTACT_TECHNICAL_EMAIL: "drift@example.gl",
        SAML_CONTACT_SUPPORT_NAME: "Support",
        SAML_CONTACT_SUPPORT_EMAIL: "support@example.gl"
      })
    }
    const kas = (args: ReadonlyArray<string>, env = kasEnv) =>
      run(process.execPath, [KAS, ...args], {
        cwd: image.dir,
        env: { PATH: process.env.PATH ?? "", ...env },
        capture: true
      })

    console.log("== kas migrate")
    await kas(["migrate"])

    console.log("== kas web, selvbetjening, worker, scheduler")
    processes.push(startNode("kas web", [KAS, "web"], image.dir, kasEnv))
    processes.push(startNode("selvbetjening", [SELVBETJENING], image.dir, portalEnv))
    processes.push(startNode("kas worker", [KAS, "worker"], image.dir, kasEnv))
    processes.push(startNode("kas scheduler", [KAS, "scheduler"], image.dir, kasEnv))
    const early = failOnExit(processes)
    const healthy = (base: string) =>
      waitFor(`${base}/health/database`, 90, async () =>
        (await get(`${base}/health/database`)).status === 200 ? true : undefined
      )
    await Promise.race([Promise.all([healthy(`http://127.0.0.1:${kasPort}`), healthy(portal)]), early])
    console.log("both /health/database answer 200")
    const login = await get(`http://127.0.0.1:${kasPort}/accounts/login/`)
    check(
      login.status === 200 && login.body.includes("csrfmiddlewaretoken"),
      `kas web /accounts/login/ answered ${login.status}, not the login form`
    )
    const css = await get(`http://127.0.0.1:${kasPort}/static/vendor/bootstrap.min.css`)
    check(css.status === 200, `kas web /static/vendor/bootstrap.min.css answered ${css.status}`)
    const citizen = await get(`${portal}/login/`)
    check(
      citizen.status === 302 && citizen.location.startsWith(`${idp.url}/sso?SAMLRequest=`),
      `selvbetjening /login/ should redirect to the IdP, answered ${citizen.status} ${citizen.location}`
    )
    check(idp.parseRedirect(citizen.location).signed, "selvbetjening's AuthnRequest is not signed with the SP key")

    console.log("== a census import through the worker (ESKAT_SOURCE=mock)")
    const year = new Date().getUTCFullYear() - 1
    // The mock tables are a fixture: the command refuses production, so it runs as staging on the same database.
    await kas(["import-eskat-mockup-data", "--persons", "25", "--years", String(year)], {
      ...kasEnv,
      ENVIRONMENT: "staging"
    })
    const jobId = (await kas(["execute-job", "ImportMandtalJob", "--year", String(year)])).trim()
    check(/^[0-9a-f-]{36}$/.test(jobId), `kas execute-job printed '${jobId}', not a job id`)
    const db = new pg.Client({ connectionString: databaseUrl(databases[0]) })
    await db.connect()
    try {
      const job = await Promise.race([
        waitFor(`job ${jobId} to end`, 180, async () => {
          const { rows } = await db.query<{ status: string; failure: string }>(
            "select status, failure from jobs.job where id = $1",
            [jobId]
          )
          return ["finished", "failed", "cancelled"].includes(rows[0]?.status ?? "") ? rows[0] : undefined
        }),
        early
      ])
      check(job.status === "finished", `the census import ended '${job.status}': ${job.failure}`)
      const { rows } = await db.query<{ persons: number; census: number }>(
        `select (select count(*)::int from kas.person) as persons,
                (select count(distinct cpr)::int from eskat_mock.kas_mandtal where skatteaar = $1) as census`,
        [year]
      )
      check(
        rows[0].persons > 0 && rows[0].persons >= rows[0].census,
        `after the import kas.person holds ${rows[0].persons} persons of ${rows[0].census} in the census`
      )
      console.log(`census ${year} imported by the worker: ${rows[0].persons} persons`)
    } finally {
      await db.end()
    }

    console.log("== SIGTERM to every process")
    const stops = await Promise.allSettled(processes.map((p) => stopWithin(p, GRACE[p.name as keyof typeof GRACE])))
    const failed = stops.flatMap((s) => (s.status === "rejected" ? [String((s.reason as Error).message)] : []))
    check(failed.length === 0, failed.join("; "))
    for (const [i, s] of stops.entries()) {
      if (s.status === "fulfilled") console.log(`${processes[i].name} stopped in ${s.value.toFixed(1)} s`)
    }
  } finally {
    killAll(processes)
    await idp?.stop()
    for (const db of databases) await admin.query(`drop database if exists ${db} with (force)`).catch(() => undefined)
    await admin.end()
    if (process.env.KEEP_SCRATCH === "1") console.log(`kept ${scratch.dir}`)
    else scratch.remove()
  }
}

runCheck("production check", main)
